-- 0007-security: advisories with their per-version recipes and patches,
-- and the embargoed issue tracker with its append-only audit log.

CREATE TABLE advisories (
	id INTEGER PRIMARY KEY,
	number INTEGER NOT NULL UNIQUE,   -- XSA-N
	title TEXT,
	version INTEGER,                  -- the advisory text's revision
	public_date INTEGER,              -- embargo end, when known
	cves TEXT,                        -- space-separated
	supported TEXT,                   -- SupportedVersions, space-separated
	trees TEXT,                       -- Trees, space-separated
	text TEXT,                        -- advisory-N.txt as published
	imported INTEGER NOT NULL
);

-- Recipes.<version>.Recipes.<tree> of xsaN.meta.
CREATE TABLE advisory_recipes (
	id INTEGER PRIMARY KEY,
	advisory_id INTEGER NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
	version TEXT NOT NULL,
	tree TEXT NOT NULL,
	stable_ref TEXT,
	prereqs TEXT,                     -- advisory numbers, space-separated
	UNIQUE (advisory_id, version, tree)
);

CREATE TABLE advisory_patches (
	id INTEGER PRIMARY KEY,
	recipe_id INTEGER NOT NULL REFERENCES advisory_recipes(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	file TEXT NOT NULL,               -- path relative to the import folder
	subject TEXT,
	content TEXT NOT NULL,
	git_patch_id TEXT,
	UNIQUE (recipe_id, position)
);

-- Reports under embargo. Never shown publicly before public_date.
CREATE TABLE security_issues (
	id INTEGER PRIMARY KEY,
	reporter TEXT NOT NULL,
	summary TEXT NOT NULL,
	affected TEXT,
	cve TEXT,
	advisory INTEGER,
	public_date INTEGER,
	state TEXT NOT NULL DEFAULT 'reported' CHECK (state IN ('reported',
		'triaged', 'patch-ready', 'pre-disclosed', 'public', 'closed')),
	created INTEGER NOT NULL,
	updated INTEGER NOT NULL
);

CREATE TABLE security_notes (
	id INTEGER PRIMARY KEY,
	issue_id INTEGER NOT NULL REFERENCES security_issues(id),
	author TEXT NOT NULL,
	time INTEGER NOT NULL,
	text TEXT NOT NULL
);

-- Every change to an issue, never changed or removed.
CREATE TABLE security_audit (
	id INTEGER PRIMARY KEY,
	issue_id INTEGER NOT NULL REFERENCES security_issues(id),
	time INTEGER NOT NULL,
	actor TEXT NOT NULL,
	field TEXT NOT NULL,
	old_value TEXT,
	new_value TEXT
);
CREATE TRIGGER security_audit_no_update BEFORE UPDATE ON security_audit
BEGIN
	SELECT RAISE(ABORT, 'the security audit log is append-only');
END;
CREATE TRIGGER security_audit_no_delete BEFORE DELETE ON security_audit
BEGIN
	SELECT RAISE(ABORT, 'the security audit log is append-only');
END;
