package registry

import (
	"sort"
	"strings"
	"time"
)

// ListOptions is a list request's paging and sorting. PageSize 0 means
// "everything": Packer's ListBuilds sends no page size and expects every
// build back.
type ListOptions struct {
	PageSize int
	Offset   int
	OrderBy  []string // "name", "created_at desc", …
}

// PageInfo says where the neighbouring pages start. Has* is false at an end.
type PageInfo struct {
	HasNext, HasPrev       bool
	NextOffset, PrevOffset int
}

// Paginate cuts one page out of items.
func Paginate[T any](items []T, o ListOptions) ([]T, PageInfo, error) {
	if o.Offset < 0 || o.PageSize < 0 {
		return nil, PageInfo{}, invalid("pagination is invalid: page_size and page tokens must not be negative")
	}
	if o.Offset > len(items) {
		o.Offset = len(items)
	}
	if o.PageSize == 0 {
		return items[o.Offset:], PageInfo{HasPrev: o.Offset > 0, PrevOffset: 0}, nil
	}
	end := min(o.Offset+o.PageSize, len(items))
	info := PageInfo{}
	if end < len(items) {
		info.HasNext, info.NextOffset = true, end
	}
	if o.Offset > 0 {
		info.HasPrev, info.PrevOffset = true, max(o.Offset-o.PageSize, 0)
	}
	return items[o.Offset:end], info, nil
}

// sortKeys gives the sortable fields of one item.
type sortKeys struct {
	name             string
	created, updated time.Time
	id               string
}

type orderTerm struct {
	field string
	desc  bool
}

// Bounds of sorting.order_by. Three fields can be sorted by, so a longer
// list only repeats them; the bounds keep a request's sorting work small
// whatever a client sends.
const (
	MaxOrderByTerms = 8
	MaxOrderByBytes = 256
)

// parseOrderBy reads sorting.order_by values ("name", "created_at desc";
// several may be comma-separated) against the fields localhcp can sort by.
func parseOrderBy(values []string) ([]orderTerm, error) {
	size := 0
	for _, v := range values {
		size += len(v)
	}
	if size > MaxOrderByBytes {
		return nil, invalid("sorting.order_by is %d bytes long; the limit is %d: sort by name, created_at or updated_at, each at most once", size, MaxOrderByBytes)
	}
	var terms []orderTerm
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			fields := strings.Fields(part)
			if len(fields) == 0 {
				continue
			}
			if len(terms) == MaxOrderByTerms {
				return nil, invalid("sorting.order_by has more than %d terms: sort by name, created_at or updated_at, each at most once", MaxOrderByTerms)
			}
			t := orderTerm{field: fields[0]}
			switch t.field {
			case "name", "created_at", "updated_at":
			default:
				return nil, invalid("sorting.order_by field %s is not supported: use name, created_at or updated_at, optionally followed by asc or desc", quoteShort(fields[0]))
			}
			if len(fields) > 2 {
				return nil, invalid("sorting.order_by term %s is invalid: use \"<field> [asc|desc]\"", quoteShort(part))
			}
			if len(fields) == 2 {
				switch strings.ToLower(fields[1]) {
				case "asc":
				case "desc":
					t.desc = true
				default:
					return nil, invalid("sorting.order_by direction %s is invalid: use asc or desc", quoteShort(fields[1]))
				}
			}
			terms = append(terms, t)
		}
	}
	return terms, nil
}

// sortBy orders items by the requested terms, falling back to def and
// finally to the id (ULIDs grow with creation time), in the direction of the
// first term so equal timestamps keep creation order, and pages are stable.
func sortBy[T any](items []T, orderBy []string, def []orderTerm, keys func(*T) sortKeys) error {
	terms, err := parseOrderBy(orderBy)
	if err != nil {
		return err
	}
	if len(terms) == 0 {
		terms = def
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := keys(&items[i]), keys(&items[j])
		for _, t := range terms {
			c := 0
			switch t.field {
			case "name":
				c = strings.Compare(a.name, b.name)
			case "created_at":
				c = a.created.Compare(b.created)
			case "updated_at":
				c = a.updated.Compare(b.updated)
			}
			if t.desc {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		if terms[0].desc {
			return a.id > b.id
		}
		return a.id < b.id
	})
	return nil
}
