package httpapi

import (
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/iam"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/store"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

func createBucket(h *Handler, c *call) (any, error) {
	var body wire.CreateBucketBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	b, err := h.cfg.Service.CreateBucket(c.ctx, c.loc, c.author(), registry.BucketInput{
		Name: body.Name, Description: body.Description, Labels: body.Labels,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"bucket": renderBucket(b)}, nil
}

func getBucket(h *Handler, c *call) (any, error) {
	b, err := h.cfg.Service.GetBucket(c.ctx, c.loc, c.param("bucket"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"bucket": renderBucket(b)}, nil
}

func listBuckets(h *Handler, c *call) (any, error) {
	o, err := listOptions(c.r.URL.Query())
	if err != nil {
		return nil, err
	}
	buckets, info, err := h.listBucketsFor(c, o)
	if err != nil {
		return nil, err
	}
	out := make([]wire.Bucket, 0, len(buckets))
	for _, b := range buckets {
		out = append(out, renderBucket(b))
	}
	return map[string]any{"buckets": out, "pagination": pagination(info)}, nil
}

func updateBucket(h *Handler, c *call) (any, error) {
	var body wire.UpdateBucketBody
	if err := c.decode(&body); err != nil {
		return nil, err
	}
	b, err := h.cfg.Service.UpdateBucket(c.ctx, c.loc, registry.BucketInput{
		Name: c.param("bucket"), Description: body.Description, Labels: body.Labels,
	})
	if err != nil {
		return nil, err
	}
	return map[string]any{"bucket": renderBucket(b)}, nil
}

func deleteBucket(h *Handler, c *call) (any, error) {
	if err := h.cfg.Service.DeleteBucket(c.ctx, c.loc, c.param("bucket")); err != nil {
		return nil, err
	}
	// A bucket made later with the same name starts with no bindings.
	err := h.changeIdentities(c, func(tx *store.Tx) error {
		return tx.ReplaceBindings(iam.BucketResource(c.loc.ProjectID, c.param("bucket")), nil)
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

func listAncestry(h *Handler, c *call) (any, error) {
	q := c.r.URL.Query()
	o, err := listOptions(q)
	if err != nil {
		return nil, err
	}
	rels, total, info, err := h.cfg.Service.ListAncestry(c.ctx, c.loc, c.param("bucket"), registry.AncestryQuery{
		Type: q.Get("type"), Fingerprint: q.Get("version_fingerprint"), ChannelName: q.Get("channel_name"), List: o,
	})
	if err != nil {
		return nil, err
	}
	out := make([]wire.BucketAncestry, 0, len(rels))
	for _, r := range rels {
		out = append(out, renderRelation(r))
	}
	return map[string]any{"relations": out, "total_count": total, "pagination": pagination(info)}, nil
}

// listBucketsFor lists a project's buckets, or for a principal with roles
// on some buckets only, those buckets, paginated among themselves.
func (h *Handler) listBucketsFor(c *call, o registry.ListOptions) ([]*registry.BucketView, registry.PageInfo, error) {
	if c.onlyBuckets == nil {
		return h.cfg.Service.ListBuckets(c.ctx, c.loc, o)
	}
	all, _, err := h.cfg.Service.ListBuckets(c.ctx, c.loc, registry.ListOptions{OrderBy: o.OrderBy})
	if err != nil {
		return nil, registry.PageInfo{}, err
	}
	mine := make([]*registry.BucketView, 0, len(c.onlyBuckets))
	for _, b := range all {
		if c.onlyBuckets[b.Name] {
			mine = append(mine, b)
		}
	}
	return registry.Paginate(mine, o)
}
