/*
 * match.c: patch ⇄ commit and backport ⇄ original links (match.h), as
 * SQL joins on indexed columns; and the "where is it" query.
 */
#include "review-dash/match.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ?1: commits after this id; patches: all. */
static const char sql_pid_commits[] =
	"INSERT OR IGNORE INTO patch_commits(patch_id, commit_id, branch_id, "
	"method) "
	"SELECT p.id, c.id, bc.branch_id, 'patch-id' FROM commits c "
	"JOIN patches p ON p.git_patch_id = c.git_patch_id "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE c.id > ?1 AND c.git_patch_id IS NOT NULL";
/* ?1: patches after this id; commits: all. */
static const char sql_pid_patches[] =
	"INSERT OR IGNORE INTO patch_commits(patch_id, commit_id, branch_id, "
	"method) "
	"SELECT p.id, c.id, bc.branch_id, 'patch-id' FROM patches p "
	"JOIN commits c ON c.git_patch_id = p.git_patch_id "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE p.id > ?1 AND p.git_patch_id IS NOT NULL";
/* Same subject, submitter = author, committed in the window, and not
 * already found by patch-id on that branch. The commit must not already
 * be some other patch's by patch-id (it is then that patch, e.g. the
 * last version of this one), and p must be the last posting of that
 * subject by that submitter before the commit: earlier versions of a
 * patch share its subject and author but are not what was committed. */
#define SUBJECT_AUTHOR_WHERE                                                   \
	" AND pe.email = c.author_email AND c.is_merge = 0"                    \
	" AND c.commit_time BETWEEN p.date - 86400 AND p.date + ?2"            \
	" AND NOT EXISTS (SELECT 1 FROM patch_commits x WHERE"                 \
	" x.patch_id = p.id AND x.branch_id = bc.branch_id"                    \
	" AND x.method = 'patch-id')"                                          \
	" AND NOT EXISTS (SELECT 1 FROM patch_commits y WHERE"                 \
	" y.commit_id = c.id AND y.branch_id = bc.branch_id"                   \
	" AND y.method = 'patch-id')"                                          \
	" AND NOT EXISTS (SELECT 1 FROM patches q WHERE"                       \
	" q.norm_name = p.norm_name AND q.submitter_id = p.submitter_id"       \
	" AND q.date > p.date AND q.date <= c.commit_time)"                    \
	" AND NOT EXISTS (SELECT 1 FROM commit_links l WHERE"                  \
	" l.commit_id = c.id AND l.method = 'backport-marker')"
static const char sql_sa_commits[] =
	"INSERT OR IGNORE INTO patch_commits(patch_id, commit_id, branch_id, "
	"method) "
	"SELECT p.id, c.id, bc.branch_id, 'subject-author' FROM commits c "
	"JOIN patches p ON p.norm_name = c.norm_subject "
	"JOIN people pe ON pe.id = p.submitter_id "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE c.id > ?1" SUBJECT_AUTHOR_WHERE;
static const char sql_sa_patches[] =
	"INSERT OR IGNORE INTO patch_commits(patch_id, commit_id, branch_id, "
	"method) "
	"SELECT p.id, c.id, bc.branch_id, 'subject-author' FROM patches p "
	"JOIN people pe ON pe.id = p.submitter_id "
	"JOIN commits c ON c.norm_subject = p.norm_name "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"WHERE p.id > ?1" SUBJECT_AUTHOR_WHERE;
/* Backport markers: new backports (the marker may be abbreviated), and
 * new originals named in full by older backports. */
static const char sql_marker_backports[] =
	"INSERT OR IGNORE INTO commit_links(commit_id, original_commit_id, "
	"method) "
	"SELECT c.id, o.id, 'backport-marker' FROM commits c "
	"JOIN commits o ON o.oid >= c.backport_of "
	"AND o.oid < c.backport_of || 'g' "
	"WHERE c.id > ?1 AND c.backport_of IS NOT NULL AND o.id != c.id";
static const char sql_marker_originals[] =
	"INSERT OR IGNORE INTO commit_links(commit_id, original_commit_id, "
	"method) "
	"SELECT c.id, o.id, 'backport-marker' FROM commits o "
	"JOIN commits c ON c.backport_of = o.oid "
	"WHERE o.id > ?1 AND o.id != c.id";
/* Backports without a marker: same patch-id as a commit on a main
 * branch, while not on a main branch themselves. */
#define ON_MAIN(alias)                                                         \
	"EXISTS (SELECT 1 FROM branch_commits mb JOIN branches m ON"           \
	" m.id = mb.branch_id WHERE mb.commit_id = " alias                     \
	".id AND m.position = 0)"
static const char sql_pid_backports[] =
	"INSERT OR IGNORE INTO commit_links(commit_id, original_commit_id, "
	"method) "
	"SELECT c.id, o.id, 'patch-id' FROM commits c "
	"JOIN commits o ON o.git_patch_id = c.git_patch_id AND o.id != c.id "
	"WHERE (c.id > ?1 OR o.id > ?1) AND c.git_patch_id IS NOT NULL "
	"AND " ON_MAIN("o") " AND NOT " ON_MAIN(
		"c") " "
		     "AND NOT EXISTS (SELECT 1 FROM commit_links l WHERE "
		     "l.commit_id = c.id AND l.method = 'backport-marker')";
/* A patch that became an original is on each branch its marked
 * backports are on, unless found there already. */
static const char sql_pc_backports[] =
	"INSERT OR IGNORE INTO patch_commits(patch_id, commit_id, branch_id, "
	"method) "
	"SELECT pc.patch_id, l.commit_id, bc.branch_id, 'backport-marker' "
	"FROM commit_links l "
	"JOIN patch_commits pc ON pc.commit_id = l.original_commit_id "
	"JOIN branch_commits bc ON bc.commit_id = l.commit_id "
	"WHERE l.method = 'backport-marker' AND NOT EXISTS (SELECT 1 FROM "
	"patch_commits x WHERE x.patch_id = pc.patch_id "
	"AND x.branch_id = bc.branch_id)";
static const char sql_accept[] =
	"UPDATE patches SET state = 'accepted', commit_ref = ("
	"SELECT c.oid FROM patch_commits pc JOIN commits c ON "
	"c.id = pc.commit_id JOIN branches b ON b.id = pc.branch_id "
	"WHERE pc.patch_id = patches.id AND b.position = 0 "
	"ORDER BY pc.method = 'patch-id' DESC, c.commit_time LIMIT 1) "
	"WHERE id IN (SELECT pc.patch_id FROM patch_commits pc JOIN branches b "
	"ON b.id = pc.branch_id WHERE pc.rowid > ?1 AND b.position = 0) "
	"AND (state != 'accepted' OR commit_ref IS NULL)";
static const char sql_accept_series[] =
	"UPDATE series SET state = 'accepted' WHERE state != 'accepted' "
	"AND id IN (SELECT p.series_id FROM patch_commits pc JOIN patches p "
	"ON p.id = pc.patch_id WHERE pc.rowid > ?1) "
	"AND NOT EXISTS (SELECT 1 FROM patches p WHERE p.series_id = series.id "
	"AND p.state != 'accepted') "
	"AND (SELECT count(*) FROM patches p WHERE p.series_id = series.id) "
	">= series.total";
static const char sql_max_commit[] = "SELECT ifnull(max(id), 0) FROM commits";
static const char sql_max_patch[] = "SELECT ifnull(max(id), 0) FROM patches";
static const char sql_max_pc[] =
	"SELECT ifnull(max(rowid), 0) FROM patch_commits";
static const char sql_max_link[] =
	"SELECT ifnull(max(rowid), 0) FROM commit_links";

static int scalar(struct st_store *s, const char *sql, int64_t *out,
		  struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	*out = 0;
	if (!st)
		return ST_ERROR;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run(struct st_store *s, const char *sql, int64_t a, int64_t b,
	       int64_t *changes, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	double t0 = seconds();
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = st_store_step_done(s, st, err);
	if (rc == 0 && changes)
		*changes += sqlite3_changes(st_store_db(s));
	if (st_log_enabled(ST_LOG_DEBUG))
		st_log(ST_LOG_DEBUG, "match: %d rows in %.3f s: %.70s",
		       sqlite3_changes(st_store_db(s)), seconds() - t0, sql);
	return rc;
}

static int64_t meta_int(struct st_store *s, const char *key)
{
	char *v = NULL;
	int64_t n = 0;

	if (st_store_meta_get(s, key, &v, NULL) == 0 && v)
		st_parse_int64(&n, v, 0, INT64_MAX, key, NULL);
	free(v);
	return n;
}

static int meta_set_int(struct st_store *s, const char *key, int64_t v,
			struct st_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return st_store_meta_set(s, key, buf, err);
}

int rd_match_run(struct st_store *s, unsigned flags,
		 struct rd_match_stats *stats, struct st_error *err)
{
	struct rd_match_stats local = {0};
	bool full = flags & RD_MATCH_FULL;
	int64_t wc = full ? 0 : meta_int(s, "match.commits");
	int64_t wp = full ? 0 : meta_int(s, "match.patches");
	int64_t window = (int64_t)RD_MATCH_WINDOW_DAYS * 86400;
	int64_t pc0 = 0, max_c = 0, max_p = 0, link0 = 0, link1 = 0;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	rc = scalar(s, sql_max_pc, &pc0, err);
	if (rc == 0)
		rc = scalar(s, sql_max_link, &link0, err);
	if (rc == 0)
		rc = scalar(s, sql_max_commit, &max_c, err);
	if (rc == 0)
		rc = scalar(s, sql_max_patch, &max_p, err);
	/* Backports named by markers first: they are recorded as such,
	 * not matched again by subject. Then patch-ids, so that subject +
	 * author only fills the gaps. */
	if (rc == 0 && max_c > wc)
		rc = run(s, sql_marker_backports, wc, 0, NULL, err);
	if (rc == 0 && max_c > wc)
		rc = run(s, sql_marker_originals, wc, 0, NULL, err);
	/* New commits against the posted patches: none posted, no work. */
	if (rc == 0 && max_c > wc && max_p)
		rc = run(s, sql_pid_commits, wc, 0, &stats->links_added, err);
	if (rc == 0 && !full && max_p > wp)
		rc = run(s, sql_pid_patches, wp, 0, &stats->links_added, err);
	if (rc == 0 && max_c > wc)
		rc = run(s, sql_pid_backports, wc, 0, NULL, err);
	if (rc == 0 && max_c > wc && max_p)
		rc = run(s, sql_sa_commits, wc, window, &stats->links_added,
			 err);
	if (rc == 0 && !full && max_p > wp)
		rc = run(s, sql_sa_patches, wp, window, &stats->links_added,
			 err);
	if (rc == 0)
		rc = scalar(s, sql_max_link, &link1, err);
	stats->backports_linked = link1 - link0;
	if (rc == 0 && (link1 > link0 || stats->links_added || full))
		rc = run(s, sql_pc_backports, 0, 0, &stats->links_added, err);
	if (rc == 0)
		rc = run(s, sql_accept, full ? 0 : pc0, 0,
			 &stats->patches_accepted, err);
	if (rc == 0)
		rc = run(s, sql_accept_series, full ? 0 : pc0, 0,
			 &stats->series_accepted, err);
	if (rc == 0)
		rc = meta_set_int(s, "match.commits", max_c, err);
	if (rc == 0)
		rc = meta_set_int(s, "match.patches", max_p, err);
	return rc;
}

/* Where */

static const char sql_where_patch[] =
	"SELECT p.id, p.name FROM patches p JOIN messages m ON "
	"m.id = p.message_id WHERE m.msgid = ? OR m.msgid = ?";
static const char sql_where_patch_rows[] =
	"SELECT t.name, b.name, c.oid, c.subject, c.commit_time, "
	"c.author_time, pc.method FROM patch_commits pc "
	"JOIN commits c ON c.id = pc.commit_id "
	"JOIN branches b ON b.id = pc.branch_id "
	"JOIN trees t ON t.id = b.tree_id WHERE pc.patch_id = ? "
	"ORDER BY t.name, b.position, c.commit_time";
static const char sql_where_commit[] =
	"SELECT id, subject FROM commits WHERE oid >= ?1 AND oid < ?1 || 'g' "
	"ORDER BY id LIMIT 64";
/* The commit itself, its backports, and what it is a backport of. */
static const char sql_where_commit_rows[] =
	"SELECT t.name, b.name, c.oid, c.subject, c.commit_time, "
	"c.author_time, x.how FROM ("
	"SELECT ?1 AS id, 'direct' AS how "
	"UNION SELECT commit_id, 'backport' FROM commit_links "
	"WHERE original_commit_id = ?1 "
	"UNION SELECT original_commit_id, 'original' FROM commit_links "
	"WHERE commit_id = ?1) x "
	"JOIN commits c ON c.id = x.id "
	"JOIN branch_commits bc ON bc.commit_id = c.id "
	"JOIN branches b ON b.id = bc.branch_id "
	"JOIN trees t ON t.id = b.tree_id "
	"ORDER BY t.name, b.position, c.commit_time";

static int add_rows(json_t *arr, struct st_store *s, const char *sql,
		    int64_t id, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *o = json_object();

		st_json_set_str(o, "tree",
				(const char *)sqlite3_column_text(st, 0));
		st_json_set_str(o, "branch",
				(const char *)sqlite3_column_text(st, 1));
		st_json_set_str(o, "oid",
				(const char *)sqlite3_column_text(st, 2));
		st_json_set_str(o, "subject",
				(const char *)sqlite3_column_text(st, 3));
		st_json_set_int(o, "commit_time", sqlite3_column_int64(st, 4));
		st_json_set_int(o, "author_time", sqlite3_column_int64(st, 5));
		st_json_set_str(o, "how",
				(const char *)sqlite3_column_text(st, 6));
		json_array_append_new(arr, o);
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	return rc;
}

static bool is_hex_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 4 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

int rd_match_where(json_t **out, struct st_store *s, const char *what,
		   struct st_error *err)
{
	struct st_buf bare = ST_BUF_INIT, angled = ST_BUF_INIT;
	json_t *o = json_object(), *rows = json_array();
	sqlite3_stmt *st;
	int64_t id = 0;
	const char *kind = "patch";
	char *subject = NULL;
	int rc;

	*out = NULL;
	st_buf_addstr(&bare, what);
	if (bare.len > 1 && bare.buf[0] == '<' &&
	    bare.buf[bare.len - 1] == '>') {
		memmove(bare.buf, bare.buf + 1, bare.len - 2);
		st_buf_setlen(&bare, bare.len - 2);
	}
	st_buf_addf(&angled, "<%s>", bare.buf);
	st = st_store_stmt(s, sql_where_patch, err);
	if (!st) {
		rc = ST_ERROR;
		goto out;
	}
	st_store_bind_text(st, 1, bare.buf);
	st_store_bind_text(st, 2, angled.buf);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		subject = st_store_column_dup(st, 1);
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (rc == 0 && id)
		rc = add_rows(rows, s, sql_where_patch_rows, id, err);
	if (rc == 0 && !id && is_hex_id(bare.buf)) {
		int64_t ids[64];
		size_t n = 0;

		for (size_t i = 0; i < bare.len; i++)
			bare.buf[i] = (char)tolower((unsigned char)bare.buf[i]);
		kind = "commit";
		st = st_store_stmt(s, sql_where_commit, err);
		if (!st) {
			rc = ST_ERROR;
			goto out;
		}
		st_store_bind_text(st, 1, bare.buf);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < 64) {
			ids[n++] = sqlite3_column_int64(st, 0);
			if (!subject)
				subject = st_store_column_dup(st, 1);
		}
		rc = st_store_check(s, rc, err);
		sqlite3_reset(st);
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = add_rows(rows, s, sql_where_commit_rows, ids[i],
				      err);
		id = n ? ids[0] : 0;
	}
	if (rc < 0)
		goto out;
	if (!id) {
		rc = st_error_set(err, ST_ENOTFOUND,
				  "no patch or commit '%s' in the store", what);
		goto out;
	}
	st_json_set_str(o, "query", what);
	st_json_set_str(o, "kind", kind);
	st_json_set_str(o, "subject", subject);
	json_object_set(o, "branches", rows);
	*out = o;
	o = NULL;
out:
	json_decref(o);
	json_decref(rows);
	free(subject);
	st_buf_release(&bare);
	st_buf_release(&angled);
	return rc;
}
