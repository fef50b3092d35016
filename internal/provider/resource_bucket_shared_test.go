package provider

import (
	"context"
	"testing"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// The client's answers are shared by every reader of one operation, so
// mapping one onto state must not change it.
func TestBucketFromAPILeavesTheSharedAnswerAlone(t *testing.T) {
	t.Parallel()
	answer := &client.Bucket{ID: "b-1", Name: "web"}
	var m bucketResourceModel
	if diags := m.fromAPI(context.Background(), client.Location{OrganizationID: "org", ProjectID: "proj"}, answer); diags.HasError() {
		t.Fatal(diags)
	}
	if m.ProjectID.ValueString() != "proj" || m.OrganizationID.ValueString() != "org" {
		t.Fatalf("state location = %s/%s, want org/proj", m.OrganizationID, m.ProjectID)
	}
	if answer.ProjectID != "" || answer.OrganizationID != "" {
		t.Fatalf("the shared answer was changed to %s/%s", answer.OrganizationID, answer.ProjectID)
	}
}
