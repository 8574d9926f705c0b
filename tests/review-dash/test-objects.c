/*
 * test-objects.c: review-dash/objects.c against libgit2's object database
 * on repositories made here with git: every object (commits, trees,
 * blobs, an annotated tag; long delta chains, an empty file, a binary
 * one, a 200 KB one) read from loose objects, from a pack of offset deltas, one
 * of reference deltas, one whose index keeps every offset in the 64-bit table,
 * and a pack plus newer loose objects; caches from none to large. Then bad
 * input: a missing object, the wrong type, and packs with bytes flipped or cut
 * short (an error or the right content, never a crash).
 */
#include "checks/build.h"
#include "common/error.h"
#include "review-dash/objects.h"

#include <dirent.h>
#include <fcntl.h>
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

static char tmp[64];

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd));
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A repository under tmp/name: a C-like file edited in 40 commits (one
 * delta chain), a second file renamed and grown, an empty file, a binary
 * file, a subdirectory, an annotated tag. */
static void make_repo(const char *name)
{
	char dir[256], path[512];
	char text[16384];
	static char big[200000];
	unsigned char bin[3000];
	uint32_t x = 12345;

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	sh("git init -q '%s' && mkdir '%s/sub'", dir, dir);
	snprintf(path, sizeof(path), "%s/empty", dir);
	write_file(path, "", 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = i % 61 == 60 ? '\n' : (char)('a' + i * 7 % 26);
	for (size_t i = 0; i < sizeof(bin); i++) {
		x = x * 1103515245u + 12345u;
		bin[i] = (unsigned char)(x >> 16);
	}
	snprintf(path, sizeof(path), "%s/sub/blob.bin", dir);
	write_file(path, (const char *)bin, sizeof(bin));
	for (int v = 0; v < 40; v++) {
		size_t n = 0;

		for (int line = 0; line < 300; line++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "int f%d(void) { return %d; }\n",
					      line,
					      line % 40 == v ? v * 1000 : line);
		snprintf(path, sizeof(path), "%s/main.c", dir);
		write_file(path, text, n);
		/* Over 64 KiB unchanged in a row: copies of 0x10000 bytes,
		 * which a delta writes with a size of 0. */
		memcpy(big + 1000 + 80 * v, "edited", 6);
		snprintf(path, sizeof(path), "%s/big.txt", dir);
		write_file(path, big, sizeof(big));
		snprintf(path, sizeof(path), "%s/sub/%s", dir,
			 v < 20 ? "old.txt" : "new.txt");
		if (v == 20)
			sh("cd '%s' && git mv sub/old.txt sub/new.txt", dir);
		n = (size_t)snprintf(text, sizeof(text), "version %d\n", v);
		for (int k = 0; k < v; k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "line %d of the notes\n", k);
		write_file(path, text, n);
		sh("cd '%s' && git add -A && git -c user.name=T "
		   "-c user.email=t@example.org commit -qm 'version %d'",
		   dir, v);
	}
	sh("cd '%s' && git -c user.name=T -c user.email=t@example.org "
	   "tag -a -m 'the tag' v1",
	   dir);
}

struct cmp {
	git_odb *odb;
	struct rd_objects *r;
	size_t n;
};

/* Every object reads the same through objects.c as through libgit2. */
static int compare_one(const git_oid *id, void *data)
{
	struct cmp *c = data;
	git_odb_object *want = NULL;
	struct rd_object *got = NULL;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(git_odb_read(&want, c->odb, id), 0);
	if (rd_objects_read(&got, c->r, id, GIT_OBJECT_ANY, &err) != 0)
		fail_msg("%s: %s", git_oid_tostr_s(id), err.msg);
	assert_int_equal(rd_object_type(got), git_odb_object_type(want));
	assert_int_equal(rd_object_size(got), git_odb_object_size(want));
	assert_memory_equal(rd_object_data(got), git_odb_object_data(want),
			    rd_object_size(got));
	assert_int_equal(rd_object_data(got)[rd_object_size(got)], '\0');
	rd_object_release(got);
	git_odb_object_free(want);
	c->n++;
	return 0;
}

struct ids {
	git_oid *v;
	size_t n;
};

static int add_id(const git_oid *id, void *data)
{
	struct ids *ids = data;

	ids->v = realloc(ids->v, (ids->n + 1) * sizeof(*ids->v));
	assert_non_null(ids->v);
	git_oid_cpy(&ids->v[ids->n++], id);
	return 0;
}

/* Compare every object of tmp/name with caches of several sizes, each
 * read twice (the second time from the cache, when it fits); the number
 * of objects. loose: how many of them are not in a pack (ALL: none is). */
#define ALL ((size_t)-1)
static size_t compare_all(const char *name, size_t loose)
{
	static const size_t caches[] = {0, 700, 64 << 10, 64 << 20};
	char dir[256];
	git_repository *repo;
	struct cmp c = {0};

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	assert_int_equal(git_repository_open(&repo, dir), 0);
	assert_int_equal(git_repository_odb(&c.odb, repo), 0);
	for (size_t i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		c.r = rd_objects_new(repo, caches[i]);
		assert_non_null(c.r);
		struct rd_objects_stats st;

		for (int pass = 0; pass < 2; pass++) {
			c.n = 0;
			if (git_odb_foreach(c.odb, compare_one, &c) != 0)
				fail_msg("listing %s: %s", name,
					 git_error_last()->message);
		}
		/* Packed objects never come through libgit2; the small
		 * caches are mostly missed, the big one serves the second
		 * pass. */
		rd_objects_get_stats(c.r, &st);
		if (loose == ALL)
			loose = c.n;
		assert_int_equal(st.odb, 2 * loose);
		assert_int_equal(st.packed, 2 * (c.n - loose));
		if (caches[i] > (1 << 20))
			assert_true(st.cached >= c.n - loose);
		if (caches[i] == 0)
			assert_int_equal(st.cached, 0);
		rd_objects_free(c.r);
	}
	/* In random order through a small cache: it fills, and objects
	 * leave it and come back, every one still right. */
	{
		struct ids ids = {0};
		size_t n = c.n;

		uint32_t x = 99;

		assert_int_equal(git_odb_foreach(c.odb, add_id, &ids), 0);
		c.r = rd_objects_new(repo, 32 << 10);
		for (size_t k = 0; k < 8 * ids.n; k++) {
			x = x * 1103515245u + 12345u;
			compare_one(&ids.v[(x >> 8) % ids.n], &c);
		}
		rd_objects_free(c.r);
		free(ids.v);
		c.n = n;
	}
	git_odb_free(c.odb);
	git_repository_free(repo);
	return c.n;
}

/* The pack's .pack path under tmp/name (there is one). */
static void pack_path(char *out, size_t size, const char *name)
{
	char dir[256];
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/%s/.git/objects/pack", tmp, name);
	d = opendir(dir);
	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".pack"))
			snprintf(out, size, "%s/%s", dir, de->d_name);
	closedir(d);
	assert_true(out[0]);
}

/* How many entries of tmp/name's pack are deltas of type (6: offset,
 * 7: reference), from the offsets git verify-pack lists for deltas. */
static size_t count_deltas(const char *name, int type)
{
	char pack[512], cmd[700];
	unsigned long long off;
	unsigned char b;
	FILE *p;
	size_t n = 0, deltas = 0;
	int fd;

	pack_path(pack, sizeof(pack), name);
	/* A delta's line has 7 fields: its depth and base last. */
	snprintf(cmd, sizeof(cmd),
		 "git verify-pack -v '%s' | awk 'NF == 7 { print $5 }'", pack);
	p = popen(cmd, "r");
	assert_non_null(p);
	fd = open(pack, O_RDONLY);
	assert_true(fd >= 0);
	while (fscanf(p, "%llu", &off) == 1) {
		assert_int_equal(pread(fd, &b, 1, (off_t)off), 1);
		n += ((b >> 4) & 7) == type;
		deltas++;
	}
	close(fd);
	pclose(p);
	assert_true(deltas > 0);
	return n;
}

static void test_loose_and_packed(void **state)
{
	size_t n;
	char idx[512];
	struct stat st;

	make_repo("r");
	n = compare_all("r", ALL);
	assert_true(n > 120);
	/* Offset deltas (git's default), chains up to 50. */
	sh("cd '%s/r' && git repack -adfq --depth=50", tmp);
	assert_true(count_deltas("r", 6) > 40);
	assert_int_equal(compare_all("r", 0), n);
	/* Reference deltas: the base named by its id. */
	sh("cd '%s/r' && git -c repack.useDeltaBaseOffset=false "
	   "repack -adfq",
	   tmp);
	assert_true(count_deltas("r", 7) > 40);
	assert_int_equal(compare_all("r", 0), n);
	/* Every offset but the first in the 64-bit table of the index (libgit2
	 * refuses an index with all of them there). */
	sh("cd '%s/r' && git repack -adfq && p=$(ls .git/objects/pack/*.pack) "
	   "&& rm -f ${p%%.pack}.idx && git index-pack "
	   "--index-version=2,12 $p >/dev/null",
	   tmp);
	pack_path(idx, sizeof(idx), "r");
	strcpy(idx + strlen(idx) - 5, ".idx");
	assert_int_equal(stat(idx, &st), 0);
	assert_int_equal(st.st_size, 8 + 256 * 4 + n * 28 + (n - 1) * 8 + 40);
	assert_int_equal(compare_all("r", 0), n);
	/* New loose objects beside the pack. */
	sh("cd '%s/r' && echo more >>main.c && git add main.c && "
	   "git -c user.name=T -c user.email=t@example.org commit -qm more",
	   tmp);
	assert_int_equal(compare_all("r", 3), n + 3);
}

static void test_missing_and_wrong_type(void **state)
{
	char dir[256];
	git_repository *repo;
	struct rd_objects *r;
	struct rd_object *o = (struct rd_object *)&o;
	struct st_error err = ST_ERROR_INIT;
	git_oid id, tree;
	git_commit *c;

	make_repo("m");
	sh("cd '%s/m' && git repack -adfq", tmp);
	snprintf(dir, sizeof(dir), "%s/m", tmp);
	assert_int_equal(git_repository_open(&repo, dir), 0);
	r = rd_objects_new(repo, 1 << 20);
	assert_non_null(r);
	git_oid_fromstr(&id, "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(rd_objects_read(&o, r, &id, GIT_OBJECT_ANY, &err),
			 ST_ENOTFOUND);
	assert_null(o);
	assert_non_null(strstr(err.msg, "0123456789abcdef"));
	assert_int_equal(git_reference_name_to_id(&id, repo, "HEAD"), 0);
	assert_int_equal(git_commit_lookup(&c, repo, &id), 0);
	git_oid_cpy(&tree, git_commit_tree_id(c));
	git_commit_free(c);
	assert_int_equal(rd_objects_read(&o, r, &id, GIT_OBJECT_BLOB, &err),
			 ST_ERROR);
	assert_null(o);
	assert_non_null(strstr(err.msg, "is a commit, not a blob"));
	assert_int_equal(rd_objects_read(&o, r, &tree, GIT_OBJECT_TREE, &err),
			 0);
	assert_int_equal(rd_object_type(o), GIT_OBJECT_TREE);
	/* Cached, so shared: unsharing copies it, and the copy outlives
	 * the reader. Read again, the cache's stays. */
	{
		struct rd_object *mine = rd_object_unshare(o), *again = NULL;

		assert_ptr_not_equal(mine, o);
		assert_int_equal(rd_objects_read(&again, r, &tree,
						 GIT_OBJECT_TREE, &err),
				 0);
		assert_ptr_equal(again, o);
		assert_int_equal(rd_object_size(mine), rd_object_size(again));
		assert_memory_equal(rd_object_data(mine), rd_object_data(again),
				    rd_object_size(mine));
		rd_object_release(again);
		rd_objects_free(r);
		assert_int_equal(rd_object_type(mine), GIT_OBJECT_TREE);
		/* Held only by the caller: unsharing is a no-op. */
		assert_ptr_equal(rd_object_unshare(mine), mine);
		rd_object_release(mine);
	}
	git_repository_free(repo);
}

/* Packs with bytes flipped (1 to 4) or cut short, each read afresh with
 * a repository opened afresh: every read is an error with a message or
 * an object (a flip need not touch it); the sanitizers watch the rest. */
static void test_damaged_packs(void **state)
{
	char dir[256], pack[512];
	git_repository *repo;
	git_odb *odb;
	struct ids ids = {0};
	struct stat st;
	size_t ok = 0, failed = 0;
	uint32_t x = 777;
	int fd;
	unsigned char *orig;

	make_repo("c");
	sh("cd '%s/c' && git repack -adfq --depth=50", tmp);
	snprintf(dir, sizeof(dir), "%s/c", tmp);
	assert_int_equal(git_repository_open(&repo, dir), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_foreach(odb, add_id, &ids), 0);
	git_odb_free(odb);
	git_repository_free(repo);
	pack_path(pack, sizeof(pack), "c");
	assert_int_equal(stat(pack, &st), 0);
	orig = malloc((size_t)st.st_size);
	fd = open(pack, O_RDONLY);
	assert_int_equal(read(fd, orig, (size_t)st.st_size), st.st_size);
	close(fd);
	assert_int_equal(chmod(pack, 0644), 0);
	for (int round = 0; round < 200; round++) {
		unsigned char *b = malloc((size_t)st.st_size);
		size_t len = (size_t)st.st_size;
		struct rd_objects *r;

		memcpy(b, orig, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			x = x * 1103515245u + 12345u;
			/* Past the 12-byte header, before the trailer. */
			b[12 + (x >> 8) % (len - 32)] ^=
				(unsigned char)(1u << (x >> 28) % 8);
		}
		if (round % 10 == 9)
			len = 12 + (x >> 4) % (len - 12);
		fd = open(pack, O_WRONLY | O_TRUNC);
		assert_int_equal(write(fd, b, len), (ssize_t)len);
		close(fd);
		free(b);
		assert_int_equal(git_repository_open(&repo, dir), 0);
		r = rd_objects_new(repo, round % 2 ? 1 << 20 : 0);
		assert_non_null(r);
		for (size_t i = 0; i < ids.n; i++) {
			struct rd_object *o = NULL;
			struct st_error err = ST_ERROR_INIT;

			if (rd_objects_read(&o, r, &ids.v[i], GIT_OBJECT_ANY,
					    &err) == 0) {
				assert_true(rd_object_type(o) >=
						    GIT_OBJECT_COMMIT &&
					    rd_object_type(o) <=
						    GIT_OBJECT_TAG);
				ok++;
			} else {
				assert_null(o);
				assert_true(err.msg[0]);
				failed++;
			}
			rd_object_release(o);
		}
		rd_objects_free(r);
		git_repository_free(repo);
	}
	assert_true(failed > 0);
	assert_true(ok > 0);
	free(ids.v);
	free(orig);
}

static int setup(void **state)
{
	snprintf(tmp, sizeof(tmp), "/tmp/steward-obj-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", tmp, 1);
	return 0;
}

static int teardown(void **state)
{
	return chk_build_rmtree(tmp, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loose_and_packed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_wrong_type,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_packs, setup,
						teardown),
	};
	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return rc;
}
