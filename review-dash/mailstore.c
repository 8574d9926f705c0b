/*
 * mailstore.c: one parsed message into the store: people, the message
 * row, threading, the patch or comment row and trailers. Series live in
 * series.c. Every statement is a static const string with ? parameters,
 * prepared once through the store's cache.
 */
#include "review-dash/mailstore.h"

#include "common/log.h"
#include "common/util.h"
#include "review-dash/series.h"

#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How far up a thread we look for what a reply comments on, and how many
 * References we keep: real threads are far shallower, hostile ones not. */
#define MAX_THREAD_WALK 64
#define MAX_REFS 64

static const char sql_list_get[] = "SELECT id FROM lists WHERE name = ?";
static const char sql_list_add[] =
	"INSERT INTO lists(name, address) VALUES (?, ?) RETURNING id";
static const char sql_person_upsert[] =
	"INSERT INTO people(email, name) VALUES (?1, ?2) "
	"ON CONFLICT(email) DO UPDATE SET name = excluded.name "
	"WHERE excluded.name <> '' AND excluded.name IS NOT people.name "
	"RETURNING id";
static const char sql_person_get[] = "SELECT id FROM people WHERE email = ?";
static const char sql_person_add[] =
	"INSERT INTO people(email, name) VALUES (?1, ?2) "
	"ON CONFLICT(email) DO NOTHING RETURNING id";
/* The row is written whole, parent and thread included: updating a row
 * afterwards rewrites its raw message and body. Its id is the one SQLite
 * would choose, taken beforehand so a thread root can name itself. */
static const char sql_msg_next_id[] =
	"SELECT ifnull(max(id), 0) + 1 FROM messages";
static const char sql_msg_add[] =
	"INSERT INTO messages(id, msgid, list_id, author_id, date, subject, "
	"in_reply_to, kind, body, raw, raw_size, synthetic_id, parent_id, "
	"thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT(msgid) DO NOTHING";
static const char sql_msg_find[] =
	"SELECT id, thread_id FROM messages WHERE msgid = ?";
static const char sql_msg_set_parent[] =
	"UPDATE messages SET parent_id = ?, thread_id = ? WHERE id = ?";
static const char sql_ref_add[] =
	"INSERT OR IGNORE INTO message_refs(message_id, position, ref) "
	"VALUES (?, ?, ?)";
/* Messages that were waiting for this one: they name it as their direct
 * parent (In-Reply-To) and have no parent yet. */
static const char sql_orphans[] =
	"SELECT id FROM messages WHERE in_reply_to = ? AND parent_id IS NULL "
	"AND id <> ?";
static const char sql_parent_of[] =
	"SELECT parent_id FROM messages WHERE id = ?";
static const char sql_rethread[] =
	"WITH RECURSIVE sub(id) AS (SELECT ?1 UNION "
	"SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id) "
	"UPDATE messages SET thread_id = ?2 WHERE id IN sub";
static const char sql_patch_add[] =
	"INSERT INTO patches(message_id, number, submitter_id, name, "
	"norm_name, date, commit_msg, diff, git_patch_id, pull_url, "
	"pull_branch, state, series_id) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char sql_trailer_add[] =
	"INSERT OR IGNORE INTO trailers(patch_id, series_id, message_id, kind, "
	"person_id, value, area) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char sql_comment_add[] =
	"INSERT OR REPLACE INTO comments(message_id, patch_id, series_id) "
	"VALUES (?, ?, ?)";
static const char sql_comment_of[] =
	"SELECT patch_id, series_id FROM comments WHERE message_id = ?";
static const char sql_patch_of_msg[] =
	"SELECT id, series_id FROM patches WHERE message_id = ?";
static const char sql_cover_of_msg[] =
	"SELECT id FROM series WHERE cover_id = ?";
/* Comments below a message that did not know what they answered. */
static const char sql_pending_comments[] =
	"WITH RECURSIVE sub(id) AS (SELECT ?1 UNION "
	"SELECT m.id FROM messages m JOIN sub ON m.parent_id = sub.id "
	"LIMIT 10000) "
	"SELECT c.message_id, m.body, m.author_id FROM comments c "
	"JOIN messages m ON m.id = c.message_id "
	"WHERE c.message_id IN sub AND c.patch_id IS NULL "
	"AND c.series_id IS NULL";
static const char sql_reject[] =
	"INSERT INTO rejected(source, position, msgid, reason, date, sample) "
	"VALUES (?, ?, ?, ?, ?, ?)";

/* Past this many cached people the cache starts again: bounded memory. */
#define PEOPLE_CACHE_MAX 65536

struct person {
	char *email; /* NULL: empty slot */
	char *name;
	int64_t id;
};

struct rd_mailstore {
	struct st_store *s;
	struct person *people; /* open addressing, power-of-two size */
	size_t npeople, alloc;
};

struct rd_mailstore *rd_mailstore_new(struct st_store *s)
{
	struct rd_mailstore *ms = st_xcalloc(1, sizeof(*ms));

	ms->s = s;
	return ms;
}

void rd_mailstore_forget(struct rd_mailstore *ms)
{
	for (size_t i = 0; i < ms->alloc; i++) {
		free(ms->people[i].email);
		free(ms->people[i].name);
	}
	free(ms->people);
	ms->people = NULL;
	ms->npeople = ms->alloc = 0;
}

void rd_mailstore_free(struct rd_mailstore *ms)
{
	if (!ms)
		return;
	rd_mailstore_forget(ms);
	free(ms);
}

static uint64_t hash_email(const char *e)
{
	uint64_t h = 1469598103934665603ULL;

	/* Addresses are stored case-insensitively (COLLATE NOCASE). */
	for (; *e; e++) {
		unsigned char c = (unsigned char)*e;

		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32 : c)) *
		    1099511628211ULL;
	}
	return h;
}

static struct person *person_slot(struct rd_mailstore *ms, const char *email)
{
	size_t i;

	if (!ms->alloc || (ms->npeople + 1) * 2 > ms->alloc) {
		if (ms->npeople >= PEOPLE_CACHE_MAX)
			rd_mailstore_forget(ms);
		{
			struct person *old = ms->people;
			size_t n = ms->alloc;

			ms->alloc = n ? n * 2 : 256;
			ms->people = st_xcalloc(ms->alloc, sizeof(*ms->people));
			for (size_t k = 0; k < n; k++) {
				if (!old[k].email)
					continue;
				i = hash_email(old[k].email) & (ms->alloc - 1);
				while (ms->people[i].email)
					i = (i + 1) & (ms->alloc - 1);
				ms->people[i] = old[k];
			}
			free(old);
		}
	}
	i = hash_email(email) & (ms->alloc - 1);
	while (ms->people[i].email && strcasecmp(ms->people[i].email, email))
		i = (i + 1) & (ms->alloc - 1);
	return &ms->people[i];
}

/* Bind text that outlives the statement's step (the message being
 * written), NULL as NULL: SQLite then does not copy it. */
static void bind_text_static(sqlite3_stmt *st, int i, const char *text)
{
	if (text)
		sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int64_t step_id(struct st_store *s, sqlite3_stmt *st, int *rc,
		       struct st_error *err)
{
	int r = sqlite3_step(st);
	int64_t id = 0;

	if (r == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else
		*rc = st_store_check(s, r, err);
	sqlite3_reset(st);
	return id;
}

int rd_mailstore_list_id(struct st_store *s, const char *name,
			 const char *address, int64_t *out,
			 struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_list_get, err);
	int rc = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	*out = step_id(s, st, &rc, err);
	if (*out || rc < 0)
		return rc;
	st = st_store_stmt(s, sql_list_add, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	st_store_bind_text(st, 2, address);
	*out = step_id(s, st, &rc, err);
	return rc;
}

/*
 * The id of the person with address email. rename: name is from a From
 * header and replaces the stored one. Otherwise it is a trailer's free
 * text (quoted, pasted, sometimes still MIME-encoded): it names a new
 * person but never renames one, and is cached as no name so that the
 * next From header still sets it.
 */
static int person_id(struct rd_mailstore *ms, const char *email,
		     const char *name, bool rename, int64_t *out,
		     struct st_error *err)
{
	struct st_store *s = ms->s;
	struct person *p;
	sqlite3_stmt *st;
	int rc = 0;

	*out = 0;
	if (!email || !*email)
		return 0;
	if (!name)
		name = "";
	p = person_slot(ms, email);
	/* Known, and no new name to record: nothing to write. */
	if (p->email && (!rename || !*name || !strcmp(p->name, name))) {
		*out = p->id;
		return 0;
	}
	st = st_store_stmt(s, rename ? sql_person_upsert : sql_person_add, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	*out = step_id(s, st, &rc, err);
	if (rc < 0)
		return rc;
	if (!*out) {
		/* The row was there and the upsert left it: no RETURNING
		 * row. */
		st = st_store_stmt(s, sql_person_get, err);
		if (!st)
			return ST_ERROR;
		sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
		*out = step_id(s, st, &rc, err);
		if (rc < 0)
			return rc;
	}
	if (!p->email) {
		p->email = st_xstrdup(email);
		ms->npeople++;
	}
	free(p->name);
	p->name = st_xstrdup(rename ? name : "");
	p->id = *out;
	return 0;
}

int rd_mailstore_person_id(struct rd_mailstore *ms, const char *email,
			   const char *name, int64_t *out, struct st_error *err)
{
	return person_id(ms, email, name, true, out, err);
}

/* id and thread of the message with Message-ID msgid, or 0. */
static int64_t find_message(struct st_store *s, const char *msgid,
			    int64_t *thread, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_msg_find, err);
	int64_t id = 0;

	if (!st)
		return 0;
	sqlite3_bind_text(st, 1, msgid, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		*thread = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return id;
}

/* True when anc is id itself or one of its ancestors. */
static bool is_ancestor(struct st_store *s, int64_t anc, int64_t id,
			struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_parent_of, err);

	for (int i = 0; st && id && i < MAX_THREAD_WALK * 4; i++) {
		if (id == anc)
			return true;
		sqlite3_bind_int64(st, 1, id);
		id = sqlite3_step(st) == SQLITE_ROW
			     ? sqlite3_column_int64(st, 0)
			     : 0;
		sqlite3_reset(st);
	}
	return false;
}

static int set_parent(struct st_store *s, int64_t id, int64_t parent,
		      int64_t thread, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_msg_set_parent, err);

	if (!st)
		return ST_ERROR;
	if (parent)
		sqlite3_bind_int64(st, 1, parent);
	sqlite3_bind_int64(st, 2, thread);
	sqlite3_bind_int64(st, 3, id);
	return st_store_step_done(s, st, err);
}

static int rethread(struct st_store *s, int64_t root, int64_t thread,
		    struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_rethread, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, root);
	sqlite3_bind_int64(st, 2, thread);
	return st_store_step_done(s, st, err);
}

/*
 * The parent of message m, not stored yet: the nearest message it names
 * that we have (In-Reply-To first, then References newest first), and
 * that parent's thread. A message naming itself first has no parent.
 */
static int64_t find_parent(struct st_store *s, const struct rd_message *m,
			   int64_t *thread, struct st_error *err)
{
	int64_t parent = 0;

	*thread = 0;
	if (m->in_reply_to) {
		if (!strcmp(m->in_reply_to, m->message_id))
			return 0;
		parent = find_message(s, m->in_reply_to, thread, err);
	}
	for (size_t i = m->nreferences; !parent && i-- > 0;) {
		if (m->nreferences - i > MAX_REFS)
			continue;
		if (!strcmp(m->references[i], m->message_id))
			return 0;
		parent = find_message(s, m->references[i], thread, err);
	}
	return parent;
}

/*
 * Message id, stored with its parent, is the root of its thread or
 * belongs to thread: adopt the messages that were waiting for it.
 * Parents never form a loop.
 */
static int adopt_orphans(struct st_store *s, int64_t id, int64_t thread,
			 const struct rd_message *m, size_t *adopted,
			 struct st_error *err)
{
	int64_t ids[256];
	size_t nids = 0;
	sqlite3_stmt *st;
	int rc = 0;

	st = st_store_stmt(s, sql_orphans, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	while (nids < sizeof(ids) / sizeof(ids[0]) &&
	       sqlite3_step(st) == SQLITE_ROW)
		ids[nids++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*adopted = nids;
	for (size_t i = 0; i < nids && rc == 0; i++) {
		/* A message naming its own descendant as parent: a loop. */
		if (is_ancestor(s, ids[i], id, err))
			continue;
		rc = set_parent(s, ids[i], id, thread, err);
		if (rc == 0)
			rc = rethread(s, ids[i], thread, err);
	}
	return rc;
}

static int add_refs(struct st_store *s, int64_t id, const struct rd_message *m,
		    struct st_error *err)
{
	size_t first = m->nreferences > MAX_REFS ? m->nreferences - MAX_REFS
						 : 0;
	int rc = 0;

	for (size_t i = first; i < m->nreferences && rc == 0; i++) {
		sqlite3_stmt *st = st_store_stmt(s, sql_ref_add, err);

		if (!st)
			return ST_ERROR;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (int64_t)(i - first));
		sqlite3_bind_text(st, 3, m->references[i], -1, SQLITE_STATIC);
		rc = st_store_step_done(s, st, err);
	}
	return rc;
}

static bool is_review_kind(const char *kind)
{
	/* A Signed-off-by in a reply certifies nothing about the patch. */
	return strcmp(kind, "Signed-off-by") != 0;
}

/* Store the trailers of text, given by message msg_row, for patch_row or
 * (patch_row 0) for series_row. replies: keep only review kinds. */
static int add_trailers(struct rd_mailstore *ms, const struct rd_trailers *t,
			int64_t msg_row, int64_t patch_row, int64_t series_row,
			bool replies, struct st_error *err)
{
	struct st_store *s = ms->s;
	int rc = 0;

	for (size_t i = 0; i < t->n && rc == 0; i++) {
		const struct rd_trailer *tr = &t->items[i];
		sqlite3_stmt *st;
		int64_t person = 0;

		if (replies && !is_review_kind(tr->kind))
			continue;
		if (tr->email) {
			rc = person_id(ms, tr->email, tr->name, false, &person,
				       err);
			if (rc < 0)
				return rc;
		}
		st = st_store_stmt(s, sql_trailer_add, err);
		if (!st)
			return ST_ERROR;
		if (patch_row)
			sqlite3_bind_int64(st, 1, patch_row);
		else
			sqlite3_bind_int64(st, 2, series_row);
		sqlite3_bind_int64(st, 3, msg_row);
		sqlite3_bind_text(st, 4, tr->kind, -1, SQLITE_STATIC);
		if (person)
			sqlite3_bind_int64(st, 5, person);
		sqlite3_bind_text(st, 6, tr->value ? tr->value : "", -1,
				  SQLITE_STATIC);
		bind_text_static(st, 7, tr->area);
		rc = st_store_step_done(s, st, err);
	}
	return rc;
}

/*
 * What message msg_row is about: the patch it is, or the series whose
 * cover letter it is, or what its parent comments on. Walks up the
 * thread at most steps messages.
 */
static void find_target(struct st_store *s, int64_t msg_row, int steps,
			int64_t *patch_row, int64_t *series_row,
			struct st_error *err)
{
	*patch_row = *series_row = 0;
	for (int i = 0; msg_row && i < steps; i++) {
		sqlite3_stmt *st = st_store_stmt(s, sql_patch_of_msg, err);

		if (!st)
			return;
		sqlite3_bind_int64(st, 1, msg_row);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*patch_row = sqlite3_column_int64(st, 0);
			*series_row = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (*patch_row)
			return;
		st = st_store_stmt(s, sql_cover_of_msg, err);
		if (!st)
			return;
		sqlite3_bind_int64(st, 1, msg_row);
		if (sqlite3_step(st) == SQLITE_ROW)
			*series_row = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (*series_row)
			return;
		st = st_store_stmt(s, sql_comment_of, err);
		if (!st)
			return;
		sqlite3_bind_int64(st, 1, msg_row);
		if (sqlite3_step(st) == SQLITE_ROW) {
			*patch_row = sqlite3_column_int64(st, 0);
			*series_row = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (*patch_row || *series_row)
			return;
		st = st_store_stmt(s, sql_parent_of, err);
		if (!st)
			return;
		sqlite3_bind_int64(st, 1, msg_row);
		msg_row = sqlite3_step(st) == SQLITE_ROW
				  ? sqlite3_column_int64(st, 0)
				  : 0;
		sqlite3_reset(st);
	}
}

/* Store message msg_row as a comment on what message from (msg_row
 * itself, or its parent when msg_row is new and so has no comment row
 * yet) is about, with its review trailers t. */
static int add_comment(struct rd_mailstore *ms, int64_t msg_row,
		       int64_t from, const struct rd_trailers *t,
		       struct st_error *err)
{
	struct st_store *s = ms->s;
	int64_t patch_row, series_row;
	sqlite3_stmt *st;
	int rc;

	find_target(s, from,
		    from == msg_row ? MAX_THREAD_WALK : MAX_THREAD_WALK - 1,
		    &patch_row, &series_row, err);
	st = st_store_stmt(s, sql_comment_add, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, msg_row);
	if (patch_row)
		sqlite3_bind_int64(st, 2, patch_row);
	if (series_row)
		sqlite3_bind_int64(st, 3, series_row);
	rc = st_store_step_done(s, st, err);
	if (rc == 0 && (patch_row || series_row))
		rc = add_trailers(ms, t, msg_row, patch_row,
				  patch_row ? 0 : series_row, true, err);
	return rc;
}

/* Replies that arrived before msg_row (a patch or cover) now know what
 * they answer: attach them and their trailers. */
static int resolve_pending(struct rd_mailstore *ms, int64_t msg_row,
			   struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(ms->s, sql_pending_comments, err);
	struct pending {
		int64_t id;
		char *body;
	} *p = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, msg_row);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 8;
			p = realloc(p, alloc * sizeof(*p));
			if (!p)
				abort();
		}
		p[n].id = sqlite3_column_int64(st, 0);
		p[n].body = st_store_column_dup(st, 1);
		n++;
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		struct rd_trailers t = {0};

		if (rc == 0) {
			if (p[i].body)
				rd_trailers_parse(&t, p[i].body,
						  strlen(p[i].body));
			rc = add_comment(ms, p[i].id, p[i].id, &t, err);
			rd_trailers_release(&t);
		}
		free(p[i].body);
	}
	free(p);
	return rc;
}

static int add_patch(struct st_store *s, int64_t msg_row, int64_t author,
		     const struct rd_message *m, int64_t series_row,
		     int64_t *patch_row, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_patch_add, err);
	int rc = 0;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, msg_row);
	sqlite3_bind_int(st, 2, m->subj.number > 0 ? m->subj.number : 1);
	if (author)
		sqlite3_bind_int64(st, 3, author);
	sqlite3_bind_text(st, 4, m->subj.name ? m->subj.name : "", -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 5, m->subj.norm_name ? m->subj.norm_name : "",
			  -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, m->date);
	bind_text_static(st, 7, m->commit_msg);
	bind_text_static(st, 8, m->diff);
	bind_text_static(st, 9, m->patch_id[0] ? m->patch_id : NULL);
	st_store_bind_text(st, 10, m->pull_url);
	st_store_bind_text(st, 11, m->pull_branch);
	sqlite3_bind_text(st, 12, m->subj.is_rfc ? "rfc" : "new", -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, series_row);
	rc = st_store_step_done(s, st, err);
	*patch_row = rc < 0 ? 0 : sqlite3_last_insert_rowid(st_store_db(s));
	return rc;
}

int rd_mailstore_add(struct rd_mailstore *ms, int64_t list_id,
		     const struct rd_message *m, const void *zraw, size_t zlen,
		     size_t raw_len, struct st_error *err)
{
	struct st_store *s = ms->s;
	int64_t author = 0, msg_row, patch_row = 0, parent, thread;
	int64_t series_row = 0;
	size_t adopted = 0;
	bool is_patch = m->kind == RD_KIND_PATCH || m->kind == RD_KIND_PULL;
	bool created = false;
	sqlite3_stmt *st;
	int rc;

	rc = rd_mailstore_person_id(ms, m->from_email, m->from_name, &author,
				    err);
	if (rc < 0)
		return rc;
	parent = find_parent(s, m, &thread, err);
	st = st_store_stmt(s, sql_msg_next_id, err);
	if (!st)
		return ST_ERROR;
	msg_row = step_id(s, st, &rc, err);
	if (rc < 0)
		return rc;
	if (!parent)
		thread = msg_row;
	st = st_store_stmt(s, sql_msg_add, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, msg_row);
	sqlite3_bind_text(st, 2, m->message_id, -1, SQLITE_STATIC);
	if (list_id)
		sqlite3_bind_int64(st, 3, list_id);
	if (author)
		sqlite3_bind_int64(st, 4, author);
	sqlite3_bind_int64(st, 5, m->date);
	sqlite3_bind_text(st, 6, m->subject ? m->subject : "", -1,
			  SQLITE_STATIC);
	bind_text_static(st, 7, m->in_reply_to);
	sqlite3_bind_text(st, 8, rd_kind_name(m->kind), -1, SQLITE_STATIC);
	/* A patch's text lives in patches (commit_msg, diff); the raw
	 * message keeps everything else. */
	bind_text_static(st, 9, is_patch ? NULL : m->body);
	sqlite3_bind_blob(st, 10, zraw, (int)zlen, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, (int64_t)raw_len);
	sqlite3_bind_int(st, 12, m->synthetic_id);
	if (parent)
		sqlite3_bind_int64(st, 13, parent);
	sqlite3_bind_int64(st, 14, thread);
	rc = st_store_step_done(s, st, err);
	if (rc < 0)
		return rc;
	if (sqlite3_changes(st_store_db(s)) == 0)
		return RD_STORED_DUPLICATE;
	rc = add_refs(s, msg_row, m, err);
	if (rc == 0)
		rc = adopt_orphans(s, msg_row, thread, m, &adopted, err);
	if (rc < 0)
		return rc;
	if (is_patch) {
		rc = rd_series_for_patch(s, list_id, author, m, &series_row,
					 &created, err);
		if (rc == 0)
			rc = add_patch(s, msg_row, author, m, series_row,
				       &patch_row, err);
		if (rc == 0)
			rc = add_trailers(ms, &m->trailers, msg_row, patch_row,
					  0, false, err);
		if (rc == 0)
			rc = rd_series_add_patch(s, series_row, created, m,
						 err);
	} else if (m->kind == RD_KIND_COVER) {
		rc = rd_series_place_cover(s, list_id, author, m, msg_row,
					   err);
	} else {
		/* A new comment is neither patch nor cover nor comment yet:
		 * what it is about is what its parent is about. */
		rc = add_comment(ms, msg_row, parent, &m->trailers, err);
	}
	/* Only replies that were waiting for this patch or cover letter
	 * can be pending on it. */
	if (rc == 0 && adopted && (is_patch || m->kind == RD_KIND_COVER))
		rc = resolve_pending(ms, msg_row, err);
	return rc < 0 ? rc : RD_STORED_NEW;
}

int rd_mailstore_reject(struct st_store *s, const char *source,
			const char *pos, const char *msgid, const char *reason,
			const char *raw, size_t len, struct st_error *err)
{
	sqlite3_stmt *st = st_store_stmt(s, sql_reject, err);

	if (!st)
		return ST_ERROR;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	st_store_bind_text(st, 2, pos);
	st_store_bind_text(st, 3, msgid);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, (int64_t)st_time_now());
	sqlite3_bind_blob(st, 6, raw, (int)(len > 4096 ? 4096 : len),
			  SQLITE_STATIC);
	return st_store_step_done(s, st, err);
}

static const char sql_delete[] =
	"DELETE FROM trailers WHERE message_id = ?1 OR patch_id IN "
	"(SELECT id FROM patches WHERE message_id = ?1);"
	"DELETE FROM comments WHERE message_id = ?1;"
	"UPDATE comments SET patch_id = NULL WHERE patch_id IN "
	"(SELECT id FROM patches WHERE message_id = ?1);"
	"UPDATE series SET cover_id = NULL WHERE cover_id = ?1;"
	"DELETE FROM patches WHERE message_id = ?1;"
	"UPDATE messages SET parent_id = NULL WHERE parent_id = ?1;"
	"DELETE FROM messages WHERE id = ?1;";

int rd_mailstore_delete(struct st_store *s, const char *msgid,
			struct st_error *err)
{
	int64_t thread = 0, id = find_message(s, msgid, &thread, err);
	const char *sql = sql_delete;
	int rc = 0;

	if (!id)
		return st_error_set(err, ST_ENOTFOUND,
				    "no message '%.200s' to delete", msgid);
	/* Several statements: step each in turn with the same id. */
	while (rc == 0 && sql && *sql) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;

		if (sqlite3_prepare_v2(st_store_db(s), sql, -1, &st, &tail) !=
		    SQLITE_OK)
			return st_store_check(s, SQLITE_ERROR, err);
		if (!st)
			break;
		sqlite3_bind_int64(st, 1, id);
		rc = st_store_check(s, sqlite3_step(st), err);
		sqlite3_finalize(st);
		sql = tail;
	}
	return rc;
}
