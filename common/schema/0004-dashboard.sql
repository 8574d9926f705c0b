-- 0004-dashboard: what `steward serve` and `steward user` store: API users
-- (only a SHA-256 of each token is kept), check results that CI systems
-- post through the REST API, and events for the API's event feed.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	email TEXT,
	token_hash TEXT NOT NULL UNIQUE,   -- hex SHA-256 of the token
	maintainer INTEGER NOT NULL DEFAULT 0,
	created INTEGER NOT NULL
);

CREATE TABLE api_checks (
	id INTEGER PRIMARY KEY,
	patch_id INTEGER NOT NULL REFERENCES patches(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id),
	context TEXT NOT NULL,
	state TEXT NOT NULL
		CHECK (state IN ('pending', 'success', 'warning', 'fail')),
	target_url TEXT,
	description TEXT,
	created INTEGER NOT NULL
);
CREATE INDEX api_checks_patch ON api_checks(patch_id, created);

-- Patchwork-style events: state and delegate changes, checks.
CREATE TABLE api_events (
	id INTEGER PRIMARY KEY,
	category TEXT NOT NULL,
	patch_id INTEGER REFERENCES patches(id) ON DELETE CASCADE,
	series_id INTEGER REFERENCES series(id),
	user_id INTEGER REFERENCES users(id),
	date INTEGER NOT NULL,
	previous TEXT,
	current TEXT
);
CREATE INDEX api_events_date ON api_events(date);
