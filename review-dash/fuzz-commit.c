/* fuzz-commit.c: differential libFuzzer target: what rd_commit_parse
 * takes, libgit2 must take too, with the same tree, parents, names,
 * addresses, times and raw message; and for every commit libgit2 takes,
 * rd_commit_add_summary must give git_commit_summary. The input is
 * written to an in-memory object database (libgit2's mempack). */
#include "common/buf.h"
#include "review-dash/commit.h"
#include "tests/review-dash/commit-reference.h"

#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libgit2 1.5 leaks the first of two "encoding" headers: such inputs
 * would be its leak, not ours. */
static bool two_encodings(const char *p, size_t size)
{
	const char *end = p + size;
	int n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) && ++p < end)
		n += (size_t)(end - p) >= 9 && !memcmp(p, "encoding ", 9);
	return n > 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	git_odb_backend *mem = NULL;
	git_odb *odb = NULL;
	git_repository *repo = NULL;
	const char *raw = (const char *)data;
	struct rd_commit c;
	struct st_buf summary = ST_BUF_INIT;
	git_commit *gc = NULL;
	git_oid id;
	bool ours;

	if (two_encodings(raw, size))
		return 0;
	if (!init) {
		git_libgit2_init();
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
		init = true;
	}
	/* A repository per input: nothing libgit2 keeps (its object cache)
	 * carries from one input to the next. */
	if (git_odb_new(&odb) < 0 || git_mempack_new(&mem) < 0 ||
	    git_odb_add_backend(odb, mem, 1) < 0 ||
	    git_repository_wrap_odb(&repo, odb) < 0)
		__builtin_trap();
	ours = rd_commit_parse(&c, raw, size) == 0;
	if (git_odb_write(&id, odb, raw, size, GIT_OBJECT_COMMIT) < 0)
		__builtin_trap();
	if (git_commit_lookup(&gc, repo, &id) < 0) {
		if (ours)
			__builtin_trap();
		git_error_clear();
		goto out;
	}
	if (ours && cref_mismatch(&c, gc))
		__builtin_trap();
	rd_commit_add_summary(&summary, git_commit_message_raw(gc),
			      strlen(git_commit_message_raw(gc)));
	if (strcmp(summary.buf, git_commit_summary(gc)))
		__builtin_trap();
out:
	git_commit_free(gc);
	st_buf_release(&summary);
	git_repository_free(repo);
	git_odb_free(odb);
	return 0;
}
