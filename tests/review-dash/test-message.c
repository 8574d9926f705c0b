/* test-message.c: real mail texts (tests/data/mail/) and hostile
 * input through rd_message_parse. */
#include "review-dash/message.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Read tests/data/mail/name into a new buffer. */
static char *slurp(const char *name, size_t *len)
{
	const char *dir = getenv("STEWARD_TEST_DATA");
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/mail/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct rd_message *parse_file(const char *name)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	size_t len;
	char *raw = slurp(name, &len);

	assert_int_equal(rd_message_parse(&m, raw, len, &err), 0);
	free(raw);
	assert_non_null(m);
	return m;
}

static void test_patch(void **state)
{
	struct rd_message *m = parse_file("patch-v2.eml");

	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_string_equal(rd_kind_name(m->kind), "patch");
	assert_string_equal(m->message_id,
			    "20240312091542.1234-3-jane.doe@example.org");
	assert_false(m->synthetic_id);
	/* A folded subject is unfolded. */
	assert_string_equal(m->subj.name, "xen/arm: fix the foo handling");
	assert_int_equal(m->subj.version, 2);
	assert_int_equal(m->subj.number, 2);
	assert_int_equal(m->subj.total, 3);
	assert_string_equal(m->from_name, "Jane Doe");
	assert_string_equal(m->from_email, "jane.doe@example.org");
	assert_int_equal(m->date, 1710234942);
	assert_string_equal(m->in_reply_to,
			    "20240312091542.1234-1-jane.doe@example.org");
	assert_int_equal(m->nreferences, 1);
	assert_non_null(m->commit_msg);
	assert_true(strncmp(m->commit_msg, "The foo handler", 15) == 0);
	/* The commit message stops at the "---" cut. */
	assert_null(strstr(m->commit_msg, "Changes in v2"));
	assert_non_null(strstr(m->commit_msg, "# arm"));
	assert_true(strncmp(m->diff, "diff --git a/xen/arch/arm/foo.c", 31) ==
		    0);
	assert_null(strstr(m->diff, "2.39.2"));
	assert_int_equal(strlen(m->patch_id), 40);
	assert_int_equal(m->trailers.n, 5);
	assert_string_equal(m->trailers.items[0].kind, "Fixes");
	assert_string_equal(m->trailers.items[3].kind, "Reviewed-by");
	assert_string_equal(m->trailers.items[4].area, "arm");
	rd_message_free(m);
}

static void test_inbody_author(void **state)
{
	struct rd_message *m = parse_file("send-email-author.eml");

	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_string_equal(m->from_email, "committer@example.org");
	assert_string_equal(m->author_name, "René Author");
	assert_string_equal(m->author_email, "rene.author@example.com");
	/* The in-body header block is not part of the commit message. */
	assert_true(strncmp(m->commit_msg, "The fault path", 14) == 0);
	assert_string_equal(m->subj.prefixes[1], "for-4.19");
	rd_message_free(m);

	/* Without one, the author is the sender. */
	m = parse_file("patch-v2.eml");
	assert_string_equal(m->author_email, "jane.doe@example.org");
	assert_string_equal(m->author_name, "Jane Doe");
	rd_message_free(m);
}

static void test_cover_reply_pull(void **state)
{
	struct rd_message *m = parse_file("cover.eml");

	assert_int_equal(m->kind, RD_KIND_COVER);
	assert_int_equal(m->subj.total, 3);
	assert_null(m->diff);
	assert_string_equal(m->patch_id, "");
	rd_message_free(m);

	m = parse_file("reply-reviewed.eml");
	assert_int_equal(m->kind, RD_KIND_COMMENT);
	assert_true(m->subj.is_reply);
	assert_null(m->diff);
	/* Quoted trailers are not new ones; duplicates in References
	 * are dropped, oldest first. */
	assert_int_equal(m->trailers.n, 1);
	assert_string_equal(m->trailers.items[0].kind, "Reviewed-by");
	assert_string_equal(m->trailers.items[0].email,
			    "sstabellini@kernel.org");
	assert_int_equal(m->nreferences, 2);
	assert_string_equal(m->references[0],
			    "20240312091542.1234-1-jane.doe@example.org");
	assert_string_equal(m->references[1],
			    "20240312091542.1234-3-jane.doe@example.org");
	rd_message_free(m);

	m = parse_file("git-pull.eml");
	assert_int_equal(m->kind, RD_KIND_PULL);
	assert_string_equal(m->pull_url,
			    "git://git.kernel.org/pub/scm/linux/kernel/git/xen/"
			    "tip.git");
	assert_string_equal(m->pull_branch, "for-linus-6.9a-rc1-tag");
	rd_message_free(m);
}

static void test_pull_series(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	static const char patch[] =
		"Subject: [PULL 2/5] hw/xen: fix x\nMessage-ID: <p2@x>\n\n"
		"Fix x.\n\nSigned-off-by: A <a@x>\n---\n"
		"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
	static const char cover[] =
		"Subject: [PULL 0/5] xen queue\nMessage-ID: <p0@x>\n\n"
		"The following changes since commit abc:\n\n"
		"are available in the Git repository at:\n\n"
		"  https://gitlab.com/q/qemu.git tags/pull-xen-20240101\n\n"
		"for you to fetch changes up to def:\n";

	assert_int_equal(rd_message_parse(&m, patch, strlen(patch), &err), 0);
	assert_int_equal(m->kind, RD_KIND_PATCH);
	rd_message_free(m);
	assert_int_equal(rd_message_parse(&m, cover, strlen(cover), &err), 0);
	assert_int_equal(m->kind, RD_KIND_PULL);
	assert_string_equal(m->pull_url, "https://gitlab.com/q/qemu.git");
	assert_string_equal(m->pull_branch, "tags/pull-xen-20240101");
	rd_message_free(m);
}

static void test_encodings(void **state)
{
	struct rd_message *m = parse_file("rfc2047-from.eml");

	assert_string_equal(m->from_name, "王小明");
	assert_string_equal(m->from_email, "wang.xm@example.cn");
	assert_string_equal(m->subj.name, "tools: fix build for François");
	assert_string_equal(m->in_reply_to, "orig@example.org");
	assert_int_equal(m->trailers.n, 2);
	assert_string_equal(m->trailers.items[0].name, "Jörg Müller");
	rd_message_free(m);

	m = parse_file("rfc2047-cyrillic.eml");
	assert_string_equal(m->from_name, "Дмитрий Иванов");
	assert_string_equal(m->subj.name, "документация: исправить опечатку");
	/* base64 KOI8-R body to UTF-8, and a patch in it. */
	assert_non_null(strstr(m->body, "Исправить опечатку"));
	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_non_null(strstr(m->diff, "+Привет, мир"));
	rd_message_free(m);

	m = parse_file("latin1-from.eml");
	assert_string_equal(m->from_name, "René François");
	assert_string_equal(m->subject, "question about café");
	assert_non_null(strstr(m->body, "le café est prêt"));
	assert_non_null(strstr(m->body, "continues on one line"));
	rd_message_free(m);

	/* Latin-1 bytes under a UTF-8 label; a NUL dropped. */
	m = parse_file("lying-charset.eml");
	assert_non_null(strstr(m->body, "Café naïve résumé and valid é"));
	assert_null(strchr(m->body, '\r'));
	rd_message_free(m);

	/* UTF-8 under a Latin-1 label stays UTF-8. */
	m = parse_file("lying-latin1.eml");
	assert_string_equal(m->body, "Jürgen wrote “this”.\n");
	rd_message_free(m);
	/* Real Latin-1 under its label is converted. */
	m = parse_file("latin1-from.eml");
	assert_non_null(strstr(m->body, "prêt"));
	rd_message_free(m);

	m = parse_file("unknown-charset.eml");
	assert_non_null(strstr(m->body, "Bytes éÿþ survive"));
	rd_message_free(m);

	/* Adjacent base64 words, the first padded: nothing lost. */
	m = parse_file("rfc2047-split-b.eml");
	assert_string_equal(m->from_name, "François Beulich");
	assert_string_equal(m->from_email,
			    "francois.beulich@kernel.example.org");
	assert_string_equal(m->subject, "[PATCH 1/2] docs: Résumé déjà vu fix");
	assert_string_equal(m->subj.name, "docs: Résumé déjà vu fix");
	rd_message_free(m);
}

static void test_mime(void **state)
{
	struct rd_message *m = parse_file("alternative-html.eml");

	assert_null(strstr(m->body, "HTML ONLY"));
	assert_null(strstr(m->body, "<script>"));
	assert_non_null(strstr(m->body, "Plain version of the reply."));
	assert_int_equal(m->kind, RD_KIND_COMMENT);
	assert_int_equal(m->trailers.n, 1);
	rd_message_free(m);

	m = parse_file("attached-patch.eml");
	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_non_null(strstr(m->diff, "+    free(p);"));
	/* The binary attachment is not text. */
	assert_null(strstr(m->body, "AAECAwQ"));
	assert_int_equal(m->trailers.n, 1);
	rd_message_free(m);
}

static void test_diffs(void **state)
{
	struct rd_message *m = parse_file("cvs-index.eml");

	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_true(strncmp(m->diff, "Index: tools/python", 19) == 0);
	assert_null(strstr(m->diff, "_______"));
	assert_non_null(strstr(m->commit_msg, "Signed-off-by: Old Timer"));
	rd_message_free(m);

	m = parse_file("git-special.eml");
	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_non_null(strstr(m->diff, "rename to tools/new.c"));
	assert_non_null(strstr(m->diff, "new mode 100755"));
	assert_non_null(strstr(m->diff, "GIT binary patch"));
	assert_non_null(strstr(m->diff, "+int x = 1;\n\\ No newline at end of "
					"file\n"));
	assert_null(strstr(m->diff, "2.43.0"));
	rd_message_free(m);
}

static void test_ids_and_dates(void **state)
{
	struct rd_message *m = parse_file("no-message-id.eml");
	struct rd_message *again = parse_file("no-message-id.eml");

	assert_true(m->synthetic_id);
	assert_true(strncmp(m->message_id, "synthetic-", 10) == 0);
	/* Stable: the same bytes give the same id. */
	assert_string_equal(m->message_id, again->message_id);
	assert_int_equal(m->date, 0);
	rd_message_free(m);
	rd_message_free(again);

	m = parse_file("absurd.eml");
	assert_true(m->synthetic_id);
	assert_int_equal(m->date, 0);
	assert_null(m->in_reply_to);
	assert_int_equal(m->nreferences, 3);
	assert_string_equal(m->from_email, "");
	assert_true(m->subj.is_reply);
	assert_int_equal(m->kind, RD_KIND_COMMENT);
	rd_message_free(m);
}

static int parse_str(struct rd_message **m, const char *raw,
		     struct st_error *err)
{
	return rd_message_parse(m, raw, strlen(raw), err);
}

static void test_rejects(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = (struct rd_message *)&err;
	static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	char *big;

	assert_int_equal(parse_str(&m, "", &err), ST_EINVALID);
	assert_null(m);
	assert_int_equal(parse_str(&m, "just some text\n", &err), ST_EINVALID);
	assert_string_equal(err.msg, "message has no header fields");
	assert_int_equal(rd_message_parse(&m, garbage, sizeof(garbage), &err),
			 ST_EINVALID);
	big = malloc((size_t)RD_MESSAGE_MAX + 1);
	memset(big, 'a', (size_t)RD_MESSAGE_MAX + 1);
	assert_int_equal(
		rd_message_parse(&m, big, (size_t)RD_MESSAGE_MAX + 1, &err),
		ST_ETOOBIG);
	free(big);
	assert_null(m);
}

static void test_hostile_bodies(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	char id[2100];

	/* Broken base64 and an unknown transfer encoding. */
	assert_int_equal(parse_str(&m,
				   "Subject: b64\nMessage-ID: <b@x>\n"
				   "Content-Type: text/plain\n"
				   "Content-Transfer-Encoding: base64\n\n"
				   "!!!!====SGVsbG8@@@\n====\n",
				   &err),
			 0);
	rd_message_free(m);
	assert_int_equal(parse_str(&m,
				   "Subject: x\nContent-Type: multipart/mixed\n"
				   "\nno boundary at all\n",
				   &err),
			 0);
	rd_message_free(m);
	/* A Message-ID over 998 characters is not kept. */
	memset(id, 0, sizeof(id));
	memcpy(id, "Message-ID: <", 13);
	memset(id + 13, 'x', 2000);
	memcpy(id + 2013, "@y>\n\nbody\n", 10);
	assert_int_equal(parse_str(&m, id, &err), 0);
	assert_true(m->synthetic_id);
	rd_message_free(m);
	/* From " line tolerated, CRLF line ends. */
	assert_int_equal(
		parse_str(&m,
			  "From x@y Mon Jan  1 00:00:00 2024\r\n"
			  "Subject: [PATCH] crlf\r\nMessage-ID: <c@x>\r\n"
			  "\r\nmsg\r\n---\r\ndiff --git a/x b/x\r\n"
			  "--- a/x\r\n+++ b/x\r\n@@ -1 +1 @@\r\n-a\r\n"
			  "+b\r\n-- \r\n2.1\r\n",
			  &err),
		0);
	assert_int_equal(m->kind, RD_KIND_PATCH);
	assert_string_equal(m->commit_msg, "msg");
	assert_string_equal(m->diff, "diff --git a/x b/x\n--- a/x\n+++ b/x\n"
				     "@@ -1 +1 @@\n-a\n+b\n");
	rd_message_free(m);
}

/* n nested multipart/mixed levels around one text part. */
static char *nested(int n, size_t *len)
{
	size_t cap = (size_t)n * 80 + 512, o = 0;
	char *s = malloc(cap);

	o += (size_t)snprintf(s + o, cap - o,
			      "Subject: deep\nMessage-ID: <deep@x>\n"
			      "Content-Type: multipart/mixed; boundary=b0\n\n");
	for (int i = 1; i < n; i++)
		o += (size_t)snprintf(s + o, cap - o,
				      "--b%d\nContent-Type: multipart/mixed; "
				      "boundary=b%d\n\n",
				      i - 1, i);
	o += (size_t)snprintf(s + o, cap - o,
			      "--b%d\nContent-Type: text/plain\n\ninner\n"
			      "--b%d--\n",
			      n - 1, n - 1);
	for (int i = n - 2; i >= 0; i--)
		o += (size_t)snprintf(s + o, cap - o, "--b%d--\n", i);
	*len = o;
	return s;
}

static void test_deep_nesting(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	size_t len;
	char *raw = nested(10, &len);

	assert_int_equal(rd_message_parse(&m, raw, len, &err), 0);
	assert_string_equal(m->body, "inner");
	rd_message_free(m);
	free(raw);
	/* 1,000 levels: no stack overflow, the message still parses. */
	raw = nested(1000, &len);
	assert_int_equal(rd_message_parse(&m, raw, len, &err), 0);
	assert_string_equal(m->message_id, "deep@x");
	rd_message_free(m);
	free(raw);
	raw = nested(100000, &len);
	assert_int_equal(rd_message_parse(&m, raw, len, &err), 0);
	rd_message_free(m);
	free(raw);
}

static void test_many_references(void **state)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	size_t cap = 1000 * 20 + 256, o = 0;
	char *s = malloc(cap);

	o += (size_t)snprintf(s + o, cap - o, "Subject: refs\nReferences:");
	for (int i = 0; i < 1000; i++)
		o += (size_t)snprintf(s + o, cap - o, " <r%d@x>", i);
	snprintf(s + o, cap - o, "\n\nbody\n");
	assert_int_equal(parse_str(&m, s, &err), 0);
	assert_int_equal(m->nreferences, 200);
	/* The root and the newest are kept. */
	assert_string_equal(m->references[0], "r0@x");
	assert_string_equal(m->references[199], "r999@x");
	rd_message_free(m);
	free(s);
}

static void *parse_many(void *arg)
{
	const char *raw = arg;

	for (int i = 0; i < 200; i++) {
		struct rd_message *m = NULL;

		if (rd_message_parse(&m, raw, strlen(raw), NULL) < 0 ||
		    m->kind != RD_KIND_PATCH) {
			rd_message_free(m);
			return (void *)1;
		}
		rd_message_free(m);
	}
	return NULL;
}

static void test_threads(void **state)
{
	pthread_t t[4];
	size_t len;
	char *raw = slurp("patch-v2.eml", &len);

	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parse_many, raw),
				 0);
	for (int i = 0; i < 4; i++) {
		void *rc = (void *)1;

		assert_int_equal(pthread_join(t[i], &rc), 0);
		assert_null(rc);
	}
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch),
		cmocka_unit_test(test_inbody_author),
		cmocka_unit_test(test_cover_reply_pull),
		cmocka_unit_test(test_pull_series),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_diffs),
		cmocka_unit_test(test_ids_and_dates),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_hostile_bodies),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_many_references),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
