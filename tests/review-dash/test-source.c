/*
 * test-source.c: mail sources on real inputs built in a temporary
 * directory: mbox (mboxo, mboxrd, CRLF, gzip, xz), single files, empty
 * files, Maildir, standard input through a pipe, resume tokens (resume,
 * append, replace), public-inbox v2 made with libgit2 (local and mirrored
 * over file://), and an mbox served over HTTP on 127.0.0.1.
 */
#include "common/buf.h"
#include "common/error.h"
#include "common/log.h"
#include "review-dash/source.h"

#include "../http-server.h"

#include <dirent.h>
#include <fcntl.h>
#include <git2.h>
#include <lzma.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#define MAXMSG 256

/* Everything a source gave, copied. */
struct got {
	int n;
	int event[MAXMSG];
	char *msg[MAXMSG];
	size_t len[MAXMSG];
	char *pos[MAXMSG];
	char *state_after[MAXMSG];
	char *state; /* at the end */
	char kind[32];
};

static void got_release(struct got *g)
{
	for (int i = 0; i < g->n; i++) {
		free(g->msg[i]);
		free(g->pos[i]);
		free(g->state_after[i]);
	}
	free(g->state);
	memset(g, 0, sizeof(*g));
}

/* Read up to limit messages (-1: all) from uri. Returns the last rc. */
static int collect(struct got *g, const char *uri, const char *state,
		   const char *mirror, size_t max_message, int limit)
{
	struct rd_source_opts o = {state, mirror, max_message, 5};
	struct st_error err = ST_ERROR_INIT;
	struct rd_source *s = NULL;
	const char *raw, *pos;
	size_t len;
	int rc;

	memset(g, 0, sizeof(*g));
	rc = rd_source_open(&s, uri, &o, &err);
	if (rc < 0) {
		print_message("open '%s': %s\n", uri, err.msg);
		return rc;
	}
	snprintf(g->kind, sizeof(g->kind), "%s", rd_source_kind(s));
	while (g->n != limit &&
	       (rc = rd_source_next(s, &raw, &len, &pos, &err)) > 0) {
		assert_true(g->n < MAXMSG);
		g->event[g->n] = rc;
		g->msg[g->n] = malloc(len + 1);
		memcpy(g->msg[g->n], raw, len);
		g->msg[g->n][len] = '\0';
		g->len[g->n] = len;
		g->pos[g->n] = strdup(pos);
		g->state_after[g->n] = strdup(rd_source_state(s));
		g->n++;
	}
	if (rc < 0)
		print_message("next '%s': %s\n", uri, err.msg);
	g->state = strdup(rd_source_state(s));
	rd_source_free(s);
	return rc < 0 ? rc : 0;
}

static char tmp[64];

static int setup(void **state)
{
	snprintf(tmp, sizeof(tmp), "/tmp/steward-src-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	st_log_set_level(ST_LOG_ERROR);
	return 0;
}

/* Remove path and everything under it (our temporary directory). */
static void remove_tree(const char *path)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path))) {
		while ((de = readdir(d))) {
			char sub[1024];

			if (!strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
			remove_tree(sub);
		}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

static int teardown(void **state)
{
	remove_tree(tmp);
	return 0;
}

static const char *path_of(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", tmp, name);
	return p[i];
}

static void write_file(const char *path, const char *mode, const void *p,
		       size_t len)
{
	FILE *f = fopen(path, mode);

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static const char MBOX[] =
	"From alice@example.org Mon Jan  1 00:00:00 2024\n"
	"From: Alice <alice@example.org>\n"
	"Subject: one\n"
	"\n"
	"Hello\n"
	"From the body, after a non-blank line: not a separator\n"
	">From escaped by mboxo\n"
	">>From escaped by mboxrd\n"
	"a line with >From inside\n"
	"\n"
	"From bob@example.org Mon Jan  1 00:00:01 2024\n"
	"Subject: two\n"
	"\n"
	"Body two\n"
	"\n";

static void test_mboxo_mboxrd(void **state)
{
	struct got g;

	write_file(path_of("a.mbox"), "wb", MBOX, strlen(MBOX));
	assert_int_equal(collect(&g, path_of("a.mbox"), NULL, NULL, 0, -1), 0);
	assert_string_equal(g.kind, "mbox");
	assert_int_equal(g.n, 2);
	assert_string_equal(
		g.msg[0],
		"From: Alice <alice@example.org>\nSubject: one\n\nHello\n"
		"From the body, after a non-blank line: not a separator\n"
		"From escaped by mboxo\n>From escaped by mboxrd\n"
		"a line with >From inside\n");
	assert_string_equal(g.msg[1], "Subject: two\n\nBody two\n");
	assert_string_equal(g.pos[0], "byte 0");
	assert_int_equal(g.event[0], RD_SOURCE_MESSAGE);
	got_release(&g);
}

static void test_crlf(void **state)
{
	static const char crlf[] =
		"From a@b Mon Jan  1 00:00:00 2024\r\n"
		"Subject: crlf\r\n\r\nline\r\n>From x\r\n\r\n"
		"From c@d Mon Jan  1 00:00:00 2024\r\n"
		"Subject: second\r\n\r\nend\r\n\r\n";
	struct got g;

	write_file(path_of("crlf"), "wb", crlf, strlen(crlf));
	assert_int_equal(collect(&g, path_of("crlf"), NULL, NULL, 0, -1), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msg[0],
			    "Subject: crlf\r\n\r\nline\r\nFrom x\r\n");
	assert_string_equal(g.msg[1], "Subject: second\r\n\r\nend\r\n");
	got_release(&g);
}

static void test_gzip_and_xz(void **state)
{
	gzFile gz = gzopen(path_of("archive"), "wb");
	uint8_t out[4096];
	size_t outlen = 0;
	struct got g;

	/* No .gz in the name: the magic bytes decide. Two gzip members,
	 * as when a compressed archive is appended to. */
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, MBOX, 100), 100);
	assert_int_equal(gzclose(gz), Z_OK);
	gz = gzopen(path_of("archive"), "ab");
	assert_int_equal(gzwrite(gz, MBOX + 100, strlen(MBOX) - 100),
			 (int)strlen(MBOX) - 100);
	assert_int_equal(gzclose(gz), Z_OK);
	assert_int_equal(collect(&g, path_of("archive"), NULL, NULL, 0, -1), 0);
	assert_string_equal(g.kind, "mbox");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msg[1], "Subject: two\n\nBody two\n");
	got_release(&g);

	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL,
						 (const uint8_t *)MBOX,
						 strlen(MBOX), out, &outlen,
						 sizeof(out)),
			 LZMA_OK);
	write_file(path_of("archive.xz"), "wb", out, outlen);
	assert_int_equal(collect(&g, path_of("archive.xz"), NULL, NULL, 0, -1),
			 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msg[1], "Subject: two\n\nBody two\n");
	got_release(&g);

	/* A truncated gzip file is an error, not a shorter archive. */
	{
		struct st_buf b = ST_BUF_INIT;
		FILE *f;

		gz = gzopen(path_of("cut.gz"), "wb");
		assert_int_equal(gzwrite(gz, MBOX, strlen(MBOX)),
				 (int)strlen(MBOX));
		assert_int_equal(gzclose(gz), Z_OK);
		f = fopen(path_of("cut.gz"), "rb");
		assert_non_null(f);
		st_buf_grow(&b, 4096);
		b.len = fread(b.buf, 1, 4096, f);
		fclose(f);
		write_file(path_of("cut.gz"), "wb", b.buf, b.len - 12);
		assert_int_equal(
			collect(&g, path_of("cut.gz"), NULL, NULL, 0, -1),
			ST_EINVALID);
		got_release(&g);
		st_buf_release(&b);
	}

	/* A corrupt stream is an error, not a crash. */
	out[outlen / 2] ^= 0x55;
	out[outlen / 2 + 1] ^= 0x55;
	write_file(path_of("bad.xz"), "wb", out, outlen);
	assert_true(collect(&g, path_of("bad.xz"), NULL, NULL, 0, -1) < 0);
	got_release(&g);
}

static void test_empty_and_single(void **state)
{
	static const char one[] = "Subject: alone\n\nbody\n\nFrom here on, "
				  "still the same message\n";
	struct got g;
	char *saved;

	write_file(path_of("empty"), "wb", "", 0);
	assert_int_equal(collect(&g, path_of("empty"), NULL, NULL, 0, -1), 0);
	assert_int_equal(g.n, 0);
	got_release(&g);

	write_file(path_of("one.eml"), "wb", one, strlen(one));
	assert_int_equal(collect(&g, path_of("one.eml"), NULL, NULL, 0, -1), 0);
	assert_string_equal(g.kind, "file");
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], one);
	saved = strdup(g.state);
	got_release(&g);

	/* Read already: nothing new; changed: read again. */
	assert_int_equal(collect(&g, path_of("one.eml"), saved, NULL, 0, -1),
			 0);
	assert_int_equal(g.n, 0);
	got_release(&g);
	write_file(path_of("one.eml"), "ab", "more\n", 5);
	assert_int_equal(collect(&g, path_of("one.eml"), saved, NULL, 0, -1),
			 0);
	assert_int_equal(g.n, 1);
	got_release(&g);
	free(saved);

	assert_int_equal(collect(&g, path_of("missing"), NULL, NULL, 0, -1),
			 ST_ENOTFOUND);
}

/* Five messages, "Subject: mN". */
static void five(struct st_buf *b, const char *tag)
{
	for (int i = 1; i <= 5; i++)
		st_buf_addf(b,
			    "From x@y Mon Jan  1 00:00:0%d 2024\n"
			    "Subject: %s%d\n\nbody %d\n\n",
			    i, tag, i, i);
}

static void test_resume(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	struct got g;
	char *two, *end;

	five(&b, "m");
	write_file(path_of("r.mbox"), "wb", b.buf, b.len);
	assert_int_equal(collect(&g, path_of("r.mbox"), NULL, NULL, 0, 2), 0);
	assert_int_equal(g.n, 2);
	two = strdup(g.state);
	got_release(&g);

	assert_int_equal(collect(&g, path_of("r.mbox"), two, NULL, 0, -1), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.msg[0], "Subject: m3\n\nbody 3\n");
	assert_string_equal(g.msg[2], "Subject: m5\n\nbody 5\n");
	end = strdup(g.state);
	got_release(&g);

	/* Appended: only the new message. */
	write_file(path_of("r.mbox"), "ab",
		   "From z@y Tue Jan  2 00:00:00 2024\nSubject: m6\n\nsix\n\n",
		   52);
	assert_int_equal(collect(&g, path_of("r.mbox"), end, NULL, 0, -1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: m6\n\nsix\n");
	got_release(&g);

	/* Replaced by another archive, even a longer one: from the start. */
	st_buf_reset(&b);
	five(&b, "other");
	five(&b, "more");
	write_file(path_of("r.mbox"), "wb", b.buf, b.len);
	assert_int_equal(collect(&g, path_of("r.mbox"), end, NULL, 0, -1), 0);
	assert_int_equal(g.n, 10);
	assert_string_equal(g.msg[0], "Subject: other1\n\nbody 1\n");
	got_release(&g);

	/* Truncated below the offset: from the start too. */
	write_file(path_of("r.mbox"), "wb", b.buf, 40);
	assert_int_equal(collect(&g, path_of("r.mbox"), end, NULL, 0, -1), 0);
	assert_int_equal(g.n, 1);
	got_release(&g);

	/* A compressed archive resumes as well. */
	{
		gzFile gz = gzopen(path_of("r.mbox.gz"), "wb");

		st_buf_reset(&b);
		five(&b, "z");
		assert_int_equal(gzwrite(gz, b.buf, (unsigned)b.len),
				 (int)b.len);
		assert_int_equal(gzclose(gz), Z_OK);
	}
	free(two);
	assert_int_equal(collect(&g, path_of("r.mbox.gz"), NULL, NULL, 0, 2),
			 0);
	two = strdup(g.state);
	got_release(&g);
	assert_int_equal(collect(&g, path_of("r.mbox.gz"), two, NULL, 0, -1),
			 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.msg[0], "Subject: z3\n\nbody 3\n");
	got_release(&g);

	/* A token of another kind is ignored, not trusted. */
	assert_int_equal(
		collect(&g, path_of("r.mbox.gz"), "garbage", NULL, 0, -1), 0);
	assert_int_equal(g.n, 5);
	got_release(&g);
	free(two);
	free(end);
	st_buf_release(&b);
}

/* An archive whose first message is longer than the 4 KiB head. */
static void long_head(struct st_buf *b, char last)
{
	st_buf_addstr(b,
		      "From x@y Mon Jan  1 00:00:00 2024\nSubject: long\n\n");
	for (int i = 0; i < 100; i++)
		st_buf_addstr(b, "filler filler filler filler filler filler\n");
	st_buf_addstr(b, "\n");
	for (int i = 2; i <= 4; i++)
		st_buf_addf(b, "From x@y z\nSubject: n%d\n\nbody %c\n\n", i,
			    i == 4 ? last : 'a');
}

static void write_gz(const char *path, const struct st_buf *b)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, b->buf, (unsigned)b->len), (int)b->len);
	assert_int_equal(gzclose(gz), Z_OK);
}

static void test_resume_checks_tail(void **state)
{
	struct st_buf b = ST_BUF_INIT;
	const char *names[] = {"t.mbox", "t.mbox.gz"};
	struct got g;

	for (int z = 0; z < 2; z++) {
		const char *path = path_of(names[z]);
		char *end, *three;

		st_buf_reset(&b);
		long_head(&b, 'a');
		if (z)
			write_gz(path, &b);
		else
			write_file(path, "wb", b.buf, b.len);
		assert_int_equal(collect(&g, path, NULL, NULL, 0, 3), 0);
		three = strdup(g.state);
		got_release(&g);
		assert_int_equal(collect(&g, path, three, NULL, 0, -1), 0);
		assert_int_equal(g.n, 1);
		assert_string_equal(g.msg[0], "Subject: n4\n\nbody a\n");
		end = strdup(g.state);
		got_release(&g);

		/* Same head, same length, a From line at the offset, but the
		 * last message read changed: from the start. */
		st_buf_reset(&b);
		long_head(&b, 'b');
		if (z)
			write_gz(path, &b);
		else
			write_file(path, "wb", b.buf, b.len);
		assert_int_equal(collect(&g, path, end, NULL, 0, -1), 0);
		assert_int_equal(g.n, 4);
		assert_string_equal(g.msg[3], "Subject: n4\n\nbody b\n");
		got_release(&g);

		/* Unchanged up to the offset: resumes. */
		assert_int_equal(collect(&g, path, three, NULL, 0, -1), 0);
		assert_int_equal(g.n, 1);
		/* Nothing new: the token stays the same. */
		free(end);
		end = strdup(g.state);
		got_release(&g);
		assert_int_equal(collect(&g, path, end, NULL, 0, -1), 0);
		assert_int_equal(g.n, 0);
		assert_string_equal(g.state, end);
		got_release(&g);
		free(three);
		free(end);
	}
	st_buf_release(&b);
}

/* A message over max_message is not delivered but reported, with its
 * first bytes, where it was, and a token that resumes past it. */
static void test_oversize_skipped(void **state)
{
	static const char small[] = "From a@b x\nSubject: small\n\n1\n\n";
	struct st_buf b = ST_BUF_INIT;
	struct got g;
	char pos[32], *saved;

	st_buf_addstr(&b, small);
	st_buf_addstr(&b, "From a@b x\nSubject: big\n\n");
	for (int i = 0; i < 2000; i++)
		st_buf_addstr(&b, "0123456789012345678901234567890123456789\n");
	st_buf_addstr(&b, "\nFrom a@b x\nSubject: after\n\n3\n\n");
	write_file(path_of("big.mbox"), "wb", b.buf, b.len);
	assert_int_equal(collect(&g, path_of("big.mbox"), NULL, NULL, 1000, -1),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.event[0], RD_SOURCE_MESSAGE);
	assert_string_equal(g.msg[0], "Subject: small\n\n1\n");
	assert_int_equal(g.event[1], RD_SOURCE_TOO_BIG);
	assert_int_equal(strncmp(g.msg[1], "Subject: big\n\n0123", 18), 0);
	assert_true(g.len[1] > 0 && g.len[1] <= RD_SOURCE_HEAD);
	snprintf(pos, sizeof(pos), "byte %zu", strlen(small));
	assert_string_equal(g.pos[1], pos);
	assert_int_equal(g.event[2], RD_SOURCE_MESSAGE);
	assert_string_equal(g.msg[2], "Subject: after\n\n3\n");
	/* Resuming after the big one gives the last one only. */
	saved = strdup(g.state_after[1]);
	got_release(&g);
	assert_int_equal(
		collect(&g, path_of("big.mbox"), saved, NULL, 1000, -1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: after\n\n3\n");
	free(saved);
	got_release(&g);

	/* The cap also holds for a single file, reported once. */
	write_file(path_of("big.eml"), "wb", b.buf + 11, b.len - 11);
	assert_int_equal(collect(&g, path_of("big.eml"), NULL, NULL, 1000, -1),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.event[0], RD_SOURCE_TOO_BIG);
	assert_string_equal(g.pos[0], "whole file");
	assert_int_equal(strncmp(g.msg[0], "Subject: small\n", 15), 0);
	saved = strdup(g.state);
	got_release(&g);
	assert_int_equal(collect(&g, path_of("big.eml"), saved, NULL, 1000, -1),
			 0);
	assert_int_equal(g.n, 0);
	free(saved);
	got_release(&g);

	/* And for a Maildir. */
	assert_int_equal(mkdir(path_of("md"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/cur"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/new"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/tmp"), 0700), 0);
	write_file(path_of("md/cur/1.M1.host:2,S"), "wb", b.buf + 11,
		   b.len - 11);
	assert_int_equal(collect(&g, path_of("md"), NULL, NULL, 1000, -1), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.event[0], RD_SOURCE_TOO_BIG);
	assert_non_null(strstr(g.pos[0], "md/cur/1.M1.host:2,S"));
	assert_int_equal(strncmp(g.msg[0], "Subject: small\n", 15), 0);
	got_release(&g);
	st_buf_release(&b);
}

static void put_mail(const char *dir, const char *name, const char *subject,
		     long mtime)
{
	char path[512], body[128];
	struct timeval tv[2] = {{mtime, 0}, {mtime, 0}};

	snprintf(path, sizeof(path), "%s/%s/%s", tmp, dir, name);
	snprintf(body, sizeof(body), "Subject: %s\n\nhi\n", subject);
	write_file(path, "wb", body, strlen(body));
	assert_int_equal(utimes(path, tv), 0);
}

static void test_maildir(void **state)
{
	struct got g;
	char *saved;

	assert_int_equal(mkdir(path_of("md"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/cur"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/new"), 0700), 0);
	assert_int_equal(mkdir(path_of("md/tmp"), 0700), 0);
	put_mail("md/cur", "1700000002.M1.host:2,S", "second", 1700000002);
	put_mail("md/new", "1700000001.M1.host", "first", 1700000001);
	put_mail("md/new", "1700000003.M1.host", "third", 1700000003);
	put_mail("md/tmp", "1700000004.M1.host", "unfinished", 1700000004);
	put_mail("md/cur", ".hidden", "hidden", 1700000000);
	assert_int_equal(collect(&g, path_of("md"), NULL, NULL, 0, -1), 0);
	assert_string_equal(g.kind, "maildir");
	assert_int_equal(g.n, 3);
	assert_string_equal(g.msg[0], "Subject: first\n\nhi\n");
	assert_string_equal(g.msg[1], "Subject: second\n\nhi\n");
	assert_string_equal(g.msg[2], "Subject: third\n\nhi\n");
	assert_non_null(strstr(g.pos[1], "md/cur/1700000002.M1.host:2,S"));
	saved = strdup(g.state_after[1]);
	got_release(&g);

	/* After the second; a move new/ -> cur/ with flags changes nothing. */
	assert_int_equal(rename(path_of("md/new/1700000003.M1.host"),
				path_of("md/cur/1700000003.M1.host:2,RS")),
			 0);
	put_mail("md/new", "1700000005.M1.host", "fourth", 1700000005);
	assert_int_equal(collect(&g, path_of("md"), saved, NULL, 0, -1), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msg[0], "Subject: third\n\nhi\n");
	assert_string_equal(g.msg[1], "Subject: fourth\n\nhi\n");
	free(saved);
	saved = strdup(g.state);
	got_release(&g);
	assert_int_equal(collect(&g, path_of("md"), saved, NULL, 0, -1), 0);
	assert_int_equal(g.n, 0);
	assert_string_equal(g.state, saved);
	got_release(&g);
	free(saved);

	/* A directory that is neither. */
	assert_int_equal(mkdir(path_of("plain"), 0700), 0);
	assert_int_equal(collect(&g, path_of("plain"), NULL, NULL, 0, -1),
			 ST_EINVALID);
}

struct feeder {
	int fd;
	const char *p;
	size_t len;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;

	/* Small writes: the reader must cope with short reads. */
	for (size_t i = 0; i < f->len; i += 7) {
		size_t n = f->len - i < 7 ? f->len - i : 7;

		if (write(f->fd, f->p + i, n) != (ssize_t)n)
			break;
	}
	close(f->fd);
	return NULL;
}

static void stdin_case(const char *data, size_t len, struct got *g)
{
	int p[2], saved = dup(0);
	struct feeder f;
	pthread_t t;

	assert_int_equal(pipe(p), 0);
	assert_true(saved >= 0);
	assert_int_equal(dup2(p[0], 0), 0);
	close(p[0]);
	f.fd = p[1];
	f.p = data;
	f.len = len;
	assert_int_equal(pthread_create(&t, NULL, feed, &f), 0);
	assert_int_equal(collect(g, "-", NULL, NULL, 0, -1), 0);
	pthread_join(t, NULL);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
}

static void test_stdin(void **state)
{
	static const char one[] = "Subject: piped\n\nbody\n";
	struct got g;

	stdin_case(MBOX, strlen(MBOX), &g);
	assert_string_equal(g.kind, "stdin");
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msg[1], "Subject: two\n\nBody two\n");
	got_release(&g);
	stdin_case(one, strlen(one), &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], one);
	got_release(&g);
	{
		/* gzip on a pipe: detected by its magic, no seeking. */
		unsigned char z[1024];
		z_stream zs = {0};

		assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
					      Z_DEFAULT_STRATEGY),
				 Z_OK);
		zs.next_in = (unsigned char *)MBOX;
		zs.avail_in = (unsigned)strlen(MBOX);
		zs.next_out = z;
		zs.avail_out = sizeof(z);
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		stdin_case((const char *)z, sizeof(z) - zs.avail_out, &g);
		deflateEnd(&zs);
		assert_int_equal(g.n, 2);
		assert_string_equal(g.msg[1], "Subject: two\n\nBody two\n");
		got_release(&g);
	}
}

/* One public-inbox commit on master adding blob "m" or "d". */
static void pi_commit(git_repository *repo, const char *entry, const char *mail)
{
	git_oid blob, tree, commit, parent_id;
	git_treebuilder *tb = NULL;
	git_tree *t = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[1];
	int np = 0;

	assert_int_equal(
		git_blob_create_from_buffer(&blob, repo, mail, strlen(mail)),
		0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, entry, &blob,
						GIT_FILEMODE_BLOB),
			 0);
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	assert_int_equal(git_tree_lookup(&t, repo, &tree), 0);
	if (git_reference_name_to_id(&parent_id, repo, "refs/heads/master") ==
	    0) {
		assert_int_equal(git_commit_lookup(&parent, repo, &parent_id),
				 0);
		parents[0] = parent;
		np = 1;
	}
	assert_int_equal(
		git_signature_new(&sig, "PI", "pi@example.org", 1700000000, 0),
		0);
	assert_int_equal(git_commit_create(&commit, repo, "refs/heads/master",
					   sig, sig, NULL, "m", t, (size_t)np,
					   parents),
			 0);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(t);
	git_treebuilder_free(tb);
}

static git_repository *pi_epoch(const char *root, int n)
{
	git_repository *repo = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/git/%d.git", root, n);
	assert_int_equal(git_repository_init(&repo, path, 1), 0);
	return repo;
}

static void test_public_inbox(void **state)
{
	const char *root = path_of("pi");
	git_repository *e0, *e1;
	struct got g;
	char *after2, *end, url[300], *mirror;

	git_libgit2_init();
	e0 = pi_epoch(root, 0);
	e1 = pi_epoch(root, 1);
	pi_commit(e0, "m", "Subject: m1\n\none\n");
	pi_commit(e0, "m", "Subject: m2\n\ntwo\n");
	pi_commit(e0, "d", "Subject: m1\n\none\n");
	pi_commit(e1, "m", "Subject: m3\n\nthree\n");
	pi_commit(e1, "m", "Subject: m4\n\nfour\n");

	assert_int_equal(collect(&g, root, NULL, NULL, 0, -1), 0);
	assert_string_equal(g.kind, "public-inbox");
	assert_int_equal(g.n, 5);
	assert_string_equal(g.msg[0], "Subject: m1\n\none\n");
	assert_string_equal(g.msg[1], "Subject: m2\n\ntwo\n");
	assert_int_equal(g.event[2], RD_SOURCE_DELETE);
	assert_string_equal(g.msg[2], "Subject: m1\n\none\n");
	assert_int_equal(g.event[3], RD_SOURCE_MESSAGE);
	assert_string_equal(g.msg[3], "Subject: m3\n\nthree\n");
	assert_string_equal(g.msg[4], "Subject: m4\n\nfour\n");
	assert_non_null(strstr(g.pos[3], "epoch 1 commit "));
	after2 = strdup(g.state_after[1]);
	end = strdup(g.state);
	got_release(&g);

	assert_int_equal(collect(&g, root, after2, NULL, 0, -1), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.event[0], RD_SOURCE_DELETE);
	assert_string_equal(g.msg[2], "Subject: m4\n\nfour\n");
	got_release(&g);

	/* Over max_message (18 bytes here): reported, not delivered. */
	assert_int_equal(collect(&g, root, after2, NULL, 18, -1), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.event[0], RD_SOURCE_DELETE);
	assert_int_equal(g.event[1], RD_SOURCE_TOO_BIG);
	assert_int_equal(g.len[1], strlen("Subject: m3\n\nthree\n"));
	assert_string_equal(g.msg[1], "Subject: m3\n\nthree\n");
	assert_int_equal(g.event[2], RD_SOURCE_MESSAGE);
	got_release(&g);

	pi_commit(e1, "m", "Subject: m5\n\nfive\n");
	assert_int_equal(collect(&g, root, end, NULL, 0, -1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: m5\n\nfive\n");
	got_release(&g);

	/* A commit that is gone (history rewritten): the epoch again. */
	assert_int_equal(
		collect(&g, root,
			"pi:1:1:0123456789abcdef0123456789abcdef01234567", NULL,
			0, -1),
		0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.msg[0], "Subject: m3\n\nthree\n");
	got_release(&g);

	/* Mirrored from a remote (file:// here; libgit2 speaks only the
	 * smart HTTP protocol, which needs git-http-backend). */
	mirror = strdup(path_of("mirror"));
	snprintf(url, sizeof(url), "file://%s/", root);
	assert_int_equal(collect(&g, url, NULL, mirror, 0, -1), 0);
	assert_string_equal(g.kind, "public-inbox");
	assert_int_equal(g.n, 6);
	free(end);
	end = strdup(g.state);
	got_release(&g);
	pi_commit(e0, "m", "Subject: late\n\nin epoch 0\n");
	pi_commit(e1, "m", "Subject: m6\n\nsix\n");
	assert_int_equal(collect(&g, url, end, mirror, 0, -1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: m6\n\nsix\n");
	got_release(&g);
	assert_int_equal(collect(&g, url, NULL, NULL, 0, -1), ST_EINVALID);

	/* A clone a crash cut short (1.git.tmp) is made again. */
	{
		char epoch1[600], tmp1[640], junk[700];
		DIR *d = opendir(mirror);
		struct dirent *de;

		assert_non_null(d);
		while ((de = readdir(d)) && strncmp(de->d_name, "pi-", 3))
			;
		assert_non_null(de);
		snprintf(epoch1, sizeof(epoch1), "%s/%s/git/1.git", mirror,
			 de->d_name);
		closedir(d);
		snprintf(tmp1, sizeof(tmp1), "%s.tmp", epoch1);
		remove_tree(epoch1);
		assert_int_equal(mkdir(tmp1, 0700), 0);
		snprintf(junk, sizeof(junk), "%s/HEAD", tmp1);
		write_file(junk, "wb", "junk", 4);
		assert_int_equal(collect(&g, url, NULL, mirror, 0, -1), 0);
		assert_int_equal(g.n, 8);
		assert_string_equal(g.msg[7], "Subject: m6\n\nsix\n");
		got_release(&g);
		assert_int_not_equal(access(tmp1, F_OK), 0);
	}

	free(mirror);
	free(after2);
	free(end);
	git_repository_free(e0);
	git_repository_free(e1);
	git_libgit2_shutdown();
}

/* Requests handed to git http-backend as CGI: the smart HTTP protocol,
 * the only one libgit2 speaks, for a mirror over http://. */
static void serve_git(struct ts_request *req, void *data)
{
	const char *root = data;
	static const char backend[] = "/usr/lib/git-core/git-http-backend";
	char clen[64] = "", ctype[128] = "", env[6][1200];
	char *envp[8], *q, *argv[] = {(char *)backend, NULL};
	struct st_buf in = ST_BUF_INIT, out = ST_BUF_INIT, resp = ST_BUF_INIT;
	int pin[2], pout[2], status = 200;
	size_t want = 0, hl;
	char buf[65536], *end;
	ssize_t n;
	pid_t pid;

	ts_header(req, "Content-Length", clen, sizeof(clen));
	ts_header(req, "Content-Type", ctype, sizeof(ctype));
	want = (size_t)strtoul(clen, NULL, 10);
	st_buf_add(&in, req->body, req->body_len);
	while (in.len < want && (n = recv(req->fd, buf, sizeof(buf), 0)) > 0)
		st_buf_add(&in, buf, (size_t)n);
	q = strchr(req->path, '?');
	if (q)
		*q++ = '\0';
	snprintf(env[0], sizeof(env[0]), "GIT_PROJECT_ROOT=%s", root);
	snprintf(env[1], sizeof(env[1]), "PATH_INFO=%s", req->path);
	snprintf(env[2], sizeof(env[2]), "QUERY_STRING=%s", q ? q : "");
	snprintf(env[3], sizeof(env[3]), "REQUEST_METHOD=%s", req->method);
	snprintf(env[4], sizeof(env[4]), "CONTENT_TYPE=%s", ctype);
	snprintf(env[5], sizeof(env[5]), "CONTENT_LENGTH=%zu", in.len);
	for (int i = 0; i < 6; i++)
		envp[i] = env[i];
	envp[6] = "GIT_HTTP_EXPORT_ALL=1";
	envp[7] = NULL;
	assert_int_equal(pipe(pin), 0);
	assert_int_equal(pipe(pout), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(open("/dev/null", O_WRONLY), 2); /* "not a repository" */
		close(pin[1]);
		close(pout[0]);
		execve(backend, argv, envp);
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	if (write(pin[1], in.buf, in.len) != (ssize_t)in.len)
		print_message("short write to git http-backend\n");
	close(pin[1]);
	while ((n = read(pout[0], buf, sizeof(buf))) > 0)
		st_buf_add(&out, buf, (size_t)n);
	close(pout[0]);
	waitpid(pid, NULL, 0);
	/* CGI head: "Status: NNN ..." and headers, then a blank line. */
	end = strstr(out.buf, "\r\n\r\n");
	hl = end ? (size_t)(end - out.buf) + 2 : 0;
	if (end && !strncmp(out.buf, "Status: ", 8))
		status = (int)strtol(out.buf + 8, NULL, 10);
	st_buf_add(&resp, out.buf, hl);
	ts_respond(req->fd, status, resp.buf, end ? end + 4 : "",
		   end ? out.len - hl - 2 : 0);
	st_buf_release(&in);
	st_buf_release(&out);
	st_buf_release(&resp);
}

static void test_public_inbox_over_http(void **state)
{
	const char *root = path_of("pi");
	char *mirror = strdup(path_of("mirror")), url[300], *end;
	git_repository *e0, *e1;
	struct ts_server srv;
	struct got g;

	if (access("/usr/lib/git-core/git-http-backend", X_OK) != 0)
		fail_msg("git http-backend is missing (ci/setup installs git)");
	git_libgit2_init();
	e0 = pi_epoch(root, 0);
	e1 = pi_epoch(root, 1);
	pi_commit(e0, "m", "Subject: m1\n\none\n");
	pi_commit(e0, "d", "Subject: m1\n\none\n");
	pi_commit(e1, "m", "Subject: m2\n\ntwo\n");
	ts_start(&srv, serve_git, tmp);
	snprintf(url, sizeof(url), "%s/pi/", srv.base);
	assert_int_equal(collect(&g, url, NULL, mirror, 0, -1), 0);
	assert_string_equal(g.kind, "public-inbox");
	assert_int_equal(g.n, 3);
	assert_int_equal(g.event[1], RD_SOURCE_DELETE);
	assert_string_equal(g.msg[2], "Subject: m2\n\ntwo\n");
	end = strdup(g.state);
	got_release(&g);

	/* Fetched again: only what is new upstream. */
	pi_commit(e1, "m", "Subject: m3\n\nthree\n");
	assert_int_equal(collect(&g, url, end, mirror, 0, -1), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: m3\n\nthree\n");
	got_release(&g);

	/* Nothing there at all. */
	snprintf(url, sizeof(url), "%s/none/", srv.base);
	assert_true(collect(&g, url, NULL, mirror, 0, -1) < 0);
	ts_stop(&srv);
	free(end);
	free(mirror);
	git_repository_free(e0);
	git_repository_free(e1);
	git_libgit2_shutdown();
}

/* A server that takes the request and never answers: waits until the
 * client gives up (closes) or 10 s pass. */
static void serve_nothing(struct ts_request *req, void *data)
{
	struct pollfd p = {req->fd, POLLIN, 0};

	(void)data;
	poll(&p, 1, 10000);
}

static void test_public_inbox_stalled(void **state)
{
	struct rd_source_opts o = {NULL, NULL, 0, 1};
	struct st_error err = ST_ERROR_INIT;
	struct rd_source *s = NULL;
	struct ts_server srv;
	struct timeval t0, t1;
	char url[300], *mirror = strdup(path_of("mirror"));

	o.mirror_dir = mirror;
	ts_start(&srv, serve_nothing, NULL);
	snprintf(url, sizeof(url), "%s/pi/", srv.base);
	gettimeofday(&t0, NULL);
	assert_true(rd_source_open(&s, url, &o, &err) < 0);
	gettimeofday(&t1, NULL);
	assert_null(s);
	/* libgit2 alone would wait forever: the 1 s limit ended it. */
	assert_non_null(strstr(err.msg, "no answer in 1 s"));
	assert_true(t1.tv_sec - t0.tv_sec < 8);
	ts_stop(&srv);
	free(mirror);
}

/* The served archive and what the server saw. */
struct archive {
	struct st_buf body;
	int full;	  /* 200 answers */
	int partial;	  /* 206 answers */
	int not_modified; /* 304 answers */
	size_t sent;	  /* body bytes sent */
};

static void serve_archive(struct ts_request *req, void *data)
{
	struct archive *a = data;
	char etag[64], v[64], extra[256];
	uint64_t h = 14695981039346656037u;
	long from;

	if (strcmp(req->path, "/list/all.mbox")) {
		ts_respond(req->fd, 404, NULL, "no", 2);
		return;
	}
	for (size_t i = 0; i < a->body.len; i++)
		h = (h ^ (unsigned char)a->body.buf[i]) * 1099511628211u;
	snprintf(etag, sizeof(etag), "\"%016llx\"", (unsigned long long)h);
	if (ts_header(req, "If-None-Match", v, sizeof(v)) && !strcmp(v, etag)) {
		a->not_modified++;
		ts_sendstr(req->fd, "HTTP/1.1 304 Not Modified\r\n"
				    "Connection: close\r\n\r\n");
		return;
	}
	if (ts_header(req, "Range", v, sizeof(v)) && !strncmp(v, "bytes=", 6)) {
		from = strtol(v + 6, NULL, 10);
		if (from < 0 || (size_t)from >= a->body.len) {
			ts_respond(req->fd, 416, NULL, NULL, 0);
			return;
		}
		a->partial++;
		a->sent += a->body.len - (size_t)from;
		snprintf(extra, sizeof(extra),
			 "ETag: %s\r\nContent-Range: bytes %ld-%zu/%zu\r\n",
			 etag, from, a->body.len - 1, a->body.len);
		ts_respond(req->fd, 206, extra, a->body.buf + from,
			   a->body.len - (size_t)from);
		return;
	}
	a->full++;
	a->sent += a->body.len;
	snprintf(extra, sizeof(extra), "ETag: %s\r\n", etag);
	ts_respond(req->fd, 200, extra, a->body.buf, a->body.len);
}

static void test_http_mbox(void **state)
{
	struct archive a = {ST_BUF_INIT, 0, 0, 0, 0};
	struct ts_server srv;
	struct got g;
	char url[128], *saved;
	const char *mirror = path_of("mirror");
	size_t sent;

	five(&a.body, "h");
	/* Longer than the 4 KiB asked again on a change. */
	for (int i = 0; i < 100; i++)
		st_buf_addf(&a.body, "From f@y x\nSubject: filler %d\n\n%s\n\n",
			    i,
			    "a line of filler text to make the archive long");
	ts_start(&srv, serve_archive, &a);
	snprintf(url, sizeof(url), "%s/list/all.mbox", srv.base);
	assert_int_equal(collect(&g, url, NULL, mirror, 0, 3), 0);
	assert_string_equal(g.kind, "http-mbox");
	assert_int_equal(g.n, 3);
	assert_int_equal(a.full, 1);
	saved = strdup(g.state);
	got_release(&g);

	/* Not modified: the mirror copy gives the rest. */
	assert_int_equal(collect(&g, url, saved, mirror, 0, -1), 0);
	assert_int_equal(a.not_modified, 1);
	assert_int_equal(g.n, 102);
	assert_string_equal(g.msg[1], "Subject: h5\n\nbody 5\n");
	free(saved);
	saved = strdup(g.state);
	got_release(&g);
	assert_int_equal(collect(&g, url, saved, mirror, 0, -1), 0);
	assert_int_equal(a.not_modified, 2);
	assert_int_equal(g.n, 0);
	got_release(&g);

	/* Grown: only the tail is fetched, only the new message read. */
	st_buf_addstr(&a.body, "From n@y x\nSubject: new\n\nfresh\n\n");
	sent = a.sent;
	assert_int_equal(collect(&g, url, saved, mirror, 0, -1), 0);
	assert_int_equal(a.full, 1);
	assert_int_equal(a.partial, 1);
	assert_true(a.sent - sent < 4200);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.msg[0], "Subject: new\n\nfresh\n");
	free(saved);
	saved = strdup(g.state);
	got_release(&g);

	/* Rewritten at the end: the tail differs, so a full download, and
	 * reading starts again. */
	a.body.buf[a.body.len - 3] = 'F';
	assert_int_equal(collect(&g, url, saved, mirror, 0, -1), 0);
	assert_int_equal(a.partial, 2);
	assert_int_equal(a.full, 2);
	assert_int_equal(g.n, 106);
	assert_string_equal(g.msg[105], "Subject: new\n\nfresF\n");
	got_release(&g);

	/* No mirror; a missing archive (404 is not retried). */
	assert_int_equal(collect(&g, url, NULL, NULL, 0, -1), ST_EINVALID);
	snprintf(url, sizeof(url), "%s/list/none.mbox.gz", srv.base);
	assert_int_equal(collect(&g, url, NULL, mirror, 0, -1), ST_ENOTFOUND);
	ts_stop(&srv);
	free(saved);
	st_buf_release(&a.body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mboxo_mboxrd, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gzip_and_xz, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_single, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_resume, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_checks_tail, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_oversize_skipped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_maildir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_public_inbox, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_public_inbox_stalled, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_public_inbox_over_http,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_mbox, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
