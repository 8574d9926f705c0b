-- 0006-checks: check definitions and their run history; the scheduler's
-- schedules and job runs. Times are seconds since the epoch (UTC).

-- One row per configured check name, made on its first run.
CREATE TABLE checks (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL
);

-- One row per run. details_json is the array of evidence, as printed.
CREATE TABLE check_runs (
	id INTEGER PRIMARY KEY,
	check_id INTEGER NOT NULL REFERENCES checks(id),
	started INTEGER NOT NULL,
	finished INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pass', 'warn', 'fail', 'error')),
	score INTEGER NOT NULL,    -- 0..10, -1 when the check could not run
	reason TEXT NOT NULL,
	details_json TEXT NOT NULL,
	duration_ms INTEGER NOT NULL
);
CREATE INDEX check_runs_by_check ON check_runs(check_id, started);

-- One row per [schedule "NAME"], with the last time it was due and run.
CREATE TABLE schedules (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	last_due INTEGER,          -- the cron time of the last run started
	last_run INTEGER           -- when it finished
);

-- One row per attempt of a scheduled job, with its captured log (bounded).
CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	schedule_id INTEGER NOT NULL REFERENCES schedules(id),
	due INTEGER NOT NULL,
	attempt INTEGER NOT NULL,
	started INTEGER NOT NULL,
	finished INTEGER,
	status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed',
					       'timeout', 'skipped')),
	exit_code INTEGER,
	command TEXT NOT NULL,
	log TEXT
);
CREATE INDEX jobs_by_schedule ON jobs(schedule_id, started);
