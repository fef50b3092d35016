// Package wire holds the JSON shapes localhcp exchanges with HCP clients:
// request bodies, response objects and error bodies, with keys exactly as
// hcp-sdk-go's models spell them and the serialization rules of
// CONTRACT.md §3.3 (millisecond UTC times, version_count as a string, "[]" for
// empty lists, no "version" key on an unassigned channel).
package wire
