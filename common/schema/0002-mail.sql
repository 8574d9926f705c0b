-- 0002-mail: what ingest stores. Times are seconds since the epoch (UTC).

-- Each place mail comes from, with the reader's resume token (byte offset,
-- last public-inbox commit, HTTP validators) so ingest is incremental.
CREATE TABLE sources (
	id INTEGER PRIMARY KEY,
	list_id INTEGER NOT NULL REFERENCES lists(id),
	uri TEXT NOT NULL,
	state TEXT,
	updated INTEGER,
	UNIQUE (list_id, uri)
);

-- One row per Message-ID, whichever source brought it first. raw is the
-- message exactly as received, zlib-compressed; raw_size its real size.
CREATE TABLE messages (
	id INTEGER PRIMARY KEY,
	msgid TEXT NOT NULL UNIQUE,
	list_id INTEGER REFERENCES lists(id),
	author_id INTEGER REFERENCES people(id),
	date INTEGER NOT NULL,
	subject TEXT NOT NULL,
	in_reply_to TEXT,          -- Message-ID of the parent as written
	parent_id INTEGER REFERENCES messages(id),   -- resolved parent
	thread_id INTEGER REFERENCES messages(id),   -- thread root
	kind TEXT NOT NULL CHECK (kind IN ('patch', 'cover', 'pull', 'comment')),
	body TEXT,                 -- decoded plain text, UTF-8
	raw BLOB NOT NULL,
	raw_size INTEGER NOT NULL,
	synthetic_id INTEGER NOT NULL DEFAULT 0      -- msgid was made up
);
CREATE INDEX messages_in_reply_to ON messages(in_reply_to);
CREATE INDEX messages_parent ON messages(parent_id);
CREATE INDEX messages_thread ON messages(thread_id);
CREATE INDEX messages_author ON messages(author_id, date);

-- References, in order, for threading around missing parents.
CREATE TABLE message_refs (
	message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	ref TEXT NOT NULL,
	PRIMARY KEY (message_id, position)
) WITHOUT ROWID;
CREATE INDEX message_refs_ref ON message_refs(ref);

-- Input that could not be stored as a message, and why.
CREATE TABLE rejected (
	id INTEGER PRIMARY KEY,
	source TEXT NOT NULL,
	position TEXT,
	msgid TEXT,
	reason TEXT NOT NULL,
	date INTEGER NOT NULL,
	sample BLOB                -- the first bytes, for a person to look at
);

CREATE TABLE series (
	id INTEGER PRIMARY KEY,
	list_id INTEGER REFERENCES lists(id),
	submitter_id INTEGER REFERENCES people(id),
	cover_id INTEGER REFERENCES messages(id),
	name TEXT NOT NULL,        -- cover subject, else first patch's, no prefixes
	norm_name TEXT NOT NULL,   -- name lower-cased, white space folded
	version INTEGER NOT NULL DEFAULT 1,
	total INTEGER NOT NULL DEFAULT 1,
	received INTEGER NOT NULL DEFAULT 0,     -- patches present
	date INTEGER NOT NULL,     -- earliest message
	last_activity INTEGER NOT NULL,
	complete INTEGER NOT NULL DEFAULT 0,
	prefixes TEXT,             -- bracket tags other than PATCH/vN/n/N
	state TEXT NOT NULL DEFAULT 'new',
	supersedes_id INTEGER REFERENCES series(id),
	superseded_by_id INTEGER REFERENCES series(id)
);
CREATE INDEX series_submitter ON series(submitter_id, norm_name, date);
CREATE INDEX series_window ON series(submitter_id, version, total, date);
CREATE INDEX series_cover ON series(cover_id);
CREATE INDEX series_date ON series(date);
CREATE INDEX series_list ON series(list_id, date);

-- Patch states are Patchwork's: new, under-review, accepted, rejected, rfc,
-- not-applicable, changes-requested, awaiting-upstream, superseded,
-- deferred.
CREATE TABLE patches (
	id INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id),
	series_id INTEGER REFERENCES series(id),
	number INTEGER NOT NULL DEFAULT 1,
	submitter_id INTEGER REFERENCES people(id),
	name TEXT NOT NULL,        -- subject without bracket prefixes
	norm_name TEXT NOT NULL,   -- lower case, white space folded: for matching
	date INTEGER NOT NULL,
	commit_msg TEXT,           -- the text above the '---' line
	diff TEXT,
	git_patch_id TEXT,         -- `git patch-id --stable` of the diff, hex
	pull_url TEXT,
	pull_branch TEXT,
	state TEXT NOT NULL DEFAULT 'new',
	delegate_id INTEGER REFERENCES people(id),
	archived INTEGER NOT NULL DEFAULT 0,
	commit_ref TEXT
);
CREATE INDEX patches_series ON patches(series_id, number);
CREATE INDEX patches_git_patch_id ON patches(git_patch_id);
CREATE INDEX patches_norm_name ON patches(norm_name);
CREATE INDEX patches_submitter ON patches(submitter_id, date);
CREATE INDEX patches_state ON patches(state, date);

-- A trailer given to a patch (patch_id set) or, through its cover letter,
-- to a whole series (patch_id NULL, series_id set). message_id is the mail
-- that gave it: the patch itself or a reply.
CREATE TABLE trailers (
	id INTEGER PRIMARY KEY,
	patch_id INTEGER REFERENCES patches(id) ON DELETE CASCADE,
	series_id INTEGER REFERENCES series(id),
	message_id INTEGER NOT NULL REFERENCES messages(id),
	kind TEXT NOT NULL,        -- canonical spelling: Reviewed-by, Acked-by ...
	person_id INTEGER REFERENCES people(id),
	value TEXT NOT NULL,       -- as written after the colon
	area TEXT                  -- "# area" suffix
);
CREATE UNIQUE INDEX trailers_unique ON trailers(
	ifnull(patch_id, 0), ifnull(series_id, 0), message_id, kind, value);
CREATE INDEX trailers_patch ON trailers(patch_id);
CREATE INDEX trailers_series ON trailers(series_id);
CREATE INDEX trailers_person ON trailers(person_id, kind);

-- A reply that is neither patch nor cover: what it comments on.
CREATE TABLE comments (
	message_id INTEGER PRIMARY KEY REFERENCES messages(id),
	patch_id INTEGER REFERENCES patches(id),
	series_id INTEGER REFERENCES series(id)
);
CREATE INDEX comments_patch ON comments(patch_id);
CREATE INDEX comments_series ON comments(series_id);
