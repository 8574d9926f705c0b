/*
 * postings.c: series posted late and series naming a release, read from
 * the mail tables (series, patches, messages) and patch_commits. See
 * postings.h.
 */
#include "postings.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * The newest versions (superseded_by_id NULL) chosen by HEAD_FILTER,
 * with the date of the earliest version each supersedes (the chain is
 * bounded: a corrupt cycle cannot loop), then the columns read by
 * read_row. ?2 is the list name or NULL.
 */
#define POSTINGS_SQL(HEAD_FILTER, OUTER_FILTER)                                \
	"WITH RECURSIVE chain(head, sid, depth) AS ("                          \
	" SELECT id, id, 0 FROM series WHERE superseded_by_id IS NULL"         \
	" AND " HEAD_FILTER " UNION ALL"                                       \
	" SELECT c.head, x.supersedes_id, c.depth + 1 FROM chain c"            \
	" JOIN series x ON x.id = c.sid"                                       \
	" WHERE x.supersedes_id IS NOT NULL AND c.depth < 64),"                \
	" first(head, date) AS (SELECT c.head, min(x.date) FROM chain c"       \
	" JOIN series x ON x.id = c.sid GROUP BY c.head)"                      \
	" SELECT s.id, s.version, s.state, s.prefixes, pe.name, pe.email,"     \
	" l.name, coalesce((SELECT subject FROM messages"                      \
	" WHERE id = s.cover_id), (SELECT m.subject FROM patches p"            \
	" JOIN messages m ON m.id = p.message_id WHERE p.series_id = s.id"     \
	" ORDER BY p.number, p.id LIMIT 1), s.name),"                          \
	" (SELECT count(*) FROM patches p WHERE p.series_id = s.id),"          \
	" (SELECT count(*) FROM patches p WHERE p.series_id = s.id"            \
	" AND (p.state = 'accepted' OR EXISTS (SELECT 1 FROM patch_commits"    \
	" pc WHERE pc.patch_id = p.id))),"                                     \
	" (SELECT count(*) FROM patches p WHERE p.series_id = s.id"            \
	" AND p.state IN ('rejected', 'not-applicable', 'superseded')"         \
	" AND NOT EXISTS (SELECT 1 FROM patch_commits pc"                      \
	" WHERE pc.patch_id = p.id)), f.date"                                  \
	" FROM first f JOIN series s ON s.id = f.head"                         \
	" LEFT JOIN people pe ON pe.id = s.submitter_id"                       \
	" LEFT JOIN lists l ON l.id = s.list_id"                               \
	" WHERE (?2 IS NULL OR l.name = ?2) AND " OUTER_FILTER                 \
	" ORDER BY f.date, s.id"

static void read_row(struct rel_posting *p, sqlite3_stmt *st)
{
	const char *name = (const char *)sqlite3_column_text(st, 4);
	const char *email = (const char *)sqlite3_column_text(st, 5);
	struct st_buf who = ST_BUF_INIT;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->version = sqlite3_column_int64(st, 1);
	p->state = st_store_column_dup(st, 2);
	p->prefixes = st_store_column_dup(st, 3);
	if (name && *name && email)
		st_buf_addf(&who, "%s <%s>", name, email);
	else
		st_buf_addstr(&who, email ? email : (name ? name : ""));
	p->author = st_buf_detach(&who, NULL);
	p->list = st_store_column_dup(st, 6);
	p->subject = st_store_column_dup(st, 7);
	if (!p->subject)
		p->subject = st_xstrdup("");
	p->patches = sqlite3_column_int64(st, 8);
	p->landed = sqlite3_column_int64(st, 9);
	p->decided = sqlite3_column_int64(st, 10);
	p->first_posted = (time_t)sqlite3_column_int64(st, 11);
	p->is_open = !p->patches || p->landed + p->decided < p->patches;
}

static void posting_free(struct rel_posting *p)
{
	free(p->subject);
	free(p->author);
	free(p->list);
	free(p->prefixes);
	free(p->state);
}

/* Step st (bound by the caller) into out: with v, only the series naming
 * it; with only_open, only open ones. */
static int collect(struct rel_postings *out, struct st_store *s,
		   sqlite3_stmt *st, const struct rel_version *v,
		   bool only_open, struct st_error *err)
{
	size_t alloc = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rel_posting p;

		read_row(&p, st);
		if ((v && !rel_postings_names_release(p.prefixes, v)) ||
		    (only_open && !p.is_open)) {
			posting_free(&p);
			continue;
		}
		if (out->n == alloc) {
			alloc = alloc ? 2 * alloc : 8;
			out->v = st_xreallocarray(out->v, alloc,
						  sizeof(*out->v));
		}
		out->v[out->n++] = p;
	}
	rc = st_store_check(s, rc, err);
	sqlite3_reset(st);
	if (rc < 0)
		rel_postings_release(out);
	return rc;
}

int rel_postings_after(struct rel_postings *out, struct st_store *s,
		       const char *list, time_t after, struct st_error *err)
{
	static const char sql[] = POSTINGS_SQL("date > ?1", "f.date > ?1");
	sqlite3_stmt *st = st_store_stmt(s, sql, err);

	memset(out, 0, sizeof(*out));
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after);
	st_store_bind_text(st, 2, list);
	return collect(out, s, st, NULL, false, err);
}

int rel_postings_blockers(struct rel_postings *out, struct st_store *s,
			  const char *list, const struct rel_version *v,
			  bool only_open, struct st_error *err)
{
	/* A cheap filter in SQL; rel_postings_names_release decides. */
	static const char sql[] = POSTINGS_SQL(
		"instr(lower(coalesce(prefixes, '')), ?1) > 0", "1");
	sqlite3_stmt *st = st_store_stmt(s, sql, err);

	memset(out, 0, sizeof(*out));
	if (!st)
		return ST_ERROR;
	st_store_bind_text(st, 1, v->patch ? v->text : v->series);
	st_store_bind_text(st, 2, list);
	return collect(out, s, st, v, only_open, err);
}

char *rel_postings_list(const struct st_config *c, const struct rel_version *v)
{
	struct st_buf key = ST_BUF_INIT;
	char *list;

	st_buf_addf(&key, "release.%s.list", v->series);
	list = st_config_get_string(c, key.buf, NULL);
	st_buf_release(&key);
	return list;
}

/* True when tag (n bytes) is name or for-name, any case. */
static bool tag_is(const char *tag, size_t n, const char *name)
{
	size_t len = strlen(name);

	if (n == len + 4 && !st_strncasecmp(tag, "for-", 4)) {
		tag += 4;
		n -= 4;
	}
	return n == len && !st_strncasecmp(tag, name, len);
}

bool rel_postings_names_release(const char *prefixes,
				const struct rel_version *v)
{
	const char *p = prefixes;

	while (p && *p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n && (tag_is(p, n, v->text) ||
			  (!v->patch && tag_is(p, n, v->series))))
			return true;
		p += n;
	}
	return false;
}

json_t *rel_posting_json(const struct rel_posting *p)
{
	json_t *o = json_object();
	char iso[32];

	st_time_iso(iso, sizeof(iso), p->first_posted);
	iso[10] = '\0';
	st_json_set_int(o, "series", p->id);
	st_json_set_str(o, "subject", p->subject);
	st_json_set_str(o, "author", p->author);
	st_json_set_str(o, "list", p->list);
	st_json_set_str(o, "date", iso);
	st_json_set_int(o, "version", p->version);
	st_json_set_str(o, "state", p->state);
	st_json_set_int(o, "patches", p->patches);
	st_json_set_int(o, "landed", p->landed);
	json_object_set_new(o, "open", json_boolean(p->is_open));
	return o;
}

void rel_postings_release(struct rel_postings *l)
{
	for (size_t i = 0; i < l->n; i++)
		posting_free(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
