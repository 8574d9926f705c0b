/* scheduler.c: due schedules, per-job locks, retries, history, webhook. */
#include "scheduler.h"

#include "mail.h"

#include "checks/exec.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define LOG_MAX	 (64 * 1024)
#define CATCH_UP (24 * 3600)	  /* a new schedule looks this far back */
#define MAX_BACK (31 * 24 * 3600) /* never look further back than this */

static int get_int(const struct st_config *c, const char *name, const char *key,
		   int64_t def, int64_t min, int64_t max, int64_t *out,
		   struct st_error *err)
{
	struct st_buf k = ST_BUF_INIT;
	int rc;

	st_buf_addf(&k, "schedule.%s.%s", name, key);
	rc = st_config_get_int(c, k.buf, def, out, err);
	if (rc == 0 && (*out < min || *out > max))
		rc = st_error_set(err, ST_EINVALID,
				  "schedule '%s': %s must be %lld to %lld",
				  name, key, (long long)min, (long long)max);
	st_buf_release(&k);
	return rc;
}

static char *get_str(const struct st_config *c, const char *name,
		     const char *key)
{
	struct st_buf k = ST_BUF_INIT;
	char *v;

	st_buf_addf(&k, "schedule.%s.%s", name, key);
	v = st_config_get_string(c, k.buf, NULL);
	st_buf_release(&k);
	return v;
}

static bool name_ok(const char *name)
{
	if (!*name || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

int ci_schedule_load(struct ci_schedule *out, const struct st_config *config,
		     const char *name, struct st_error *err)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->name = st_xstrdup(name);
	if (!name_ok(name)) {
		rc = st_error_set(err, ST_EINVALID,
				  "schedule name '%s': use letters, digits, "
				  "'.', '_' and '-'",
				  name);
		goto out;
	}
	out->cron_expr = get_str(config, name, "cron");
	out->run = get_str(config, name, "run");
	out->webhook = get_str(config, name, "webhook");
	if (!out->cron_expr && !out->run && st_starts_with(name, "check-")) {
		/* A check with its own schedule (design.md's example). */
		struct st_buf k = ST_BUF_INIT;

		st_buf_addf(&k, "check.%s.schedule", name + 6);
		out->cron_expr = st_config_get_string(config, k.buf, NULL);
		st_buf_release(&k);
		if (out->cron_expr) {
			st_buf_addf(&k, "check run %s", name + 6);
			out->run = st_buf_detach(&k, NULL);
		}
	}
	if (!out->webhook)
		out->webhook = st_config_get_string(config, "ci.webhook", NULL);
	out->mail_to = get_str(config, name, "mail-to");
	if (!out->mail_to)
		out->mail_to = st_config_get_string(config, "ci.mail-to", NULL);
	if (!out->cron_expr || !out->run) {
		rc = st_error_set(err, ST_EINVALID,
				  "schedule '%s' needs cron and run", name);
		goto out;
	}
	rc = ci_cron_parse(&out->cron, out->cron_expr, err);
	if (rc == 0)
		rc = get_int(config, name, "timeout", 3600, 1, 7 * 86400,
			     &out->timeout, err);
	if (rc == 0)
		rc = get_int(config, name, "retries", 0, 0, 10, &out->retries,
			     err);
	if (rc == 0)
		rc = get_int(config, name, "retry-delay", 60, 0, 86400,
			     &out->retry_delay, err);
out:
	if (rc < 0 && rc != ST_EINVALID)
		rc = ST_EINVALID;
	return rc;
}

void ci_schedule_release(struct ci_schedule *s)
{
	free(s->name);
	free(s->cron_expr);
	free(s->run);
	free(s->webhook);
	free(s->mail_to);
	memset(s, 0, sizeof(*s));
}

/* The schedules row of name (made on first use) and its last_due (0
 * when it never ran). */
static int schedule_row(int64_t *id, time_t *last_due, struct st_store *s,
			const char *name, struct st_error *err)
{
	static const char sql_ins[] = "INSERT INTO schedules (name) VALUES (?) "
				      "ON CONFLICT (name) DO NOTHING";
	static const char sql_get[] =
		"SELECT id, last_due FROM schedules WHERE name = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql_ins, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	st = st_store_stmt(s, sql_get, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = st_store_check(s, rc == SQLITE_DONE ? SQLITE_ERROR : rc,
				    err);
		sqlite3_reset(st);
		return rc;
	}
	*id = sqlite3_column_int64(st, 0);
	*last_due = (time_t)sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return 0;
}

/* The latest cron time in (last_due, now], or 0 when none. */
static time_t due_slot(const struct ci_schedule *sc, time_t last_due,
		       time_t now)
{
	time_t t = last_due ? last_due : now - CATCH_UP, slot = 0, n;

	if (t < now - MAX_BACK)
		t = now - MAX_BACK;
	for (int i = 0; i < 50000; i++) {
		if (ci_cron_next(&n, &sc->cron, t, NULL) < 0 || n > now)
			break;
		slot = n;
		t = n;
	}
	return slot;
}

/* Split line on blanks into argv after prefix entries. */
static int split(char **argv, size_t *argc, size_t max, char *line,
		 struct st_error *err)
{
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (*argc + 1 >= max)
			return st_error_set(err, ST_ETOOBIG,
					    "too many words in run");
		argv[(*argc)++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[*argc] = NULL;
	return 0;
}

static int job_start(int64_t *job, struct st_store *s, int64_t sid, time_t due,
		     int attempt, const char *cmd, struct st_error *err)
{
	static const char sql[] =
		"INSERT INTO jobs (schedule_id, due, attempt, started, status, "
		"command) VALUES (?, ?, ?, ?, 'running', ?)";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, sid);
	sqlite3_bind_int64(st, 2, (int64_t)due);
	sqlite3_bind_int(st, 3, attempt);
	sqlite3_bind_int64(st, 4, (int64_t)st_time_now());
	sqlite3_bind_text(st, 5, cmd, -1, SQLITE_STATIC);
	rc = st_store_step_done(s, st, err);
	if (rc == 0)
		*job = sqlite3_last_insert_rowid(st_store_db(s));
	return rc;
}

static int job_finish(struct st_store *s, int64_t job, const char *status,
		      int exit_code, const char *log, struct st_error *err)
{
	static const char sql[] =
		"UPDATE jobs SET finished = ?, status = ?, exit_code = ?, "
		"log = ? WHERE id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, (int64_t)st_time_now());
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, exit_code);
	sqlite3_bind_text(st, 4, log, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, job);
	return st_store_step_done(s, st, err);
}

static int schedule_done(struct st_store *s, int64_t sid, time_t due,
			 struct st_error *err)
{
	static const char sql[] =
		"UPDATE schedules SET last_due = ?, last_run = ? WHERE id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, (int64_t)due);
	sqlite3_bind_int64(st, 2, (int64_t)st_time_now());
	sqlite3_bind_int64(st, 3, sid);
	return st_store_step_done(s, st, err);
}

static size_t ignore_body(char *p, size_t size, size_t n, void *data)
{
	return size * n;
}

/* POST the report of a failed job to the schedule's webhook. A failure
 * here is logged, never fatal: the job's own status is what matters. */
static void notify(const struct ci_schedule *sc, const json_t *entry,
		   const char *log)
{
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	json_t *body = json_deep_copy(entry);
	char *text = NULL;
	CURL *h = curl_easy_init();
	CURLcode cc;
	long code = 0;
	size_t n = strlen(log);

	st_json_set_str(body, "command", sc->run);
	st_json_set_str(body, "log_tail", n > 4096 ? log + n - 4096 : log);
	text = json_dumps(body, JSON_COMPACT);
	if (!h || !text)
		goto out;
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, sc->webhook);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, ignore_body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "steward-ci/1");
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK)
		st_log(ST_LOG_WARN, "schedule '%s': webhook: %s", sc->name,
		       errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else if (code >= 300)
		st_log(ST_LOG_WARN, "schedule '%s': webhook answered %ld",
		       sc->name, code);
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(text);
	json_decref(body);
}

/* Mail the report of a failed job; like the webhook, never fatal. */
static void mail(const struct ci_schedule *sc, const struct st_config *config,
		 const json_t *entry, const char *log)
{
	struct st_error err = ST_ERROR_INIT;
	struct st_buf subject = ST_BUF_INIT, body = ST_BUF_INIT;
	char *url =
		st_config_get_string(config, "ci.smtp-url", "smtp://localhost");
	char *from = st_config_get_string(config, "ci.mail-from",
					  "steward@localhost");
	const char *outcome =
		json_string_value(json_object_get(entry, "outcome"));
	size_t n = strlen(log);

	st_buf_addf(&subject, "[steward] schedule '%s' %s", sc->name,
		    outcome ? outcome : "failed");
	st_buf_addf(
		&body,
		"Schedule: %s\nCommand: steward %s\nOutcome: %s, exit "
		"%d, %d attempt(s)\nDue: %s\n\nLast output:\n%s",
		sc->name, sc->run, outcome ? outcome : "failed",
		(int)json_integer_value(json_object_get(entry, "exit_code")),
		(int)json_integer_value(json_object_get(entry, "attempts")),
		json_string_value(json_object_get(entry, "due")),
		n > 8192 ? log + n - 8192 : log);
	if (ci_mail_send(url, from, sc->mail_to, subject.buf, body.buf, 30,
			 &err) < 0)
		st_log(ST_LOG_WARN, "schedule '%s': %s", sc->name, err.msg);
	free(url);
	free(from);
	st_buf_release(&subject);
	st_buf_release(&body);
}

/* Take run_dir/NAME.lock without waiting. Returns the fd, ST_EBUSY with
 * the holder's pid in the message, or ST_ERROR. */
static int take_lock(const char *run_dir, const char *name,
		     struct st_error *err)
{
	struct st_buf path = ST_BUF_INIT;
	char pid[32] = "";
	int fd, rc;

	st_buf_addf(&path, "%s/%s.lock", run_dir, name);
	fd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot open '%s': %s",
				  path.buf, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		bool busy = errno == EWOULDBLOCK;
		ssize_t n = busy ? pread(fd, pid, sizeof(pid) - 1, 0) : -1;

		if (n > 0) {
			pid[n] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
		}
		if (busy)
			rc = st_error_set(err, ST_EBUSY,
					  "already running (pid %s)",
					  pid[0] ? pid : "?");
		else
			rc = st_error_set(err, ST_ERROR, "cannot lock '%s': %s",
					  path.buf, strerror(errno));
		close(fd);
		goto out;
	}
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 ||
	    pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid))
		st_log(ST_LOG_WARN, "cannot write the pid to '%s'", path.buf);
	rc = fd;
out:
	st_buf_release(&path);
	return rc;
}

static void sleep_s(int64_t s)
{
	struct timespec ts = {(time_t)s, 0};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Run the job of sc for slot due, with retries; fill entry. */
static int run_job(json_t *entry, struct st_store *s, int64_t sid,
		   const struct ci_schedule *sc, const struct st_config *config,
		   const struct ci_run_opts *o, time_t due,
		   struct st_error *err)
{
	char *argv[MAX_ARGS + 4];
	char *line = st_xstrdup(sc->run);
	size_t argc = 0;
	const char *status = "failed";
	int64_t delay = sc->retry_delay;
	int attempt, exit_code = -1, rc;
	struct chk_exec ex = {0};

	argv[argc++] = (char *)(o->self ? o->self : "/proc/self/exe");
	if (st_config_path(config)) {
		argv[argc++] = "--config";
		argv[argc++] = (char *)st_config_path(config);
	}
	rc = split(argv, &argc, MAX_ARGS, line, err);
	if (rc < 0)
		goto out;
	for (attempt = 1; attempt <= 1 + sc->retries; attempt++) {
		int64_t job = 0;

		if (attempt > 1) {
			st_log(ST_LOG_INFO, "schedule '%s': retry %d in %lld s",
			       sc->name, attempt - 1, (long long)delay);
			sleep_s(delay);
			delay *= 2;
		}
		rc = job_start(&job, s, sid, due, attempt, sc->run, err);
		if (rc < 0)
			goto out;
		chk_exec_release(&ex);
		rc = chk_exec_run(&ex, ".", argv, NULL, (int)sc->timeout,
				  LOG_MAX, CHK_EXEC_SESSION, err);
		if (rc < 0) {
			job_finish(s, job, "failed", -1, err->msg, NULL);
			goto out;
		}
		exit_code = ex.exit_code;
		status = ex.timed_out	  ? "timeout"
			 : exit_code == 0 ? "ok"
					  : "failed";
		rc = job_finish(s, job, status, exit_code, ex.log.buf, err);
		if (rc < 0)
			goto out;
		st_json_set_int(entry, "attempts", attempt);
		if (!strcmp(status, "ok"))
			break;
	}
	st_json_set_str(entry, "outcome", status);
	st_json_set_int(entry, "exit_code", exit_code);
	rc = schedule_done(s, sid, due, err);
	if (rc == 0 && strcmp(status, "ok") != 0 && sc->webhook)
		notify(sc, entry, ex.log.buf);
	if (rc == 0 && strcmp(status, "ok") != 0 && sc->mail_to)
		mail(sc, config, entry, ex.log.buf);
out:
	chk_exec_release(&ex);
	free(line);
	return rc;
}

struct implicit_ctx {
	const struct st_config *config;
	st_config_section_fn fn;
	void *data;
};

/* A [check "NAME"] with a schedule key is the schedule "check-NAME",
 * unless a [schedule "check-NAME"] says otherwise. */
static int implicit_one(const char *check, void *data)
{
	struct implicit_ctx *ic = data;
	struct st_buf k = ST_BUF_INIT;
	char *cron, *own;
	int rc = 0;

	st_buf_addf(&k, "check.%s.schedule", check);
	cron = st_config_get_string(ic->config, k.buf, NULL);
	st_buf_reset(&k);
	st_buf_addf(&k, "schedule.check-%s.cron", check);
	own = st_config_get_string(ic->config, k.buf, NULL);
	st_buf_reset(&k);
	if (cron && !own) {
		st_buf_addf(&k, "check-%s", check);
		rc = ic->fn(k.buf, ic->data);
	}
	free(cron);
	free(own);
	st_buf_release(&k);
	return rc;
}

/* Call fn for every schedule: [schedule] sections, then checks with a
 * schedule key. */
static int foreach_schedule(const struct st_config *config,
			    st_config_section_fn fn, void *data)
{
	struct implicit_ctx ic = {config, fn, data};
	int rc = st_config_foreach_subsection(config, "schedule", fn, data);

	if (rc)
		return rc;
	return st_config_foreach_subsection(config, "check", implicit_one, &ic);
}

struct due_ctx {
	struct st_store *store;
	const struct st_config *config;
	const struct ci_run_opts *o;
	const char *run_dir;
	time_t now;
	json_t *report;
	struct st_error *err;
	int rc;
};

static void set_time(json_t *o, const char *key, time_t t)
{
	char iso[32];

	if (!t) {
		json_object_set_new(o, key, json_null());
		return;
	}
	st_time_iso(iso, sizeof(iso), t);
	st_json_set_str(o, key, iso);
}

static int one_schedule(const char *name, void *data)
{
	struct due_ctx *d = data;
	struct ci_schedule sc;
	struct st_error jerr = ST_ERROR_INIT;
	json_t *e = json_object();
	time_t last = 0, slot, next = 0;
	int64_t sid = 0;
	int fd = -1, rc;

	st_json_set_str(e, "schedule", name);
	json_array_append_new(d->report, e);
	rc = ci_schedule_load(&sc, d->config, name, &jerr);
	if (rc < 0) {
		st_json_set_str(e, "outcome", "error");
		st_json_set_str(e, "message", jerr.msg);
		goto out;
	}
	rc = schedule_row(&sid, &last, d->store, name, d->err);
	if (rc < 0)
		goto fatal;
	slot = due_slot(&sc, last, d->now);
	if (ci_cron_next(&next, &sc.cron, d->now, NULL) == 0)
		set_time(e, "next", next);
	if (!slot) {
		st_json_set_str(e, "outcome", "not-due");
		goto out;
	}
	set_time(e, "due", slot);
	fd = take_lock(d->run_dir, name, &jerr);
	if (fd < 0) {
		st_json_set_str(e, "outcome",
				fd == ST_EBUSY ? "skipped" : "error");
		st_json_set_str(e, "message", jerr.msg);
		goto out;
	}
	/* Another run may have finished it while we looked. */
	rc = schedule_row(&sid, &last, d->store, name, d->err);
	if (rc < 0)
		goto fatal;
	if (due_slot(&sc, last, d->now) != slot) {
		st_json_set_str(e, "outcome", "not-due");
		goto out;
	}
	rc = run_job(e, d->store, sid, &sc, d->config, d->o, slot, &jerr);
	if (rc < 0) {
		st_json_set_str(e, "outcome", "error");
		st_json_set_str(e, "message", jerr.msg);
	}
	goto out;
fatal:
	d->rc = rc;
out:
	if (fd >= 0)
		close(fd);
	ci_schedule_release(&sc);
	/* Only a store failure stops the walk. */
	return d->rc < 0 ? 1 : 0;
}

int ci_run_due(json_t **report, struct st_store *store,
	       const struct st_config *config, const struct ci_run_opts *o,
	       time_t now, struct st_error *err)
{
	struct due_ctx d = {store, config, o, NULL, now, json_array(), err, 0};
	char *dir = o->run_dir
			    ? st_xstrdup(o->run_dir)
			    : st_config_get_path(config, "ci.run-dir", "run");

	*report = NULL;
	d.run_dir = dir;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		d.rc = st_error_set(err, ST_ERROR, "cannot make '%s': %s", dir,
				    strerror(errno));
		goto out;
	}
	foreach_schedule(config, one_schedule, &d);
out:
	if (d.rc == 0) {
		*report = d.report;
		d.report = NULL;
	}
	json_decref(d.report);
	free(dir);
	return d.rc;
}

struct next_ctx {
	const struct st_config *config;
	time_t now;
	time_t best;
};

static int next_one(const char *name, void *data)
{
	struct next_ctx *n = data;
	struct ci_schedule sc;
	time_t t;

	if (ci_schedule_load(&sc, n->config, name, NULL) == 0 &&
	    ci_cron_next(&t, &sc.cron, n->now, NULL) == 0 &&
	    (!n->best || t < n->best))
		n->best = t;
	ci_schedule_release(&sc);
	return 0;
}

int ci_next_due(time_t *out, const struct st_config *config, time_t now,
		struct st_error *err)
{
	struct next_ctx n = {config, now, 0};

	foreach_schedule(config, next_one, &n);
	if (!n.best)
		return st_error_set(err, ST_ENOTFOUND, "no valid schedule");
	*out = n.best;
	return 0;
}

struct list_ctx {
	struct st_store *store;
	const struct st_config *config;
	time_t now;
	json_t *out;
	struct st_error *err;
	int rc;
};

static int list_one(const char *name, void *data)
{
	static const char sql[] =
		"SELECT j.status, j.finished FROM jobs j JOIN schedules s ON "
		"s.id = j.schedule_id WHERE s.name = ? ORDER BY j.id DESC "
		"LIMIT 1";
	struct list_ctx *l = data;
	struct ci_schedule sc;
	struct st_error jerr = ST_ERROR_INIT;
	json_t *e = json_object();
	sqlite3_stmt *st;
	time_t next;
	int rc;

	json_array_append_new(l->out, e);
	st_json_set_str(e, "schedule", name);
	rc = ci_schedule_load(&sc, l->config, name, &jerr);
	st_json_set_str(e, "cron", sc.cron_expr);
	st_json_set_str(e, "run", sc.run);
	if (rc < 0) {
		st_json_set_str(e, "error", jerr.msg);
	} else if (ci_cron_next(&next, &sc.cron, l->now, NULL) == 0) {
		set_time(e, "next", next);
	}
	ci_schedule_release(&sc);
	json_object_set_new(e, "last_status", json_null());
	json_object_set_new(e, "last_run", json_null());
	if (!l->store)
		return 0;
	st = st_store_stmt(l->store, sql, l->err);
	if (!st) {
		l->rc = ST_ERROR;
		return 1;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		st_json_set_str(e, "last_status",
				(const char *)sqlite3_column_text(st, 0));
		set_time(e, "last_run", (time_t)sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	return 0;
}

int ci_list(json_t **out, struct st_store *store,
	    const struct st_config *config, time_t now, struct st_error *err)
{
	struct list_ctx l = {store, config, now, json_array(), err, 0};

	*out = NULL;
	foreach_schedule(config, list_one, &l);
	if (l.rc < 0) {
		json_decref(l.out);
		return l.rc;
	}
	*out = l.out;
	return 0;
}

int ci_history(json_t **out, struct st_store *store, const char *name,
	       int limit, struct st_error *err)
{
	static const char sql[] =
		"SELECT j.due, j.attempt, j.started, j.finished, j.status, "
		"j.exit_code, j.command, j.log FROM jobs j JOIN schedules s "
		"ON s.id = j.schedule_id WHERE s.name = ? "
		"ORDER BY j.id DESC LIMIT ?";
	sqlite3_stmt *st = st_store_stmt(store, sql, err);
	json_t *arr = json_array();
	int rc;

	*out = NULL;
	if (!st) {
		json_decref(arr);
		return ST_ERROR;
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *e = json_object();

		set_time(e, "due", (time_t)sqlite3_column_int64(st, 0));
		st_json_set_int(e, "attempt", sqlite3_column_int(st, 1));
		set_time(e, "started", (time_t)sqlite3_column_int64(st, 2));
		set_time(e, "finished", (time_t)sqlite3_column_int64(st, 3));
		st_json_set_str(e, "status",
				(const char *)sqlite3_column_text(st, 4));
		if (sqlite3_column_type(st, 5) == SQLITE_NULL)
			json_object_set_new(e, "exit_code", json_null());
		else
			st_json_set_int(e, "exit_code",
					sqlite3_column_int(st, 5));
		st_json_set_str(e, "command",
				(const char *)sqlite3_column_text(st, 6));
		st_json_set_str(e, "log",
				(const char *)sqlite3_column_text(st, 7));
		json_array_append_new(arr, e);
	}
	rc = st_store_check(store, rc, err);
	sqlite3_reset(st);
	if (rc == 0 && json_array_size(arr) == 0)
		rc = st_error_set(err, ST_ENOTFOUND, "schedule '%s' never ran",
				  name);
	if (rc < 0) {
		json_decref(arr);
		return rc;
	}
	*out = arr;
	return 0;
}
