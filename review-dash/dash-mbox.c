/*
 * dash-mbox.c: mbox downloads of a patch or a series, ready for `git am`:
 * the original From/Date/Subject/Message-ID headers, the decoded body as
 * 8-bit UTF-8, and the trailers collected from replies (and, for a
 * series, from replies to its cover letter) added above the '---' line.
 */
#include "common/util.h"
#include "common/xalloc.h"
#include "dash-priv.h"
#include "review-dash/rawmail.h"

#include <stdlib.h>
#include <string.h>

/* The header block of the stored raw message, decompressed. */
static int raw_headers(struct st_buf *out, const void *z, size_t zlen,
		       int64_t raw_size, struct st_error *err)
{
	char *raw;
	const char *end;
	size_t n;
	int rc;

	rc = rd_rawmail_decompress(z, zlen, raw_size, &raw, err);
	if (rc < 0)
		return rc;
	n = (size_t)raw_size;
	end = strstr(raw, "\n\n");
	if (!end) {
		const char *crlf = strstr(raw, "\r\n\r\n");

		end = crlf ? crlf + 2 : raw + n;
	} else {
		end++;
	}
	st_buf_add(out, raw, (size_t)(end - raw));
	free(raw);
	return 0;
}

/* Keep only the headers git am needs (with their continuation lines);
 * CR removed. */
static void filter_headers(struct st_buf *out, const char *h)
{
	static const char *const keep[] = {
		"from:", "date:",	 "subject:",	"message-id:", "to:",
		"cc:",	 "in-reply-to:", "references:", NULL};
	bool keeping = false;

	while (*h) {
		size_t n = strcspn(h, "\n");

		if (h[0] == ' ' || h[0] == '\t') {
			/* continuation of the previous header */
		} else {
			keeping = false;
			for (int i = 0; keep[i]; i++)
				if (!st_strncasecmp(h, keep[i],
						    strlen(keep[i])))
					keeping = true;
		}
		if (keeping && n) {
			size_t m = n;

			if (h[m - 1] == '\r')
				m--;
			st_buf_add(out, h, m);
			st_buf_addch(out, '\n');
		}
		h += n;
		if (*h)
			h++;
	}
}

/* Append one header line made of the parts, each stored field being one
 * line: CR and LF become spaces, so no value can start a header. */
static void add_header(struct st_buf *out, const char *a, const char *b,
		       const char *c, const char *d, const char *e)
{
	const char *parts[] = {a, b, c, d, e};
	size_t start = out->len;

	for (int i = 0; i < 5; i++)
		st_buf_addstr(out, parts[i]);
	for (size_t i = start; i < out->len; i++)
		if (out->buf[i] == '\r' || out->buf[i] == '\n')
			out->buf[i] = ' ';
	st_buf_addch(out, '\n');
}

static int collect_trailers(struct st_store *s, int64_t patch_id,
			    int64_t patch_msg, int64_t series_id,
			    struct st_buf *out, struct st_error *err)
{
	/* Trailers from replies to the patch, then from replies to the
	 * cover letter (they cover every patch), in the order given. */
	static const char sql[] =
		"SELECT kind, value FROM trailers WHERE patch_id = ?1"
		" AND message_id != ?2"
		" UNION ALL "
		"SELECT kind, value FROM trailers WHERE patch_id IS NULL"
		" AND series_id = ?3 AND ?3 IS NOT NULL";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, patch_id);
	sqlite3_bind_int64(st, 2, patch_msg);
	if (series_id)
		sqlite3_bind_int64(st, 3, series_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *v = (const char *)sqlite3_column_text(st, 1);
		struct st_buf line = ST_BUF_INIT;

		st_buf_addf(&line, "%s: %s\n", k ? k : "", v ? v : "");
		/* Drop newlines inside values: one trailer, one line. */
		for (size_t i = 0; i + 1 < line.len; i++)
			if (line.buf[i] == '\n' || line.buf[i] == '\r')
				line.buf[i] = ' ';
		if (!strstr(out->buf, line.buf))
			st_buf_add(out, line.buf, line.len);
		st_buf_release(&line);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : st_store_check(s, rc, err);
}

/* Is the line (n bytes) in [body, cut) as a whole line, ignoring case
 * ("Reviewed-By:" in the patch is the same trailer)? */
static bool has_line(const char *body, const char *cut, const char *line,
		     size_t n)
{
	for (const char *p = body; p < cut;) {
		size_t m = strcspn(p, "\n");

		while (m && p[m - 1] == '\r')
			m--;
		if (m == n && !st_strncasecmp(p, line, n))
			return true;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return false;
}

/* Append body with trailers inserted before the first "---" line (or the
 * first "diff --git" line), skipping those already present. */
static void body_with_trailers(struct st_buf *out, const char *body,
			       const char *trailers)
{
	const char *p = body, *cut = NULL;
	struct st_buf add = ST_BUF_INIT;

	while (*p) {
		if ((!strncmp(p, "---", 3) &&
		     (p[3] == '\n' || p[3] == '\r' || p[3] == '\0')) ||
		    !strncmp(p, "diff --git ", 11)) {
			cut = p;
			break;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	if (!cut)
		cut = body + strlen(body);
	for (const char *t = trailers; *t;) {
		size_t n = strcspn(t, "\n");

		if (!has_line(body, cut, t, n)) {
			st_buf_add(&add, t, n);
			st_buf_addch(&add, '\n');
		}
		t += n;
		if (*t)
			t++;
	}
	st_buf_add(out, body, (size_t)(cut - body));
	if (add.len && out->len && out->buf[out->len - 1] != '\n')
		st_buf_addch(out, '\n');
	st_buf_add(out, add.buf, add.len);
	st_buf_addstr(out, cut);
	st_buf_release(&add);
}

/* mboxo: a body line starting with "From " gets a '>'. */
static void add_escaped(struct st_buf *out, const char *s)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && !strncmp(s, "From ", 5))
			st_buf_addch(out, '>');
		if (*s != '\r')
			st_buf_addch(out, *s);
		bol = *s == '\n';
	}
	if (out->len && out->buf[out->len - 1] != '\n')
		st_buf_addch(out, '\n');
}

int rd_mbox_patch(struct st_store *s, int64_t patch_id, struct st_buf *out,
		  struct st_error *err)
{
	static const char sql[] =
		"SELECT m.id, m.raw, m.raw_size, m.body, p.series_id,"
		" m.subject, m.msgid, m.date, pe.name, pe.email,"
		" p.commit_msg, p.diff"
		" FROM patches p JOIN messages m ON m.id = p.message_id"
		" LEFT JOIN people pe ON pe.id = m.author_id WHERE p.id = ?";
	sqlite3_stmt *st = st_store_stmt(s, sql, err);
	struct st_buf hdr = ST_BUF_INIT, tr = ST_BUF_INIT, body = ST_BUF_INIT;
	char *text = NULL;
	int64_t msg_id, series_id;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, patch_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = rc == SQLITE_DONE
			     ? st_error_set(err, ST_ENOTFOUND, "no patch %lld",
					    (long long)patch_id)
			     : st_store_check(s, rc, err);
		sqlite3_reset(st);
		return rc;
	}
	msg_id = sqlite3_column_int64(st, 0);
	series_id = sqlite3_column_int64(st, 4);
	text = st_store_column_dup(st, 3);
	if (!text) {
		/* Ingest keeps a patch's text split (commit message, diff)
		 * rather than as a body: put it back together. */
		struct st_buf t = ST_BUF_INIT;
		const char *msg = (const char *)sqlite3_column_text(st, 10);
		const char *diff = (const char *)sqlite3_column_text(st, 11);

		st_buf_addstr(&t, msg ? msg : "");
		st_buf_rtrim(&t);
		st_buf_addstr(&t, "\n---\n");
		st_buf_addstr(&t, diff ? diff : "");
		text = st_buf_detach(&t, NULL);
	}
	if (raw_headers(&hdr, sqlite3_column_blob(st, 1),
			(size_t)sqlite3_column_bytes(st, 1),
			sqlite3_column_int64(st, 2), NULL) < 0) {
		/* No usable raw copy: make the headers from the fields. */
		char date[32];
		const char *n = (const char *)sqlite3_column_text(st, 8);
		const char *e = (const char *)sqlite3_column_text(st, 9);

		st_time_iso(date, sizeof(date),
			    (time_t)sqlite3_column_int64(st, 7));
		st_buf_reset(&hdr);
		add_header(&hdr, "From: ", n ? n : "", " <", e ? e : "", ">");
		add_header(&hdr, "Date: ", date, "", "", "");
		add_header(&hdr, "Subject: ", rd_col(st, 5), "", "", "");
		add_header(&hdr, "Message-ID: <", rd_col(st, 6), ">", "", "");
	}
	sqlite3_reset(st);
	rc = collect_trailers(s, patch_id, msg_id, series_id, &tr, err);
	if (rc < 0)
		goto out;
	st_buf_addf(out, "From patchwork-%lld Mon Sep 17 00:00:00 2001\n",
		    (long long)patch_id);
	filter_headers(out, hdr.buf);
	st_buf_addstr(out, "MIME-Version: 1.0\n"
			   "Content-Type: text/plain; charset=\"utf-8\"\n"
			   "Content-Transfer-Encoding: 8bit\n\n");
	body_with_trailers(&body, text ? text : "", tr.buf);
	add_escaped(out, body.buf);
	st_buf_addch(out, '\n');
out:
	free(text);
	st_buf_release(&hdr);
	st_buf_release(&tr);
	st_buf_release(&body);
	return rc;
}

int rd_mbox_series(struct st_store *s, int64_t series_id, struct st_buf *out,
		   struct st_error *err)
{
	static const char sql_series[] = "SELECT 1 FROM series WHERE id = ?";
	static const char sql[] = "SELECT id FROM patches WHERE series_id = ?"
				  " ORDER BY number, id";
	sqlite3_stmt *st = st_store_stmt(s, sql_series, err);
	int64_t *ids = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? st_error_set(err, ST_ENOTFOUND,
							"no series %lld",
							(long long)series_id)
					 : st_store_check(s, rc, err);
	st = st_store_stmt(s, sql, err);
	if (!st)
		return ST_ERROR;
	sqlite3_bind_int64(st, 1, series_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			ids = st_xreallocarray(ids, alloc, sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	rc = rc == SQLITE_DONE ? 0 : st_store_check(s, rc, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = rd_mbox_patch(s, ids[i], out, err);
	free(ids);
	return rc;
}

void rd_mbox_filename(struct st_buf *out, int64_t id, const char *name)
{
	size_t start;
	bool dash = false;

	st_buf_addf(out, "%lld-", (long long)id);
	start = out->len;
	for (const char *p = name; *p && out->len - start < 60; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') ||
			  (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');

		if (ok) {
			st_buf_addch(out, *p);
			dash = false;
		} else if (!dash) {
			st_buf_addch(out, '-');
			dash = true;
		}
	}
	st_buf_addstr(out, ".patch");
}
