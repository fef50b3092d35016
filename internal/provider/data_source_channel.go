package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/golden-image/terraform-provider-hcppacker/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*channelDataSource)(nil)

func newChannelDataSource() datasource.DataSource { return &channelDataSource{} }

// channelDataSource is hcppacker_channel: one channel, the version it points
// at (if any) and its assignment history.
type channelDataSource struct {
	data *providerData
}

type channelDataSourceModel struct {
	BucketName         types.String               `tfsdk:"bucket_name"`
	Name               types.String               `tfsdk:"name"`
	ProjectID          types.String               `tfsdk:"project_id"`
	OrganizationID     types.String               `tfsdk:"organization_id"`
	ID                 types.String               `tfsdk:"id"`
	Restricted         types.Bool                 `tfsdk:"restricted"`
	Managed            types.Bool                 `tfsdk:"managed"`
	AuthorID           types.String               `tfsdk:"author_id"`
	CreatedAt          types.String               `tfsdk:"created_at"`
	UpdatedAt          types.String               `tfsdk:"updated_at"`
	VersionFingerprint types.String               `tfsdk:"version_fingerprint"`
	VersionID          types.String               `tfsdk:"version_id"`
	VersionName        types.String               `tfsdk:"version_name"`
	History            []channelHistoryEntryModel `tfsdk:"history"`
}

// channelHistoryEntryModel is one assignment; the version fields are null for
// an entry that unassigned the channel.
type channelHistoryEntryModel struct {
	AssignedAt         types.String `tfsdk:"assigned_at"`
	AuthorID           types.String `tfsdk:"author_id"`
	VersionFingerprint types.String `tfsdk:"version_fingerprint"`
	VersionID          types.String `tfsdk:"version_id"`
	VersionName        types.String `tfsdk:"version_name"`
}

func (d *channelDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_channel"
}

func (d *channelDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"bucket_name": schema.StringAttribute{
			MarkdownDescription: "The bucket that holds the channel.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"name": schema.StringAttribute{
			MarkdownDescription: "The channel's name; `latest` is the channel HCP Packer manages itself.",
			Required:            true,
			Validators:          nameValidators(),
		},
		"id": schema.StringAttribute{
			MarkdownDescription: "The channel's id (ULID).",
			Computed:            true,
		},
		"restricted": schema.BoolAttribute{
			MarkdownDescription: "Whether the channel is restricted to principals allowed to read restricted channels.",
			Computed:            true,
		},
		"managed": schema.BoolAttribute{
			MarkdownDescription: "`true` for the `latest` channel, which HCP Packer moves by itself.",
			Computed:            true,
		},
		"author_id": schema.StringAttribute{
			MarkdownDescription: "The principal that last changed the channel.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{
			MarkdownDescription: "When the channel was created (RFC 3339, UTC).",
			Computed:            true,
		},
		"updated_at": schema.StringAttribute{
			MarkdownDescription: "When the channel was last changed (RFC 3339, UTC).",
			Computed:            true,
		},
		"version_fingerprint": schema.StringAttribute{
			MarkdownDescription: "The fingerprint of the version assigned to the channel; null when it is unassigned " +
				"(reading an unassigned channel is not an error here).",
			Computed: true,
		},
		"version_id": schema.StringAttribute{
			MarkdownDescription: "The id of the assigned version; null when the channel is unassigned.",
			Computed:            true,
		},
		"version_name": schema.StringAttribute{
			MarkdownDescription: "The name (`vN`) of the assigned version; null when the channel is unassigned.",
			Computed:            true,
		},
		"history": schema.ListNestedAttribute{
			MarkdownDescription: "Every assignment of the channel, newest first, including unassignments, rollbacks after " +
				"a revocation and, for `latest`, the moves HCP Packer made.",
			Computed: true,
			NestedObject: schema.NestedAttributeObject{
				Attributes: map[string]schema.Attribute{
					"assigned_at": schema.StringAttribute{
						MarkdownDescription: "When the assignment was made (RFC 3339, UTC).",
						Computed:            true,
					},
					"author_id": schema.StringAttribute{
						MarkdownDescription: "Who made it.",
						Computed:            true,
					},
					"version_fingerprint": schema.StringAttribute{
						MarkdownDescription: "The fingerprint of the version assigned; null for an unassignment.",
						Computed:            true,
					},
					"version_id": schema.StringAttribute{
						MarkdownDescription: "The id of the version assigned; null for an unassignment.",
						Computed:            true,
					},
					"version_name": schema.StringAttribute{
						MarkdownDescription: "The name (`vN`) of the version assigned; null for an unassignment.",
						Computed:            true,
					},
				},
			},
		},
	}
	maps.Copy(attrs, locationAttributes())
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one channel of an HCP Packer bucket: its flags, the version it points at (if any) and " +
			"its assignment history.",
		Attributes: attrs,
	}
}

func (d *channelDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *channelDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !requireConfigured(d.data, &resp.Diagnostics) {
		return
	}
	var m channelDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	loc, ok := d.data.location(ctx, m.ProjectID, &resp.Diagnostics)
	if !ok {
		return
	}
	q := versionQuery{Location: loc, Bucket: m.BucketName.ValueString(), Channel: m.Name.ValueString()}
	lookup := newVersionLookup(d.data.registryReader(), lookupTerms{Bucket: "bucket_name", Channel: "name"})
	what := fmt.Sprintf("channel %q of bucket %q", q.Channel, q.Bucket)
	ch, err := d.data.registryReader().GetChannel(ctx, loc, q.Bucket, q.Channel)
	switch {
	case client.IsNotFound(err):
		addLookupError(&resp.Diagnostics, lookup.missing(ctx, q, &lookupError{
			Attribute: "name",
			Summary:   "Channel Not Found",
			Detail: fmt.Sprintf("Bucket %q has no channel %q. Check name (channel names are case-sensitive), "+
				"or create the channel with the hcppacker_channel resource.", q.Bucket, q.Channel),
		}))
		return
	case err != nil:
		addLookupError(&resp.Diagnostics, registryCallError(err, "Channel", what, "name"))
		return
	}
	history, err := d.data.client.ChannelHistory(ctx, loc, q.Bucket, q.Channel)
	if err != nil {
		addLookupError(&resp.Diagnostics, registryCallError(err, "Channel History", "the assignment history of "+what, "name"))
		return
	}
	fillChannelModel(&m, loc, ch, history)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// fillChannelModel maps the channel and its history onto the model.
func fillChannelModel(m *channelDataSourceModel, loc client.Location, ch *client.Channel, history []client.ChannelAssignment) {
	m.ProjectID = types.StringValue(loc.ProjectID)
	m.OrganizationID = types.StringValue(loc.OrganizationID)
	m.ID = types.StringValue(ch.ID)
	m.Restricted = types.BoolValue(ch.Restricted)
	m.Managed = types.BoolValue(ch.Managed)
	m.AuthorID = optionalStringValue(ch.AuthorID)
	m.CreatedAt = stateTime(ch.CreatedAt)
	m.UpdatedAt = stateTime(ch.UpdatedAt)
	m.VersionFingerprint, m.VersionID, m.VersionName = versionRefValues(ch.Version)
	m.History = make([]channelHistoryEntryModel, 0, len(history))
	for _, h := range history {
		e := channelHistoryEntryModel{AssignedAt: stateTime(h.AssignedAt), AuthorID: optionalStringValue(h.AuthorID)}
		e.VersionFingerprint, e.VersionID, e.VersionName = versionRefValues(h.Version)
		m.History = append(m.History, e)
	}
}

// versionRefValues is a version's fingerprint, id and name, all null for nil
// (an unassigned channel, an unassignment in the history).
func versionRefValues(v *client.Version) (fingerprint, id, name types.String) {
	if v == nil {
		return types.StringNull(), types.StringNull(), types.StringNull()
	}
	return optionalStringValue(v.Fingerprint), optionalStringValue(v.ID), optionalStringValue(v.Name)
}
