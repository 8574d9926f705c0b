-- 0001-core: settings, mailing lists and people.
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT
) WITHOUT ROWID;

CREATE TABLE lists (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	address TEXT
);

-- One row per e-mail address; name is the latest display name seen.
CREATE TABLE people (
	id INTEGER PRIMARY KEY,
	email TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name TEXT
);
