// Package wire holds the JSON shapes localhcp exchanges with HCP clients:
// request bodies, response objects and error bodies, with keys exactly as
// hcp-sdk-go's models spell them and the serialization rules of
// CONTRACT.md §3.3 (millisecond UTC times, version_count as a string, "[]" for
// empty lists, no "version" key on an unassigned channel).
//
// The shapes are restated here rather than borrowed from hcp-sdk-go's
// models, because encoding those models breaks §3.3: an unset
// strfmt.DateTime is a struct, which omitempty never drops, so an
// unrevoked version carries "revoke_at":"0001-01-01T00:00:00.000Z" (S2);
// unset lists encode as null and empty label maps vanish (S6). Meeting the
// rules on top of the models would take a rewriting encoder or an
// empty-slice default at every place a model is built, and the models'
// pointer enums and nested pointer structs make each of those places longer
// than the flat shape here. Decoded by hcp-sdk-go, the two encodings differ
// only in nil versus empty lists; the rules are the contract's promise to
// every client, not only to that one.
package wire
