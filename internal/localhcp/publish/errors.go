package publish

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"google.golang.org/grpc/codes"
)

// codePattern finds the gRPC code in an SDK error's text, exactly as
// Packer's CheckErrorCode does.
var codePattern = regexp.MustCompile(`[Cc]ode"?:([0-9]+)`)

// codeOf returns the gRPC code of an SDK error's body, codes.OK for nil and
// codes.Unknown when the error carries none (no answer at all).
func codeOf(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	m := codePattern.FindStringSubmatch(err.Error())
	if m == nil {
		return codes.Unknown
	}
	n, _ := strconv.ParseUint(m[1], 10, 32)
	return codes.Code(n)
}

// apiError says what publishing tried, the server's message and code, and
// what to do, instead of the SDK's dump of the answer. The advice names the
// flags and commands of `localhcp publish`, the way users reach this
// package.
func apiError(what string, err error) error {
	var answer interface{ GetPayload() *cloud.GoogleRPCStatus }
	if !errors.As(err, &answer) || answer.GetPayload() == nil {
		// No answer: the request never got one (connection, token).
		return fmt.Errorf("%s: %w: check HCP_API_ADDRESS and that the server runs (for localhcp, `localhcp env --wait 30s` waits for it)", what, err)
	}
	status := answer.GetPayload()
	code := codes.Code(status.Code)
	msg := fmt.Sprintf("%s: %s (%s)", what, status.Message, code)
	switch code {
	case codes.PermissionDenied:
		msg += `: act as a principal that may write, e.g. exports="$(localhcp env --role contributor)"`
	case codes.Unauthenticated:
		msg += ": check HCP_CLIENT_ID and HCP_CLIENT_SECRET (for localhcp, print them with `localhcp env`)"
	}
	return errors.New(msg)
}

// channelError explains a failed channel update; a missing channel is
// the common case, as Packer never creates channels.
func channelError(bucket, channel, fingerprint string, err error) error {
	if codeOf(err) == codes.NotFound {
		return fmt.Errorf("channel %q not found in bucket %q (NotFound): pass --create-channels to create it", channel, bucket)
	}
	return apiError(fmt.Sprintf("point channel %q of bucket %q at version %s", channel, bucket, fingerprint), err)
}
