package store

import "strings"

// prefixed qualifies every column of a comma-separated list with a table
// alias, for joins.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
