/* fuzz-objects.c: libFuzzer target for the pack reader (objects.c): a
 * pack and its index are built from the input and each object in it is
 * read twice with no cache, then twice with a small one. Nothing may
 * crash, hang or leak; a read gives an object of a known type or an
 * error with a message. Input: a count n (1 to 8), n 2-byte offsets into
 * the body, the body (pack entries: headers, zlib data, deltas). */
#include "common/error.h"
#include "review-dash/objects.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void write_file(const char *path, const void *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, p, len) != (ssize_t)len)
		__builtin_trap();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], pack[128], idx[128];
	git_repository *repo = NULL;
	static const size_t caches[] = {0, 4096};
	unsigned char *p, *x;
	size_t n, body, plen, ilen;
	git_oid ids[8];

	if (!dir[0]) {
		git_libgit2_init();
		snprintf(dir, sizeof(dir), "/tmp/fuzz-objects-XXXXXX");
		if (!mkdtemp(dir) || git_repository_init(&repo, dir, true) < 0)
			__builtin_trap();
		git_repository_free(repo);
		snprintf(pack, sizeof(pack), "%s/objects/pack/pack-f.pack",
			 dir);
		snprintf(idx, sizeof(idx), "%s/objects/pack/pack-f.idx", dir);
	}
	if (size < 1)
		return 0;
	n = 1 + data[0] % 8;
	if (size < 1 + 2 * n)
		return 0;
	body = size - 1 - 2 * n;
	/* The pack: header, body, a trailer (its checksum is not read). */
	plen = 12 + body + 20;
	p = calloc(1, plen);
	memcpy(p, "PACK", 4);
	put32(p + 4, 2);
	put32(p + 8, (uint32_t)n);
	memcpy(p + 12, data + 1 + 2 * n, body);
	/* The index: fan-out, ids 01.. 02.. in order, CRCs, offsets. */
	ilen = 8 + 256 * 4 + n * (20 + 4 + 4) + 40;
	x = calloc(1, ilen);
	memcpy(x, "\377tOc", 4);
	put32(x + 4, 2);
	for (size_t i = 0; i < n; i++) {
		memset(ids[i].id, 0, sizeof(ids[i].id));
		ids[i].id[0] = (unsigned char)(i + 1);
		ids[i].id[19] = 0x5a;
		memcpy(x + 8 + 1024 + i * 20, ids[i].id, 20);
		put32(x + 8 + 1024 + n * 24 + i * 4,
		      12 + (uint32_t)((data[1 + 2 * i] << 8 | data[2 + 2 * i]) %
				      (body ? body : 1)));
	}
	for (int b = 0; b < 256; b++) {
		uint32_t below = 0;

		for (size_t i = 0; i < n; i++)
			below += ids[i].id[0] <= b;
		put32(x + 8 + 4 * b, below);
	}
	write_file(pack, p, plen);
	write_file(idx, x, ilen);
	free(p);
	free(x);
	/* A repository per input: libgit2 maps packs, and what it mapped of
	 * the last input's pack (for the reads this reader leaves to it)
	 * must not outlive the file being rewritten. */
	if (git_repository_open(&repo, dir) < 0)
		__builtin_trap();
	for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++) {
		struct rd_objects *r = rd_objects_new(repo, caches[c]);

		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < n; i++) {
				struct rd_object *o = NULL;
				struct st_error err = ST_ERROR_INIT;

				if (rd_objects_read(&o, r, &ids[i],
						    GIT_OBJECT_ANY,
						    &err) == 0) {
					if (rd_object_type(o) <
						    GIT_OBJECT_COMMIT ||
					    rd_object_type(o) >
						    GIT_OBJECT_TAG ||
					    rd_object_data(
						    o)[rd_object_size(o)] !=
						    '\0')
						__builtin_trap();
				} else if (o || !err.msg[0]) {
					__builtin_trap();
				}
				rd_object_release(o);
			}
		rd_objects_free(r);
	}
	git_repository_free(repo);
	return 0;
}
