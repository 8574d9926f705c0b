/* test-gitwrite.c: commits written through the in-memory pack. */
#include "checks/build.h"
#include "ci/gitwrite.h"

#include "common/buf.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char tmp[] = "/tmp/steward-gitwrite.XXXXXX";

static int setup(void **state)
{
	git_libgit2_init();
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	chk_build_rmtree(tmp, NULL);
	git_libgit2_shutdown();
	return 0;
}

/* Two commits in a new repository at dir/name; their ids to out. */
static void make_repo(const char *name, git_oid out[2])
{
	struct st_buf path = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;
	struct ci_gitwrite *w = NULL;
	struct ci_gitwrite_sig a = {"Zoë Müller", "z@example.org", 1736121600,
				    60};
	struct ci_gitwrite_sig c = {"王伟", "w@example.org", 1736125200, 480};
	struct ci_gitwrite_change root[2] = {{"README", "hello\n", 6},
					     {"a/b/c.txt", "one\n", 4}};
	struct ci_gitwrite_change next = {"a/b/c.txt", "two\n", 4};
	static const char *const names[2] = {"main", "other"};
	git_oid ids[2];

	st_buf_addf(&path, "%s/%s", tmp, name);
	assert_int_equal(ci_gitwrite_open(&w, path.buf, &err), 0);
	assert_int_equal(ci_gitwrite_commit(w, &out[0], NULL, root, 2, &a, &c,
					    "Initial\n", &err),
			 0);
	assert_int_equal(ci_gitwrite_commit(w, &out[1], &out[0], &next, 1, &a,
					    &c, "Change c\n\nBody.\n", &err),
			 0);
	ids[0] = out[1];
	ids[1] = out[0];
	assert_int_equal(ci_gitwrite_finish(w, names, ids, 2, &err), 0);
	ci_gitwrite_free(w);
	st_buf_release(&path);
}

static void test_commits(void **state)
{
	struct st_buf path = ST_BUF_INIT;
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_oid id[2], again[2], got;
	DIR *d;
	struct dirent *de;
	int packs = 0;

	make_repo("one.git", id);
	st_buf_addf(&path, "%s/one.git", tmp);
	assert_int_equal(git_repository_open_bare(&repo, path.buf), 0);
	assert_int_equal(git_reference_lookup(&head, repo, "HEAD"), 0);
	assert_string_equal(git_reference_symbolic_target(head),
			    "refs/heads/main");
	assert_int_equal(
		git_reference_name_to_id(&got, repo, "refs/heads/main"), 0);
	assert_true(git_oid_equal(&got, &id[1]));
	assert_int_equal(
		git_reference_name_to_id(&got, repo, "refs/heads/other"), 0);
	assert_true(git_oid_equal(&got, &id[0]));
	assert_int_equal(git_commit_lookup(&commit, repo, &id[1]), 0);
	assert_int_equal(git_commit_parentcount(commit), 1);
	assert_string_equal(git_commit_author(commit)->name, "Zoë Müller");
	assert_int_equal(git_commit_author(commit)->when.offset, 60);
	assert_int_equal(git_commit_committer(commit)->when.time, 1736125200);
	assert_string_equal(git_commit_message(commit), "Change c\n\nBody.\n");
	assert_int_equal(git_commit_tree(&tree, commit), 0);
	assert_int_equal(git_tree_entry_bypath(&entry, tree, "a/b/c.txt"), 0);
	assert_int_equal(git_blob_lookup(&blob, repo, git_tree_entry_id(entry)),
			 0);
	assert_memory_equal(git_blob_rawcontent(blob), "two\n", 4);
	/* The objects are in a packfile, not loose. */
	st_buf_addstr(&path, "/objects/pack");
	d = opendir(path.buf);
	assert_non_null(d);
	while ((de = readdir(d)))
		packs += strstr(de->d_name, ".pack") != NULL;
	closedir(d);
	assert_int_equal(packs, 1);
	/* Same input, same ids. */
	make_repo("two.git", again);
	assert_true(git_oid_equal(&again[0], &id[0]));
	assert_true(git_oid_equal(&again[1], &id[1]));
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	git_reference_free(head);
	git_repository_free(repo);
	st_buf_release(&path);
}

static void test_errors(void **state)
{
	struct st_buf path = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;
	struct ci_gitwrite *w = (struct ci_gitwrite *)&err;
	FILE *f;

	st_buf_addf(&path, "%s/file", tmp);
	f = fopen(path.buf, "w");
	assert_non_null(f);
	fclose(f);
	st_buf_addstr(&path, "/repo.git");
	assert_int_equal(ci_gitwrite_open(&w, path.buf, &err), ST_ERROR);
	assert_null(w);
	assert_non_null(strstr(err.msg, "/file/repo.git"));
	ci_gitwrite_free(NULL);
	st_buf_release(&path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commits),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
