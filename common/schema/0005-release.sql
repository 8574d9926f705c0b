-- 0005-release: release blockers, the way a tracker holds them.
CREATE TABLE blockers (
	id INTEGER PRIMARY KEY,
	version TEXT NOT NULL,          -- X.Y.Z the blocker holds back
	title TEXT NOT NULL,
	link TEXT,                      -- a series, mail or issue
	owner TEXT,
	state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
	created INTEGER NOT NULL,       -- seconds since the epoch
	closed INTEGER,
	reason TEXT                     -- why it was closed
);
CREATE INDEX blockers_version ON blockers(version, state);
