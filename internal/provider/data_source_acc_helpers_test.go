package provider_test

import (
	"context"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/acctest"
	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// revokeOutOfBand revokes a version through the API, as an operator would
// outside Terraform.
func revokeOutOfBand(t *testing.T, bucket, fingerprint string, r client.Revocation) {
	t.Helper()
	if _, err := acctest.Client(t).RevokeVersion(context.Background(), acctest.Location(t), bucket, fingerprint, r); err != nil {
		t.Fatalf("revoke version %q of bucket %q: %v", fingerprint, bucket, err)
	}
}
