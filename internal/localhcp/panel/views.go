package panel

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// pageSize is the length of every paginated list.
const pageSize = 25

func projectURL(projectID string) string {
	return Prefix + "projects/" + url.PathEscape(projectID) + "/"
}

func bucketURL(projectID, bucket string) string {
	return projectURL(projectID) + "buckets/" + url.PathEscape(bucket) + "/"
}

func versionURL(projectID, bucket, fingerprint string) string {
	return bucketURL(projectID, bucket) + "versions/" + url.PathEscape(fingerprint)
}

func channelURL(projectID, bucket, channel string) string {
	return bucketURL(projectID, bucket) + "channels/" + url.PathEscape(channel)
}

// pager is a list's position and the links to its neighbours.
type pager struct {
	Page       int
	Prev, Next string // "" at an end
}

// listOptions reads ?page=N (from 1).
func listOptions(r *http.Request) (registry.ListOptions, int) {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	return registry.ListOptions{PageSize: pageSize, Offset: (n - 1) * pageSize}, n
}

func newPager(r *http.Request, n int, info registry.PageInfo) pager {
	link := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		return r.URL.Path + "?" + q.Encode()
	}
	pg := pager{Page: n}
	if info.HasPrev {
		pg.Prev = link(n - 1)
	}
	if info.HasNext {
		pg.Next = link(n + 1)
	}
	return pg
}

type bucketsView struct {
	Buckets []*registry.BucketView
	Pager   pager
}

func (p *Panel) bucketsPage(rq *request) error {
	o, n := listOptions(rq.r)
	o.OrderBy = []string{"name"}
	buckets, info, err := p.cfg.Service.ListBuckets(rq.r.Context(), rq.loc, o)
	if err != nil {
		return err
	}
	p.render(rq, http.StatusOK, "buckets", "Buckets", bucketsView{Buckets: buckets, Pager: newPager(rq.r, n, info)})
	return nil
}

// versionRow is a version in a list, with the channels that serve it.
type versionRow struct {
	*registry.VersionView
	Channels []string
}

type bucketView struct {
	Bucket   *registry.BucketView
	Channels []*registry.ChannelView
	Versions []versionRow
	Pager    pager
}

func (p *Panel) bucketPage(rq *request) error {
	ctx, name := rq.r.Context(), rq.r.PathValue("bucket")
	b, err := p.cfg.Service.GetBucket(ctx, rq.loc, name)
	if err != nil {
		return err
	}
	channels, err := p.cfg.Service.ListChannels(ctx, rq.loc, name)
	if err != nil {
		return err
	}
	o, n := listOptions(rq.r)
	versions, info, err := p.cfg.Service.ListVersions(ctx, rq.loc, name, o)
	if err != nil {
		return err
	}
	data := bucketView{Bucket: b, Channels: channels, Pager: newPager(rq.r, n, info)}
	for _, v := range versions {
		data.Versions = append(data.Versions, versionRow{VersionView: v, Channels: servingChannels(channels, v.ID)})
	}
	p.render(rq, http.StatusOK, "bucket", "Bucket "+name, data)
	return nil
}

// servingChannels names the channels assigned to versionID.
func servingChannels(channels []*registry.ChannelView, versionID string) []string {
	var names []string
	for _, c := range channels {
		if c.VersionID == versionID {
			names = append(names, c.Name)
		}
	}
	return names
}

type versionView struct {
	Version *registry.VersionView
	// Assignable are the channels a contributor may point at this version.
	Assignable []*registry.ChannelView
	Serving    []string
	Parents    []registry.Relation
	Children   []registry.Relation
}

func (p *Panel) versionPage(rq *request) error {
	ctx, bucket, fp := rq.r.Context(), rq.r.PathValue("bucket"), rq.r.PathValue("fingerprint")
	v, err := p.cfg.Service.GetVersion(ctx, rq.loc, bucket, fp)
	if err != nil {
		return err
	}
	channels, err := p.cfg.Service.ListChannels(ctx, rq.loc, bucket)
	if err != nil {
		return err
	}
	parents, _, _, err := p.cfg.Service.ListAncestry(ctx, rq.loc, bucket, registry.AncestryQuery{Type: registry.AncestryTypeParents, Fingerprint: fp})
	if err != nil {
		return err
	}
	children, _, _, err := p.cfg.Service.ListAncestry(ctx, rq.loc, bucket, registry.AncestryQuery{Type: registry.AncestryTypeChildren})
	if err != nil {
		return err
	}
	data := versionView{Version: v, Serving: servingChannels(channels, v.ID), Parents: parents}
	for _, c := range channels {
		if !c.Managed && c.VersionID != v.ID {
			data.Assignable = append(data.Assignable, c)
		}
	}
	for _, rel := range children {
		if rel.Parent.VersionID == v.ID {
			data.Children = append(data.Children, rel)
		}
	}
	p.render(rq, http.StatusOK, "version", v.Name()+" of "+bucket, data)
	return nil
}

type channelView struct {
	Channel *registry.ChannelView
	History []*registry.AssignmentView
	Total   int
	Pager   pager
	// Candidates are the newest versions, offered for assignment.
	Candidates []*registry.VersionView
}

func (p *Panel) channelPage(rq *request) error {
	ctx, bucket, name := rq.r.Context(), rq.r.PathValue("bucket"), rq.r.PathValue("channel")
	c, err := p.cfg.Service.GetChannel(ctx, rq.loc, bucket, name)
	if err != nil {
		return err
	}
	o, n := listOptions(rq.r)
	history, total, info, err := p.cfg.Service.ListChannelHistory(ctx, rq.loc, bucket, name, o)
	if err != nil {
		return err
	}
	data := channelView{Channel: c, History: history, Total: total, Pager: newPager(rq.r, n, info)}
	if !c.Managed {
		newest, _, err := p.cfg.Service.ListVersions(ctx, rq.loc, bucket, registry.ListOptions{PageSize: pageSize})
		if err != nil {
			return err
		}
		for _, v := range newest {
			if v.Status == registry.VersionActive && v.ID != c.VersionID {
				data.Candidates = append(data.Candidates, v)
			}
		}
	}
	p.render(rq, http.StatusOK, "channel", "Channel "+name+" of "+bucket, data)
	return nil
}

type ancestryView struct {
	Bucket            string
	Parents, Children []registry.Relation
	Total             int
	Pager             pager
}

func (p *Panel) ancestryPage(rq *request) error {
	bucket := rq.r.PathValue("bucket")
	o, n := listOptions(rq.r)
	rels, total, info, err := p.cfg.Service.ListAncestry(rq.r.Context(), rq.loc, bucket, registry.AncestryQuery{List: o})
	if err != nil {
		return err
	}
	data := ancestryView{Bucket: bucket, Total: total, Pager: newPager(rq.r, n, info)}
	for _, rel := range rels {
		if rel.Child.BucketName == bucket {
			data.Parents = append(data.Parents, rel)
		} else {
			data.Children = append(data.Children, rel)
		}
	}
	p.render(rq, http.StatusOK, "ancestry", "Ancestry of "+bucket, data)
	return nil
}

type healthView struct {
	Channels []*registry.ChannelView
	Pager    pager
}

// healthPage lists the channels that serve a revoked version or one whose
// revocation is scheduled, across the project's buckets.
func (p *Panel) healthPage(rq *request) error {
	ctx := rq.r.Context()
	buckets, _, err := p.cfg.Service.ListBuckets(ctx, rq.loc, registry.ListOptions{OrderBy: []string{"name"}})
	if err != nil {
		return err
	}
	var unhealthy []*registry.ChannelView
	for _, b := range buckets {
		channels, err := p.cfg.Service.ListChannels(ctx, rq.loc, b.Name)
		if err != nil {
			return err
		}
		for _, c := range channels {
			if c.Version != nil && slices.Contains([]string{registry.VersionRevoked, registry.VersionRevocationScheduled}, c.Version.Status) {
				unhealthy = append(unhealthy, c)
			}
		}
	}
	o, n := listOptions(rq.r)
	page, info, err := registry.Paginate(unhealthy, o)
	if err != nil {
		return err
	}
	p.render(rq, http.StatusOK, "health", "Health", healthView{Channels: page, Pager: newPager(rq.r, n, info)})
	return nil
}
