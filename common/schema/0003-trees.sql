-- 0003-trees: git trees, their branches and commits, and what matched what.
-- Times are seconds since the epoch (UTC).

CREATE TABLE trees (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	path TEXT,                 -- local repository, or the mirror of url
	url TEXT                   -- remote, NULL for a local repository
);

-- position 0 is the tree's main branch (the first configured one).
CREATE TABLE branches (
	id INTEGER PRIMARY KEY,
	tree_id INTEGER NOT NULL REFERENCES trees(id),
	name TEXT NOT NULL,
	position INTEGER NOT NULL DEFAULT 0,
	tip TEXT,                  -- oid indexed last, NULL before the first sync
	UNIQUE (tree_id, name)
);

CREATE TABLE commits (
	id INTEGER PRIMARY KEY,
	tree_id INTEGER NOT NULL REFERENCES trees(id),
	oid TEXT NOT NULL,
	author_name TEXT,
	author_email TEXT COLLATE NOCASE,
	author_time INTEGER NOT NULL,
	committer_name TEXT,
	committer_email TEXT COLLATE NOCASE,
	commit_time INTEGER NOT NULL,
	subject TEXT NOT NULL,
	norm_subject TEXT NOT NULL, -- lower case, white space folded
	git_patch_id TEXT,         -- `git patch-id --stable`; NULL: merge, empty
	is_merge INTEGER NOT NULL DEFAULT 0,
	backport_of TEXT,          -- oid (maybe abbreviated) named by a marker
	xsa TEXT,                  -- "XSA-123" from "This is [part of] XSA-123"
	message TEXT NOT NULL,
	UNIQUE (tree_id, oid)
);
CREATE INDEX commits_oid ON commits(oid);
CREATE INDEX commits_git_patch_id ON commits(git_patch_id);
CREATE INDEX commits_norm_subject ON commits(norm_subject);
CREATE INDEX commits_backport_of ON commits(backport_of);
CREATE INDEX commits_xsa ON commits(xsa);

-- Which branch reaches which commit, kept exact across force-pushes.
CREATE TABLE branch_commits (
	branch_id INTEGER NOT NULL REFERENCES branches(id),
	commit_id INTEGER NOT NULL REFERENCES commits(id),
	PRIMARY KEY (branch_id, commit_id)
) WITHOUT ROWID;
CREATE INDEX branch_commits_commit ON branch_commits(commit_id);

CREATE TABLE commit_trailers (
	commit_id INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	name TEXT,
	email TEXT COLLATE NOCASE,
	value TEXT NOT NULL
);
CREATE INDEX commit_trailers_commit ON commit_trailers(commit_id);
CREATE INDEX commit_trailers_email ON commit_trailers(email, kind);

-- A posted patch found as a commit on a branch, and how it was found.
CREATE TABLE patch_commits (
	patch_id INTEGER NOT NULL REFERENCES patches(id),
	commit_id INTEGER NOT NULL REFERENCES commits(id),
	branch_id INTEGER NOT NULL REFERENCES branches(id),
	method TEXT NOT NULL CHECK (method IN
		('patch-id', 'subject-author', 'backport-marker')),
	UNIQUE (patch_id, commit_id, branch_id)
);
CREATE INDEX patch_commits_commit ON patch_commits(commit_id);
CREATE INDEX patch_commits_patch ON patch_commits(patch_id, branch_id, method);
CREATE INDEX patch_commits_branch ON patch_commits(branch_id, commit_id);

-- A backport and the commit it was taken from.
CREATE TABLE commit_links (
	commit_id INTEGER NOT NULL REFERENCES commits(id),
	original_commit_id INTEGER NOT NULL REFERENCES commits(id),
	method TEXT NOT NULL CHECK (method IN ('backport-marker', 'patch-id')),
	UNIQUE (commit_id, original_commit_id)
);
CREATE INDEX commit_links_original ON commit_links(original_commit_id);
