package client

import (
	"fmt"

	cloud "github.com/hashicorp/hcp-sdk-go/clients/cloud-shared/v1/models"
	"google.golang.org/grpc/codes"
)

// maxPages bounds a listing, so that a server that keeps answering with new
// tokens cannot keep the provider busy forever.
const maxPages = 10000

// paginate calls page with the token of each page in turn, starting with
// nil, until page returns an empty next token. A token seen before ends
// the listing with an error rather than a loop.
func paginate(op string, page func(token *string) (next string, err error)) error {
	var token *string
	seen := map[string]bool{}
	for range maxPages {
		next, err := page(token)
		if err != nil {
			return err
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return &Error{Op: op, HTTPStatus: 200, Code: codes.Internal,
				Message: fmt.Sprintf("HCP repeated the page token %q; the listing cannot be completed", next)}
		}
		seen[next] = true
		token = &next
	}
	return &Error{Op: op, HTTPStatus: 200, Code: codes.Internal,
		Message: fmt.Sprintf("the listing has more than %d pages", maxPages)}
}

func nextToken(p *cloud.HashicorpCloudCommonPaginationResponse) string {
	if p == nil {
		return ""
	}
	return p.NextPageToken
}
