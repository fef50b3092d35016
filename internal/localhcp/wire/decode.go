package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Decode reads one JSON object from body into dst. An empty body is an empty
// object; unknown fields are ignored, as grpc-gateway does; anything else
// malformed gives an error whose message names the offending field or
// position, fit to answer with InvalidArgument.
func Decode(body []byte, dst any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if trimmed[0] != '{' {
		return errors.New("request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(dst); err != nil {
		return describe(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("request body has data after its JSON object: send exactly one object")
	}
	return nil
}

func describe(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "(body)"
		}
		return fmt.Errorf("field %q has the wrong type: expected %s, got JSON %s", field, describeType(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("request body is not valid JSON at byte %d: %s", syntaxErr.Offset, syntaxErr.Error())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("request body is truncated JSON")
	default:
		// base64 errors of []byte fields and similar arrive here.
		return fmt.Errorf("request body is invalid: %s", err.Error())
	}
}

func describeType(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "map[string]string"):
		return "an object of strings"
	case strings.HasPrefix(goType, "[]uint8"):
		return "a base64 string"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "wire.") || strings.HasPrefix(goType, "*wire."):
		return "an object"
	case goType == "json.RawMessage":
		return "a JSON value"
	default:
		return goType
	}
}
