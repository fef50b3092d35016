package store

// schema creates every table on first open. Times are Unix milliseconds (the
// precision the API emits); maps and artifact lists are JSON text.
const schema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS service_principals (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	project_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	seeded     INTEGER NOT NULL,
	position   INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS principal_keys (
	client_id    TEXT PRIMARY KEY,
	principal_id TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
	key_id       TEXT NOT NULL,
	secret       TEXT NOT NULL,
	secret_hash  TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	UNIQUE (principal_id, key_id)
);
CREATE TABLE IF NOT EXISTS iam_bindings (
	resource    TEXT NOT NULL,
	role_id     TEXT NOT NULL,
	member_id   TEXT NOT NULL,
	member_type TEXT NOT NULL,
	PRIMARY KEY (resource, role_id, member_id)
);
CREATE INDEX IF NOT EXISTS iam_bindings_member ON iam_bindings(member_id);
CREATE TABLE IF NOT EXISTS iam_policies (
	resource TEXT PRIMARY KEY,
	version  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
	hash         TEXT PRIMARY KEY,
	principal_id TEXT NOT NULL,
	expires_at   INTEGER NOT NULL,
	client_id    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens(expires_at);
CREATE TABLE IF NOT EXISTS workload_identity_providers (
	id                 TEXT PRIMARY KEY,
	principal_id       TEXT NOT NULL REFERENCES service_principals(id) ON DELETE CASCADE,
	name               TEXT NOT NULL,
	description        TEXT NOT NULL,
	conditional_access TEXT NOT NULL,
	issuer_uri         TEXT NOT NULL,
	allowed_audiences  TEXT NOT NULL,
	aws_account_id     TEXT NOT NULL,
	created_at         INTEGER NOT NULL,
	updated_at         INTEGER NOT NULL,
	UNIQUE (principal_id, name)
);
CREATE TABLE IF NOT EXISTS trusted_issuers (
	issuer TEXT PRIMARY KEY,
	jwks   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS registries (
	project_id TEXT PRIMARY KEY,
	id         TEXT NOT NULL,
	activated  INTEGER NOT NULL,
	tier       TEXT NOT NULL,
	hmac_key   TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS buckets (
	id                  TEXT PRIMARY KEY,
	project_id          TEXT NOT NULL,
	name                TEXT NOT NULL,
	description         TEXT NOT NULL,
	labels              TEXT NOT NULL,
	last_version_number INTEGER NOT NULL,
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	UNIQUE (project_id, name)
);
CREATE TABLE IF NOT EXISTS versions (
	id                        TEXT PRIMARY KEY,
	bucket_id                 TEXT NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
	fingerprint               TEXT NOT NULL,
	author_id                 TEXT NOT NULL,
	template_type             TEXT NOT NULL,
	number                    INTEGER NOT NULL,
	revoke_at                 INTEGER,
	revocation_message        TEXT NOT NULL,
	revocation_author         TEXT NOT NULL,
	revocation_type           TEXT NOT NULL,
	revocation_inherited_from TEXT NOT NULL,
	rollback_disabled         INTEGER NOT NULL,
	revocation_applied        INTEGER NOT NULL,
	created_at                INTEGER NOT NULL,
	updated_at                INTEGER NOT NULL,
	own_revocation            TEXT,
	restored_at               INTEGER NOT NULL DEFAULT 0,
	UNIQUE (bucket_id, fingerprint)
);
CREATE INDEX IF NOT EXISTS versions_number ON versions(bucket_id, number);
CREATE INDEX IF NOT EXISTS versions_pending_revocation ON versions(revoke_at) WHERE revocation_applied = 0 AND revoke_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS builds (
	id                         TEXT PRIMARY KEY,
	version_id                 TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
	component_type             TEXT NOT NULL,
	packer_run_uuid            TEXT NOT NULL,
	platform                   TEXT NOT NULL,
	source_external_identifier TEXT NOT NULL,
	status                     TEXT NOT NULL,
	labels                     TEXT NOT NULL,
	metadata                   TEXT,
	parent_version_id          TEXT NOT NULL,
	parent_channel_id          TEXT NOT NULL,
	artifacts                  TEXT NOT NULL,
	created_at                 INTEGER NOT NULL,
	updated_at                 INTEGER NOT NULL,
	UNIQUE (version_id, component_type)
);
CREATE INDEX IF NOT EXISTS builds_parent ON builds(parent_version_id);
CREATE TABLE IF NOT EXISTS channels (
	id         TEXT PRIMARY KEY,
	bucket_id  TEXT NOT NULL REFERENCES buckets(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	author_id  TEXT NOT NULL,
	managed    INTEGER NOT NULL,
	restricted INTEGER NOT NULL,
	version_id TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (bucket_id, name)
);
CREATE INDEX IF NOT EXISTS channels_version ON channels(version_id);
CREATE TABLE IF NOT EXISTS channel_history (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	channel_id  TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
	version_id  TEXT NOT NULL,
	author_id   TEXT NOT NULL,
	assigned_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS channel_history_channel ON channel_history(channel_id, seq);
CREATE INDEX IF NOT EXISTS channel_history_version ON channel_history(version_id);
CREATE TABLE IF NOT EXISTS operations (
	id              TEXT PRIMARY KEY,
	organization_id TEXT NOT NULL,
	project_id      TEXT NOT NULL,
	link_type       TEXT NOT NULL,
	link_id         TEXT NOT NULL,
	description     TEXT NOT NULL,
	created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_project ON operations(project_id);
CREATE TABLE IF NOT EXISTS sboms (
	id         TEXT PRIMARY KEY,
	build_id   TEXT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	format     TEXT NOT NULL,
	content    BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (build_id, name)
);
`

// columnsAdded are the columns later than the first schema, added to
// databases made before them. A manual revocation recorded before
// own_revocation existed becomes the version's own; it passed to
// descendants when any descendant inherited it. A token issued before
// tokens named their key belongs to no key: only deleting its principal
// revokes it.
var columnsAdded = []struct{ table, name, add, backfill string }{
	{"tokens", "client_id", `ALTER TABLE tokens ADD COLUMN client_id TEXT NOT NULL DEFAULT ''`, ``},
	{"versions", "own_revocation", `ALTER TABLE versions ADD COLUMN own_revocation TEXT`,
		`UPDATE versions SET own_revocation = json_object('at', revoke_at, 'message', revocation_message,
			'author', revocation_author, 'rollback_disabled', json(CASE rollback_disabled WHEN 1 THEN 'true' ELSE 'false' END),
			'descendants', json(CASE WHEN EXISTS (SELECT 1 FROM versions d WHERE d.revocation_inherited_from = versions.id)
				THEN 'true' ELSE 'false' END), 'requested_at', updated_at)
		WHERE revocation_type = 'MANUAL' AND revoke_at IS NOT NULL`},
	{"versions", "restored_at", `ALTER TABLE versions ADD COLUMN restored_at INTEGER NOT NULL DEFAULT 0`, ``},
}

// principalsBefore moves the principals of a database made before service
// principals and keys had tables of their own: each becomes a seeded
// organization principal with one key holding its secret as before, and
// its role becomes its binding on the organization.
var principalsBefore = []string{
	`INSERT INTO service_principals (id, name, project_id, created_at, seeded, position)
		SELECT id, name, '', 0, 1, position FROM principals`,
	`INSERT INTO principal_keys (client_id, principal_id, key_id, secret, secret_hash, created_at)
		SELECT client_id, id, upper(hex(randomblob(5))), client_secret, '', 0 FROM principals`,
	`INSERT INTO iam_bindings (resource, role_id, member_id, member_type)
		SELECT 'organization/' || COALESCE((SELECT value FROM meta WHERE key = 'organization_id'), ''),
			'roles/' || role, id, 'SERVICE_PRINCIPAL' FROM principals`,
	`DROP TABLE principals`,
}
