package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

// failingAPI fails the one call a data source's Read makes with err. Its nil
// client.API makes any other call panic, which flags an unexpected call. It
// shapes what the shared localhcp of these tests cannot produce for one test
// alone: its principals come from the process environment that every test
// shares, and all of them may read, so a read is never PermissionDenied
// there (a principal without a role is refused, CONTRACT.md §2.3); and an
// Unavailable from fault injection is retried by the client and, injected
// into the shared server, would hit every test running beside this one.
type failingAPI struct {
	client.API
	err error
}

func (f failingAPI) ResolveLocation(context.Context, string) (client.Location, error) {
	return client.Location{OrganizationID: fakeOrganizationID, ProjectID: fakeProjectID}, nil
}

func (f failingAPI) GetBucket(context.Context, client.Location, string) (*client.Bucket, error) {
	return nil, f.err
}

func (f failingAPI) ListBuckets(context.Context, client.Location) ([]client.Bucket, error) {
	return nil, f.err
}

// readWith runs ds's Read over api with config (string attributes; the
// others null) and returns its diagnostics.
func readWith(t *testing.T, ds datasource.DataSource, api client.API, config map[string]string) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var configured datasource.ConfigureResponse
	ds.(datasource.DataSourceWithConfigure).Configure(ctx, datasource.ConfigureRequest{
		ProviderData: &providerData{client: api, now: func() time.Time { return fakeEpoch }},
	}, &configured)
	var sch datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &sch)
	typ := sch.Schema.Type().TerraformType(ctx).(tftypes.Object)
	values := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(attrType, nil)
		if v, ok := config[name]; ok {
			values[name] = tftypes.NewValue(tftypes.String, v)
		}
	}
	resp := datasource.ReadResponse{State: tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(typ, nil)}}
	ds.Read(ctx, datasource.ReadRequest{Config: tfsdk.Config{Schema: sch.Schema, Raw: tftypes.NewValue(typ, values)}}, &resp)
	return append(configured.Diagnostics, resp.Diagnostics...)
}

func TestDataSourcesReportReadFailures(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		ds      datasource.DataSource
		config  map[string]string
		err     error
		summary string
		detail  string
	}{
		{"bucket, permission denied", newBucketDataSource(), map[string]string{"name": "web"},
			apiError("GetBucket", codes.PermissionDenied, 403, "principal lacks packer.buckets.get"),
			"Permission Denied", `The credentials may not read bucket "web": principal lacks packer.buckets.get.`},
		{"bucket names, unavailable", newBucketNamesDataSource(), nil,
			apiError("ListBuckets", codes.Unavailable, 503, "try again later"),
			"Unable to Read Buckets", `Could not read the buckets of project ` + fakeProjectID + `: try again later. Retry`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			diags := readWith(t, tc.ds, failingAPI{err: tc.err}, tc.config)
			if diags.ErrorsCount() != 1 {
				t.Fatalf("diagnostics = %v, want one error", diags)
			}
			if d := diags.Errors()[0]; d.Summary() != tc.summary || !strings.Contains(d.Detail(), tc.detail) {
				t.Fatalf("error = %q: %q, want %q containing %q", d.Summary(), d.Detail(), tc.summary, tc.detail)
			}
		})
	}
}
