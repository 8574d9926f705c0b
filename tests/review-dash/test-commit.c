/*
 * test-commit.c: review-dash/commit.c against libgit2 itself. Raw commit
 * objects, written into a repository made here, are read both ways: when
 * rd_commit_parse takes one, every value (tree, parents, names,
 * addresses, times, raw message) must be libgit2's, and it must take
 * the plain form git writes; what libgit2 refuses it must refuse. The
 * summary is compared with git_commit_summary on hand-picked and random
 * messages.
 */
#include "checks/build.h"
#include "common/buf.h"
#include "review-dash/commit.h"
#include "tests/review-dash/commit-reference.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TREE "4b825dc642cb6eb9a060e54bf8d69288fbe4904b"
#define P1   "1111111111111111111111111111111111111111"
#define P2   "2222222222222222222222222222222222222222"
#define P3   "3333333333333333333333333333333333333333"
#define WHO1 "A U Thor <author@example.org> 1700000000 +0100"
#define WHO  WHO1 "\n"

static char tmp[64];
static git_repository *repo;
static git_odb *odb;

/* Write raw (len bytes) as a commit and compare both readings. Returns
 * whether commit.c took it. */
static bool compare(const char *raw, size_t len)
{
	git_oid id;
	git_commit *c = NULL;
	struct rd_commit rc;
	int ours, theirs;

	assert_int_equal(git_odb_write(&id, odb, raw, len, GIT_OBJECT_COMMIT),
			 0);
	theirs = git_commit_lookup(&c, repo, &id);
	ours = rd_commit_parse(&rc, raw, len);
	if (theirs < 0) {
		if (ours == 0)
			fail_msg("libgit2 refuses, commit.c takes:\n%s", raw);
		git_error_clear();
		return false;
	}
	if (ours == 0 && cref_mismatch(&rc, c))
		fail_msg("%s differs from libgit2's:\n%s",
			 cref_mismatch(&rc, c), raw);
	git_commit_free(c);
	return ours == 0;
}

static bool compare_str(const char *raw)
{
	return compare(raw, strlen(raw));
}

/* git_commit_summary and rd_commit_add_summary of one raw message. */
static void compare_summary(const char *msg, size_t len)
{
	struct st_buf raw = ST_BUF_INIT, ours = ST_BUF_INIT;
	git_oid id;
	git_commit *c;

	st_buf_addstr(&raw, "tree " TREE "\nauthor " WHO "committer " WHO "\n");
	st_buf_add(&raw, msg, len);
	assert_int_equal(
		git_odb_write(&id, odb, raw.buf, raw.len, GIT_OBJECT_COMMIT),
		0);
	assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
	rd_commit_add_summary(&ours, git_commit_message_raw(c),
			      strlen(git_commit_message_raw(c)));
	if (strcmp(ours.buf, git_commit_summary(c)))
		fail_msg("summary of '%s': libgit2 '%s', commit.c '%s'",
			 git_commit_message_raw(c), git_commit_summary(c),
			 ours.buf);
	git_commit_free(c);
	st_buf_release(&raw);
	st_buf_release(&ours);
}

static void test_plain_forms_taken(void **state)
{
	static const char *const plain[] = {
		"tree " TREE "\nauthor " WHO "committer " WHO "\nsubject\n",
		"tree " TREE "\nparent " P1 "\nauthor " WHO "committer " WHO
		"\nsubject\n\nbody\n\nSigned-off-by: A <a@b>\n",
		"tree " TREE "\nparent " P1 "\nparent " P2 "\nparent " P3
		"\nauthor " WHO "committer " WHO "\nMerge\n",
		/* Headers after the committer, continuation lines. */
		"tree " TREE "\nauthor " WHO "committer " WHO
		"encoding ISO-8859-1\ngpgsig -----BEGIN PGP SIGNATURE-----\n "
		"\n abc\n -----END PGP SIGNATURE-----\n\nsigned\n",
		/* No message; no blank line; leading blank lines kept. */
		"tree " TREE "\nauthor " WHO "committer " WHO,
		"tree " TREE "\nauthor " WHO "committer " WHO "\n",
		"tree " TREE "\nauthor " WHO "committer " WHO "\n\n\nlate\n",
		/* No zone; names with inner punctuation and UTF-8. */
		"tree " TREE "\nauthor J. R. R. Tolkien <jrr@x.org> 5\n"
		"committer Zoë d'Arc <z@x> 0 +0000\n\nm\n",
		"tree " TREE "\nauthor a>b <c@d> 1 -0700\ncommitter x <y> 2 "
		"+0000\n\nm\n",
		"tree " TREE "\nauthor " WHO "committer " WHO "\nnul\0after\n",
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (!compare(plain[i],
			     i == 9 ? strlen(plain[i]) + 7 : strlen(plain[i])))
			fail_msg("plain commit %zu left to libgit2:\n%s", i,
				 plain[i]);
}

static void test_odd_forms(void **state)
{
	static const char *const who[] = {
		" Name <a@b> 1 +0000",
		"Name  <a@b> 1 +0000",
		"Name. <a@b> 1 +0000",
		"'Name' <a@b> 1 +0000",
		"Name < a@b > 1 +0000",
		"Name <a@b.> 1 +0000",
		"<a@b> 1 +0000",
		"Name <> 1 +0000",
		"Name <a@b>",
		"Name <a@b> ",
		"Name <a@b>  1 +0000",
		"Name <a@b> -5 +0000",
		"Name <a@b> +5 +0000",
		"Name <a@b> 12x +0000",
		"Name <a@b> 99999999999999999999 +0000",
		"Name <a <b> 1 +0000",
		"Name <a> b> 1 +0000",
		"Name a@b> 1 +0000",
		"Name <a@b 1 +0000",
		"N\tame <a@b> 1 +0000",
		"Name\t<a@b> 1 +0000",
		"Name <a@b>\t1 +0000",
		"Name <a@b> 1",
		"",
		"Name <a@b> 1 +0000 extra",
	};
	size_t taken = 0, n = 0;

	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		for (int role = 0; role < 2; role++) {
			char raw[512];

			snprintf(raw, sizeof(raw),
				 "tree " TREE
				 "\nauthor %s\ncommitter %s\n\nm\n",
				 role ? WHO1 : who[i], role ? who[i] : WHO1);
			taken += compare_str(raw);
			n++;
		}
	}
	/* Broken headers: libgit2 refuses some, commit.c all of them. */
	static const char *const broken[] = {
		"tree " TREE "\ncommitter " WHO "\nm\n",
		"tree " TREE "\nauthor " WHO "\nm\n",
		"tree 123\nauthor " WHO "committer " WHO "\nm\n",
		"parent " P1 "\ntree " TREE "\nauthor " WHO "committer " WHO,
		"tree " TREE "\nparent " P1 "x\nauthor " WHO "committer " WHO,
		"tree " TREE "\nauthor " WHO "author " WHO "committer " WHO,
		"tree " TREE "\nauthor " WHO "committer " WHO "encoding x",
		"tree " TREE,
		"",
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++)
		if (compare_str(broken[i]))
			fail_msg("commit.c takes broken commit %zu", i);
	/* Plain enough ones are still taken. */
	assert_true(taken > 0 && taken < n);
}

static void test_summaries(void **state)
{
	static const char *const msgs[] = {
		"",
		"\n",
		"\n\n\nfirst\n",
		"one line",
		"  leading spaces\n",
		"two\nlines\n\nbody\n",
		"two\n  \nlines\n",
		"a\tb  c\n d\n",
		"trailing  \n\nx",
		"\t\n\tx\n",
		"a\r\nb\r\n\r\nc\n",
		"x\n\t\n",
		"x \n y\n\n",
		"x\vy\fz\n",
		"end with spaces   ",
	};
	const char alphabet[] = "ab \t\n\n\r\v\f.";
	uint32_t x = 42;

	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++)
		compare_summary(msgs[i], strlen(msgs[i]));
	for (int i = 0; i < 5000; i++) {
		char m[48];
		size_t len;

		x = x * 1103515245u + 12345u;
		len = (x >> 16) % sizeof(m);
		for (size_t k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			m[k] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		compare_summary(m, len);
	}
}

static int setup(void **state)
{
	snprintf(tmp, sizeof(tmp), "/tmp/steward-commit-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	assert_int_equal(git_repository_init(&repo, tmp, true), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	return 0;
}

static int teardown(void **state)
{
	git_odb_free(odb);
	git_repository_free(repo);
	return chk_build_rmtree(tmp, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_forms_taken),
		cmocka_unit_test(test_odd_forms),
		cmocka_unit_test(test_summaries),
	};
	int rc;

	git_libgit2_init();
	/* The trees and parents named need not exist. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	rc = cmocka_run_group_tests(tests, setup, teardown);
	git_libgit2_shutdown();
	return rc;
}
