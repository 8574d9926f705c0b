/*
 * test-message-fast.c: rd_message_parse's fast path for plain mail
 * against GMime's full parse (RD_MESSAGE_GMIME_ONLY), field by field, on
 * the test mails of tests/data/mail/, the message fuzz corpus, and mails
 * written here for the edges: CRLF, folding, encoded words, charsets,
 * transfer encodings, multipart, missing or repeated headers, odd From
 * forms and bad dates. Each written mail also says whether the fast path
 * must take it, so a fast path that never runs fails too.
 */
#include "review-dash/message-priv.h"

#include "common/buf.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Short names of enum rd_message_path, for the cases below. */
#define GMIME	RD_MESSAGE_PATH_GMIME
#define HEADERS RD_MESSAGE_PATH_HEADERS
#define PLAIN	RD_MESSAGE_PATH_PLAIN

/*
 * Parse raw both ways and fail unless both give the same result. Returns
 * the path the default parse took.
 */
static enum rd_message_path check_same(const char *what, const char *raw,
				       size_t len)
{
	struct st_error e1 = ST_ERROR_INIT, e2 = ST_ERROR_INIT;
	struct rd_message *fast = NULL, *slow = NULL;
	enum rd_message_path used = GMIME, used_slow = PLAIN;
	int rc1 = rd_message_parse_flags(&fast, raw, len, 0, &used, &e1);
	int rc2 = rd_message_parse_flags(&slow, raw, len, RD_MESSAGE_GMIME_ONLY,
					 &used_slow, &e2);
	const char *d;

	assert_int_equal(used_slow, GMIME);
	if (rc1 != rc2) {
		fail_msg("%s: rc %d (fast) != %d (gmime)", what, rc1, rc2);
	}
	if (rc1 == 0) {
		d = rd_message_diff(fast, slow);
		if (d)
			fail_msg("%s: field %s differs", what, d);
		/* rd_message_diff itself must see a difference. */
		free(slow->subject);
		slow->subject = strdup("changed");
		assert_non_null(rd_message_diff(fast, slow));
	} else {
		assert_int_equal(used, GMIME);
	}
	rd_message_free(fast);
	rd_message_free(slow);
	st_error_clear(&e1);
	st_error_clear(&e2);
	return used;
}

/* Also as CRLF, with an mbox "From " line, and cut at every line end of
 * the header block and just after it. */
static void check_variants(const char *what, const char *raw,
			   enum rd_message_path path)
{
	struct st_buf crlf = ST_BUF_INIT, mbox = ST_BUF_INIT;
	size_t len = strlen(raw);
	const char *blank = strstr(raw, "\n\n");
	size_t hend = blank ? (size_t)(blank - raw) + 2 : len;

	enum rd_message_path got = check_same(what, raw, len);

	if (got != path)
		fail_msg("%s: path %d, not %d", what, (int)got, (int)path);
	for (const char *p = raw; *p; p++) {
		if (*p == '\n')
			st_buf_addch(&crlf, '\r');
		st_buf_addch(&crlf, *p);
	}
	check_same(what, crlf.buf, crlf.len);
	st_buf_addstr(&mbox,
		      "From someone@example.org Mon Jan  1 00:00:00 2024\n");
	st_buf_addstr(&mbox, raw);
	check_same(what, mbox.buf, mbox.len);
	for (size_t i = 1; i <= hend + 3 && i < len; i++)
		if (raw[i - 1] == '\n' || i > hend)
			check_same(what, raw, i);
	st_buf_release(&crlf);
	st_buf_release(&mbox);
}

static const struct {
	const char *name;
	enum rd_message_path path; /* the path it must take */
	const char *raw;
} cases[] = {
	{"plain patch", PLAIN,
	 "From: Jane Doe <jane.doe@example.org>\n"
	 "To: xen-devel@lists.example.org\n"
	 "Cc: A <a@example.org>, =?UTF-8?B?QmV1bGljaA==?= <b@example.org>\n"
	 "Subject: [PATCH v2 1/2] xen/arm: fix\n"
	 " the foo handling\n"
	 "Date: Tue, 12 Mar 2024 09:15:42 +0000\n"
	 "Message-ID: <1234-2-jane@example.org>\n"
	 "In-Reply-To: <1234-1-jane@example.org>\n"
	 "References: <1234-1-jane@example.org>\n"
	 "MIME-Version: 1.0\n"
	 "Content-Type: text/plain; charset=UTF-8\n"
	 "Content-Transfer-Encoding: 8bit\n"
	 "\n"
	 "The foo handler did not check the bar.\n\n"
	 "Signed-off-by: Jane Doe <jane.doe@example.org>\n"
	 "Reviewed-by: J\xc3\xbcrgen Gro\xc3\x9f <jgross@example.com>\n"
	 "---\n"
	 " xen/foo.c | 1 +\n\n"
	 "diff --git a/xen/foo.c b/xen/foo.c\n"
	 "index 1111111..2222222 100644\n"
	 "--- a/xen/foo.c\n"
	 "+++ b/xen/foo.c\n"
	 "@@ -1,1 +1,2 @@\n"
	 " int a;\n"
	 "+int b;\n"
	 "-- \n2.39.5\n"},
	{"split B words in From", PLAIN,
	 "From: =?UTF-8?B?QW5kcmV3IA==?=\n"
	 " =?UTF-8?B?S8Okcmtrw6RpbmVu?= <andrew@epam.example.com>\n"
	 "Subject: Re: [PATCH 0/3] docs: split error paths\n"
	 "Date: Mon, 6 Jan 2025 04:03:43 -0500\n"
	 "Message-ID: <20250106090343.46730-1-a@example.com>\n"
	 "References: <a@example.com>\n"
	 "\t<b@example.com> <c@example.com>\n"
	 "In-Reply-To: <c@example.com>\n"
	 "Content-Type: text/plain; charset=\"utf-8\"\n"
	 "\n"
	 "> quoted\n\nAcked-by: X <x@example.com>\n"},
	{"no MIME headers", PLAIN,
	 "From: bob@example.org\n"
	 "Subject: hello\n"
	 "Date: 1 Feb 2024 10:00 +0100\n"
	 "Message-Id: <x@y>\n"
	 "\n"
	 "body\n"},
	{"encoded subject and Q from", PLAIN,
	 "From: =?ISO-8859-1?Q?Ren=E9_Fran=E7ois?= <Rene@Example.FR>\n"
	 "Subject: question about =?ISO-8859-1?Q?caf=E9?=\n"
	 "Date: Sat, 03 Feb 2024 09:30:00 +0100\n"
	 "Message-ID: <latin1-1@example.fr>\n"
	 "Content-Type: text/plain; charset=us-ascii\n"
	 "Content-Transfer-Encoding: 7bit\n"
	 "\n"
	 "plain ascii\n"},
	{"latin-1 8bit body", HEADERS,
	 "From: a@example.org\n"
	 "Subject: caf\xe9\n"
	 "Message-ID: <l1@example.org>\n"
	 "Content-Type: text/plain; charset=iso-8859-1\n"
	 "Content-Transfer-Encoding: 8bit\n"
	 "\n"
	 "Bonjour, le caf\xe9 est pr\xeat.\n"},
	{"utf-8 labelled latin-1", HEADERS,
	 "From: a@example.org\n"
	 "Subject: lying\n"
	 "Message-ID: <l2@example.org>\n"
	 "Content-Type: text/plain; charset=latin1\n"
	 "\n"
	 "J\xc3\xbcrgen wrote, and \xff stays.\n"},
	{"unknown charset", HEADERS,
	 "From: a@example.org\n"
	 "Subject: odd\n"
	 "Content-Type: text/plain; charset=x-unknown-thing\n"
	 "\n"
	 "bytes \xe9\xff\x80 and text\n"},
	{"koi8-r body", HEADERS,
	 "From: a@example.org\n"
	 "Subject: koi\n"
	 "Content-Type: text/plain; charset=koi8-r\n"
	 "Content-Transfer-Encoding: 8bit\n"
	 "\n"
	 "\xf0\xd2\xc9\xd7\xc5\xd4\n"},
	{"quoted-printable", GMIME,
	 "From: a@example.org\n"
	 "Subject: qp\n"
	 "Content-Type: text/plain; charset=iso-8859-1\n"
	 "Content-Transfer-Encoding: quoted-printable\n"
	 "\n"
	 "caf=E9 soft=\nbroken\n"},
	{"base64", GMIME,
	 "From: a@example.org\n"
	 "Subject: b64\n"
	 "Content-Type: text/plain; charset=utf-8\n"
	 "Content-Transfer-Encoding: base64\n"
	 "\n"
	 "aGVsbG8gd29ybGQK\n"},
	{"multipart mixed with patch", GMIME,
	 "From: a@example.org\n"
	 "Subject: [PATCH] attached\n"
	 "MIME-Version: 1.0\n"
	 "Content-Type: multipart/mixed; boundary=\"XX\"\n"
	 "\n"
	 "preamble\n"
	 "--XX\n"
	 "Content-Type: text/plain\n"
	 "\n"
	 "see attached\n"
	 "--XX\n"
	 "Content-Type: text/x-patch; name=\"0001-fix.patch\"\n"
	 "Content-Disposition: attachment; filename=\"0001-fix.patch\"\n"
	 "\n"
	 "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"
	 "--XX--\n"},
	{"multipart alternative", GMIME,
	 "From: a@example.org\n"
	 "Subject: alt\n"
	 "Content-Type: multipart/alternative; boundary=b\n"
	 "\n"
	 "--b\nContent-Type: text/html\n\n<p>x</p>\n"
	 "--b\nContent-Type: text/plain\n\nplain x\n--b--\n"},
	{"html only", GMIME,
	 "From: a@example.org\n"
	 "Subject: html\n"
	 "Content-Type: text/html; charset=utf-8\n"
	 "\n"
	 "<p>hi</p>\n"},
	{"attachment disposition", GMIME,
	 "From: a@example.org\n"
	 "Subject: att\n"
	 "Content-Type: text/plain\n"
	 "Content-Disposition: attachment; filename=notes.txt\n"
	 "\n"
	 "notes\n"},
	{"inline patch name", HEADERS,
	 "From: a@example.org\n"
	 "Subject: [PATCH] x\n"
	 "Content-Type: text/x-patch; charset=utf-8\n"
	 "Content-Disposition: inline; filename=\"0001-x.patch\"\n"
	 "\n"
	 "diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n"},
	{"message/rfc822", GMIME,
	 "From: a@example.org\n"
	 "Subject: Fwd: x\n"
	 "Content-Type: message/rfc822\n"
	 "\n"
	 "From: b@example.org\nSubject: inner\n\ninner body\n"},
	{"unknown transfer encoding", HEADERS,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Transfer-Encoding: x-weird\n"
	 "\n"
	 "body\n"},
	{"uppercase names and values", PLAIN,
	 "FROM: A B <A.B@EXAMPLE.ORG>\n"
	 "SUBJECT: [PATCH 2/5] UP\n"
	 "MESSAGE-ID: <UP@EXAMPLE.ORG>\n"
	 "CONTENT-TYPE: TEXT/PLAIN; CHARSET=UTF-8\n"
	 "CONTENT-TRANSFER-ENCODING: 8BIT\n"
	 "\n"
	 "body\n"},
	{"missing everything", PLAIN,
	 "X-Nothing: here\n"
	 "\n"
	 "just a body\n"},
	{"empty values", HEADERS,
	 "From:\n"
	 "Subject:\n"
	 "Date:\n"
	 "Message-ID:\n"
	 "References:\n"
	 "In-Reply-To:\n"
	 "\n"
	 "body\n"},
	{"odd From forms", PLAIN,
	 "From: \"Doe, Jane (Team)\" <jane@example.org> (comment)\n"
	 "Subject: odd from\n"
	 "\n"
	 "x\n"},
	{"From without brackets", PLAIN,
	 "From: jane@example.org (Jane Doe)\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From group", PLAIN,
	 "From: undisclosed-recipients:;\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From group with member", PLAIN,
	 "From: team: Jane <jane@example.org>;\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From with an unterminated comment", HEADERS,
	 "From: Tree Shaker <shaker@example.org> ( insertion(+),\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From that does not parse", HEADERS,
	 "From: <<<\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From no domain", PLAIN,
	 "From: Jane <jane>\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"From raw utf-8 name", PLAIN,
	 "From: J\xc3\xbcrgen Gro\xc3\x9f <jgross@example.com>\n"
	 "Subject: Re: [PATCH] caf\xc3\xa9\n"
	 "\n"
	 "x\n"},
	{"From latin-1 raw name", PLAIN,
	 "From: Ren\xe9 <rene@example.fr>\n"
	 "Subject: x\n"
	 "\n"
	 "x\n"},
	{"two From and two Subject", HEADERS,
	 "From: First <first@example.org>\n"
	 "Subject: one\n"
	 "From: Second <second@example.org>\n"
	 "Subject: two\n"
	 "Message-ID: <one@x>\n"
	 "Message-ID: <two@x>\n"
	 "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
	 "Date: Tue, 2 Jan 2024 00:00:00 +0000\n"
	 "\n"
	 "x\n"},
	{"bad dates", PLAIN,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Date: yesterday at noon\n"
	 "\n"
	 "x\n"},
	{"date before 1970", PLAIN,
	 "From: a@example.org\n"
	 "Date: Thu, 1 Jan 1960 00:00:00 +0000\n"
	 "\n"
	 "x\n"},
	{"date after 2100", PLAIN,
	 "From: a@example.org\n"
	 "Date: Fri, 1 Jan 2106 00:00:00 -1200\n"
	 "\n"
	 "x\n"},
	{"broken ids", PLAIN,
	 "From: a@example.org\n"
	 "Message-ID: not an id at all\n"
	 "In-Reply-To: <a b@c> <good@example.org>\n"
	 "References: <x@y> <x@y> junk <z@y>\n"
	 "\n"
	 "x\n"},
	{"encoded words everywhere", PLAIN,
	 "From: =?utf-8?q?Ma=C3=AFa?= <maia@example.org>\n"
	 "Subject: =?UTF-8?B?W1BBVENIXSDQv9GA0LjQstC10YI=?=\n"
	 " =?UTF-8?B?INC80LjRgA==?=\n"
	 "Message-ID: <=?utf-8?q?x?=@example.org>\n"
	 "\n"
	 "x\n"},
	{"broken encoded word", PLAIN,
	 "From: =?UTF-8?B?!!!?= <a@example.org>\n"
	 "Subject: =?UTF-8?Q?unterminated\n"
	 "\n"
	 "x\n"},
	{"folded with tabs and spaces", PLAIN,
	 "From: Jane\n"
	 "\t Doe <jane@example.org>\n"
	 "Subject: a\n"
	 "    b\n"
	 "\tc\n"
	 "\n"
	 "x\n"},
	{"whitespace-only line in headers", GMIME,
	 "From: a@example.org\n"
	 "Subject: a\n"
	 " \n"
	 "X: y\n"
	 "\n"
	 "x\n"},
	{"line without colon", GMIME,
	 "From: a@example.org\n"
	 "this is not a header\n"
	 "Subject: a\n"
	 "\n"
	 "x\n"},
	{"space before colon", GMIME,
	 "From: a@example.org\n"
	 "Subject : a\n"
	 "\n"
	 "x\n"},
	{"8-bit header name", GMIME,
	 "From: a@example.org\n"
	 "X-\xe9t\xe9: a\n"
	 "\n"
	 "x\n"},
	{"no blank line", GMIME,
	 "From: a@example.org\n"
	 "Subject: only headers\n"},
	{"empty body", PLAIN,
	 "From: a@example.org\n"
	 "Subject: nothing\n"
	 "\n"},
	{"body with NULs and CRs", PLAIN,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "\n"
	 "a\rb\r\r\nc\x01\x7f end\n"},
	{"body without final newline", PLAIN,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "\n"
	 "last line"},
	{"body of blank lines", PLAIN,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "\n"
	 "\n\n\n"},
	{"body with mbox From and boundary-like lines", PLAIN,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Type: text/plain\n"
	 "\n"
	 "From me to you\n--XX\n--XX--\n>From quoted\n"},
	{"pull request", PLAIN,
	 "From: a@example.org\n"
	 "Subject: [GIT PULL] fixes\n"
	 "\n"
	 "The following changes since commit abc:\n\n"
	 "are available in the Git repository at:\n\n"
	 "  git://git.example.org/x.git tags/fixes-1\n"},
	{"send-email author", PLAIN,
	 "From: Sender <s@example.org>\n"
	 "Subject: [PATCH] x\n"
	 "\n"
	 "From: =?UTF-8?B?SsO8cmdlbg==?= <J@Example.org>\n"
	 "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n"
	 "msg\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 "
	 "@@\n-a\n+b\n"},
	{"multipart without boundary", GMIME,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Type: multipart/mixed\n"
	 "\n"
	 "x\n"},
	{"content-type with comments and params", HEADERS,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Type: text/plain (plain); format=flowed; delsp=yes;\n"
	 "  charset=\"UTF-8\"\n"
	 "\n"
	 "flowed \nlines\n"},
	{"broken content-type", GMIME,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Type: ;;;\n"
	 "\n"
	 "x\n"},
	{"two content-types", GMIME,
	 "From: a@example.org\n"
	 "Subject: x\n"
	 "Content-Type: text/plain\n"
	 "Content-Type: multipart/mixed; boundary=z\n"
	 "\n"
	 "--z\n\nx\n--z--\n"},
	{"raw latin-1 subject", PLAIN,
	 "From: a@example.org\n"
	 "Subject: [PATCH] caf\xe9 cr\xe8me\n"
	 "\n"
	 "x\n"},
	{"obsolete dates and zones", PLAIN,
	 "From: a@example.org\n"
	 "Date: 3 Feb 24 09:30 EST (Eastern)\n"
	 "\n"
	 "x\n"},
	{"date with GMT and seconds missing", PLAIN,
	 "From: a@example.org\n"
	 "Date:\tSat, 03 Feb 2024 09:30 GMT\n"
	 "\n"
	 "x\n"},
	{"ids with comments and prose", PLAIN,
	 "From: a@example.org\n"
	 "Message-ID: (comment) <id.1@example.org> (more)\n"
	 "In-Reply-To: <p@example.org> (Jane's message of Mon)\n"
	 "References: <r1@example.org>\n"
	 " <r2@example.org>\n"
	 "\t<r3@example.org> <r1@example.org>\n"
	 "\n"
	 "x\n"},
	{"id without brackets", PLAIN,
	 "From: a@example.org\n"
	 "Message-ID: bare.id@example.org\n"
	 "In-Reply-To: bare.parent@example.org\n"
	 "\n"
	 "x\n"},
	{"content-type spaced", HEADERS,
	 "From: a@example.org\n"
	 "Content-Type: text/plain ; charset = utf-8\n"
	 "\n"
	 "x\n"},
	{"content-type folded", HEADERS,
	 "From: a@example.org\n"
	 "Content-Type: text/plain;\n"
	 " charset=utf-8\n"
	 "\n"
	 "x\n"},
	{"content-length", HEADERS,
	 "From: a@example.org\n"
	 "Content-Length: 2\n"
	 "\n"
	 "xyz\n"},
	{"encoded words in dates and ids", PLAIN,
	 "From: a@example.org\n"
	 "Date: =?utf-8?q?Mon=2C_1_Jan_2024?= 10:00:00 +0000\n"
	 "In-Reply-To: =?utf-8?q?=3Cp=40example=2Eorg=3E?=\n"
	 "References: <a@b> =?utf-8?b?PGNAZD4=?=\n"
	 "\n"
	 "x\n"},
	{"bare CR in header", PLAIN,
	 "From: a@example.org\n"
	 "Subject: a\rb\n"
	 "\n"
	 "x\n"},
	{"CRLF and LF mixed", PLAIN,
	 "From: a@example.org\r\n"
	 "Subject: mixed\n"
	 "\r\n"
	 "line one\r\nline two\n"},
};

static void test_written(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_variants(cases[i].name, cases[i].raw, cases[i].path);
}

/* One "NUL in header value" case: strlen cuts it, so check it whole. */
static void test_nul_header(void **state)
{
	static const char raw[] = "From: a@exa\0mple.org\nSubject: x\n\nx\n";

	(void)state;
	check_same("NUL header", raw, sizeof(raw) - 1);
}

/* Every file of dir (under STEWARD_TEST_DATA); returns how many were
 * read, and in paths[] how many took each path. */
static size_t check_dir(const char *sub, size_t paths[3])
{
	const char *data = getenv("STEWARD_TEST_DATA");
	char dir[4096], path[4096 + 512];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	assert_non_null(data);
	snprintf(dir, sizeof(dir), "%s/%s", data, sub);
	d = opendir(dir);
	assert_non_null(d);
	paths[0] = paths[1] = paths[2] = 0;
	while ((e = readdir(d))) {
		struct st_buf b = ST_BUF_INIT;
		char chunk[65536];
		size_t got;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		f = fopen(path, "rb");
		assert_non_null(f);
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			st_buf_add(&b, chunk, got);
		fclose(f);
		paths[check_same(e->d_name, b.buf ? b.buf : "", b.len)]++;
		n++;
		st_buf_release(&b);
	}
	closedir(d);
	return n;
}

static void test_files(void **state)
{
	size_t paths[3];

	(void)state;
	/* Most real test mails are plain single-part: both fast paths
	 * must be taken, and the full parse too. */
	assert_true(check_dir("mail", paths) >= 18);
	assert_true(paths[PLAIN] >= 8);
	assert_true(paths[HEADERS] >= 2);
	assert_true(paths[GMIME] >= 2);
	assert_true(check_dir("fuzz/message", paths) >= 10);
	assert_true(check_dir("fuzz/message-fast", paths) >= 20);
	assert_true(paths[PLAIN] >= 6);
	assert_true(paths[HEADERS] >= 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_written),
		cmocka_unit_test(test_nul_header),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
