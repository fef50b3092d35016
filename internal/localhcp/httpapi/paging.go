package httpapi

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// Page tokens are opaque to clients; inside they are "o:<offset>" in
// base64, so any token localhcp handed out stays valid.
const tokenPrefix = "o:"

func encodePageToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(tokenPrefix + strconv.Itoa(offset)))
}

func decodePageToken(field, token string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(token, "="))
	if err == nil && strings.HasPrefix(string(raw), tokenPrefix) {
		if n, err := strconv.Atoi(string(raw[len(tokenPrefix):])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, invalidArgument("%s %q is not a page token localhcp issued: start again without it", field, truncate(token))
}

// listOptions reads pagination.* and sorting.order_by.
func listOptions(q url.Values) (registry.ListOptions, error) {
	var o registry.ListOptions
	if s := q.Get("pagination.page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return o, invalidArgument("pagination.page_size %q is invalid: use a non-negative integer", truncate(s))
		}
		o.PageSize = n
	}
	switch {
	case q.Get("pagination.next_page_token") != "":
		n, err := decodePageToken("pagination.next_page_token", q.Get("pagination.next_page_token"))
		if err != nil {
			return o, err
		}
		o.Offset = n
	case q.Get("pagination.previous_page_token") != "":
		n, err := decodePageToken("pagination.previous_page_token", q.Get("pagination.previous_page_token"))
		if err != nil {
			return o, err
		}
		o.Offset = n
	}
	o.OrderBy = q["sorting.order_by"]
	return o, nil
}

func pagination(info registry.PageInfo) *wire.Pagination {
	p := &wire.Pagination{}
	if info.HasNext {
		p.NextPageToken = encodePageToken(info.NextOffset)
	}
	if info.HasPrev {
		p.PreviousPageToken = encodePageToken(info.PrevOffset)
	}
	return p
}

// pageAnswer is a list answer: the page of items that o selects under key,
// never null (CONTRACT.md §3.3, S6), and the pagination tokens.
func pageAnswer[T any](key string, items []T, o registry.ListOptions) (any, error) {
	page, info, err := registry.Paginate(items, o)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []T{}
	}
	return map[string]any{key: page, "pagination": pagination(info)}, nil
}

func truncate(s string) string { return truncateTo(s, 64) }

// truncateName keeps a resource name whole up to the longest a valid one
// can be, and a hostile one short.
func truncateName(s string) string { return truncateTo(s, 256) }

func truncateTo(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
