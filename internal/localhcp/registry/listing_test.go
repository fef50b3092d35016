package registry

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

func TestPaginate(t *testing.T) {
	t.Parallel()
	items := []int{0, 1, 2, 3, 4}
	cases := []struct {
		o          ListOptions
		want       []int
		next, prev int // -1: none
	}{
		{ListOptions{}, []int{0, 1, 2, 3, 4}, -1, -1},
		{ListOptions{PageSize: 2}, []int{0, 1}, 2, -1},
		{ListOptions{PageSize: 2, Offset: 2}, []int{2, 3}, 4, 0},
		{ListOptions{PageSize: 2, Offset: 4}, []int{4}, -1, 2},
		{ListOptions{PageSize: 2, Offset: 9}, []int{}, -1, 3},
		{ListOptions{PageSize: 10, Offset: 1}, []int{1, 2, 3, 4}, -1, 0},
	}
	for _, tc := range cases {
		got, info, err := Paginate(items, tc.o)
		if err != nil {
			t.Fatalf("%+v: %v", tc.o, err)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%+v: page %v, want %v", tc.o, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%+v: page %v, want %v", tc.o, got, tc.want)
			}
		}
		if info.HasNext != (tc.next >= 0) || (info.HasNext && info.NextOffset != tc.next) {
			t.Fatalf("%+v: next %+v, want %d", tc.o, info, tc.next)
		}
		if info.HasPrev != (tc.prev >= 0) || (info.HasPrev && info.PrevOffset != tc.prev) {
			t.Fatalf("%+v: prev %+v, want %d", tc.o, info, tc.prev)
		}
	}
	if _, _, err := Paginate(items, ListOptions{PageSize: -1}); err == nil {
		t.Fatal("a negative page size was accepted")
	}
}

func TestSortBy(t *testing.T) {
	t.Parallel()
	base := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	type item struct {
		id, name string
		created  time.Time
	}
	items := func() []item {
		return []item{
			{"01A", "b", base},
			{"01B", "a", base},                  // same time as 01A: id order decides
			{"01C", "c", base.Add(time.Second)}, // newest
		}
	}
	keys := func(i *item) sortKeys {
		return sortKeys{name: i.name, created: i.created, updated: i.created, id: i.id}
	}
	ids := func(xs []item) string {
		s := ""
		for _, x := range xs {
			s += x.id + " "
		}
		return s
	}
	cases := map[string]struct {
		orderBy []string
		want    string
	}{
		"default created asc": {nil, "01A 01B 01C "},
		"name":                {[]string{"name"}, "01B 01A 01C "},
		"name desc":           {[]string{"name DESC"}, "01C 01A 01B "},
		"created desc":        {[]string{"created_at desc"}, "01C 01B 01A "},
		"two terms":           {[]string{"created_at", "name desc"}, "01A 01B 01C "},
		"comma separated":     {[]string{"created_at desc,name"}, "01C 01B 01A "},
	}
	for name, tc := range cases {
		xs := items()
		if err := sortBy(xs, tc.orderBy, []orderTerm{{field: "created_at"}}, keys); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := ids(xs); got != tc.want {
			t.Errorf("%s: %s, want %s", name, got, tc.want)
		}
	}
	for _, bad := range [][]string{{"size"}, {"name up"}, {"name asc extra"}} {
		if err := sortBy(items(), bad, nil, keys); err == nil {
			t.Errorf("order_by %q accepted", bad)
		}
	}
}

func TestParseOrderByBounds(t *testing.T) {
	t.Parallel()
	terms := func(n int) []string { return strings.Split(strings.Repeat("name,", n-1)+"name", ",") }
	if got, err := parseOrderBy(terms(MaxOrderByTerms)); err != nil || len(got) != MaxOrderByTerms {
		t.Fatalf("%d terms: %d parsed, %v", MaxOrderByTerms, len(got), err)
	}
	for name, values := range map[string][]string{
		"one term too many":           terms(MaxOrderByTerms + 1),
		"too many in one value":       {strings.Repeat("name,", MaxOrderByTerms+1)},
		"a hundred thousand terms":    terms(100_000),
		"padding beyond the size":     {"name" + strings.Repeat(" ", MaxOrderByBytes)},
		"empty terms beyond the size": {strings.Repeat(",", MaxOrderByBytes+1)},
	} {
		if _, err := parseOrderBy(values); err == nil || CodeOf(err) != codes.InvalidArgument {
			t.Errorf("%s: err = %v, want InvalidArgument", name, err)
		}
	}
}
