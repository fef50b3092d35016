package httpapi

import (
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// decode reads the request body into dst, answering InvalidArgument on bad JSON.
func (c *call) decode(dst any) error {
	if err := wire.Decode(c.body, dst); err != nil {
		return invalidArgument("%s", err.Error())
	}
	return nil
}

// author is the id recorded as author_id / revocation_author.
func (c *call) author() string { return c.principal.ID }
