/*
 * patchid.c: `git patch-id --stable` over diff text, following git 2.39's
 * builtin/patch-id.c line by line: text before the first "diff " line is
 * ignored, "index" lines are skipped (their ids only count for binary
 * files), white space is removed from every other line, hunk headers are
 * parsed for their line counts only, and each file's SHA-1 is added into
 * the result as a 160-bit number (--stable), so file order does not
 * matter. SHA-1 comes from nettle.
 */
#include "review-dash/patchid.h"

#include <nettle/sha1.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define HEXSZ 40

/* SHA-1 fed in large pieces: one call per line would cost more than the
 * hashing of so short a text. */
struct hasher {
	struct sha1_ctx ctx;
	size_t n;
	uint8_t buf[4096];
};

static void hasher_flush(struct hasher *h)
{
	sha1_update(&h->ctx, h->n, h->buf);
	h->n = 0;
}

static void hasher_add(struct hasher *h, const void *p, size_t n)
{
	if (h->n + n > sizeof(h->buf)) {
		hasher_flush(h);
		if (n > sizeof(h->buf)) {
			sha1_update(&h->ctx, n, p);
			return;
		}
	}
	memcpy(h->buf + h->n, p, n);
	h->n += n;
}

/* Add this file's digest into result with carry, then restart the hash
 * (git's flush_one_hunk). */
static void flush_one_hunk(uint8_t result[SHA1_DIGEST_SIZE], struct hasher *h)
{
	uint8_t hash[SHA1_DIGEST_SIZE];
	unsigned carry = 0;

	hasher_flush(h);
	sha1_digest(&h->ctx, sizeof(hash), hash); /* also re-initialises */
	for (int i = 0; i < SHA1_DIGEST_SIZE; ++i) {
		carry += result[i] + hash[i];
		result[i] = (uint8_t)carry;
		carry >>= 8;
	}
}

static bool starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(line, prefix, n);
}

static bool is_hex_oid(const char *p, size_t len)
{
	if (len < HEXSZ)
		return false;
	for (size_t i = 0; i < HEXSZ; i++)
		if (!isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

/* Parse "@@ -a[,b] +c[,d] @@" into the line counts b and d (1 when
 * absent), like git's scan_hunk_header. */
static void scan_hunk_header(const char *p, size_t len, int *before, int *after)
{
	const char *end = p + len;
	const char *q = p + 4;
	long n[2] = {1, 1};

	for (int k = 0; k < 2; k++) {
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q < end && *q == ',') {
			long v = 0;

			q++;
			while (q < end && isdigit((unsigned char)*q)) {
				if (v < 100000000)
					v = v * 10 + (*q - '0');
				q++;
			}
			n[k] = v;
		}
		if (k == 0) {
			if (q + 1 >= end || q[0] != ' ' || q[1] != '+')
				break;
			q += 2;
		}
	}
	*before = (int)n[0];
	*after = (int)n[1];
}

/* Hash the line without its white space, as git's own isspace() has it:
 * not \f nor \v, which the C library's counts (a form feed line is common
 * in GNU-style sources). Returns the count hashed. Every byte is stored
 * and only the others kept: no branch per byte, which the mix of letters
 * and spaces in code would defeat. */
static size_t hash_without_space(struct hasher *h, const char *line,
				 size_t len)
{
	size_t total = 0;

	while (len) {
		size_t room = sizeof(h->buf) - h->n, k = len < room ? len : room;
		size_t n = h->n;

		for (size_t i = 0; i < k; i++) {
			unsigned char c = (unsigned char)line[i];

			h->buf[n] = c;
			n += !((c == ' ') | (c == '\t') | (c == '\n') |
			       (c == '\r'));
		}
		total += n - h->n;
		h->n = n;
		line += k;
		len -= k;
		if (h->n == sizeof(h->buf)) {
			hasher_flush(h);
		}
	}
	return total;
}

/* The text of an "index A..B[ mode]" line's two ids, as git keeps them. */
static void copy_index_ids(const char *line, size_t len, char *pre, char *post)
{
	const char *p = line + 6, *end = line + len;
	const char *dots = NULL, *stop;
	size_t n;

	for (const char *q = line; q + 1 < end; q++)
		if (q[0] == '.' && q[1] == '.') {
			dots = q;
			break;
		}
	if (!dots || dots < p)
		return;
	stop = memchr(dots, ' ', (size_t)(end - dots));
	if (!stop) {
		stop = end;
		if (stop > dots + 2 && stop[-1] == '\n')
			stop--;
	}
	n = (size_t)(dots - p);
	if (n > HEXSZ)
		n = HEXSZ;
	memcpy(pre, p, n);
	pre[n] = '\0';
	p = dots + 2;
	n = stop > p ? (size_t)(stop - p) : 0;
	if (n > HEXSZ)
		n = HEXSZ;
	memcpy(post, p, n);
	post[n] = '\0';
}

int rd_patch_id(char out[RD_PATCH_ID_HEXSZ], const char *diff, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t result[SHA1_DIGEST_SIZE] = {0};
	char pre[HEXSZ + 1] = "", post[HEXSZ + 1] = "";
	struct hasher h;
	const char *p = diff, *end = diff + len;
	int before = -1, after = -1;
	bool binary = false;
	size_t patchlen = 0;

	sha1_init(&h.ctx);
	h.n = 0;
	out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		const char *line = p, *rest = p;
		size_t restlen = n;

		p += n;
		if (starts_with(line, n, "diff-tree "))
			rest = line + 10;
		else if (starts_with(line, n, "commit "))
			rest = line + 7;
		else if (starts_with(line, n, "From "))
			rest = line + 5;
		else if (starts_with(line, n, "\\ ") && n > 12)
			continue; /* "\ No newline at end of file" */
		restlen = n - (size_t)(rest - line);
		/* A commit id names the patch that follows: when it comes
		 * after a diff, that diff is done. */
		if (is_hex_oid(rest, restlen)) {
			if (patchlen)
				break;
			continue;
		}
		/* Commit message and mail text before the diff. */
		if (!patchlen && !starts_with(line, n, "diff "))
			continue;
		if (before == -1) {
			if (starts_with(line, n, "GIT binary patch") ||
			    starts_with(line, n, "Binary files")) {
				binary = true;
				before = 0;
				hasher_add(&h, pre, strlen(pre));
				hasher_add(&h, post, strlen(post));
				flush_one_hunk(result, &h);
				continue;
			} else if (starts_with(line, n, "index ")) {
				copy_index_ids(line, n, pre, post);
				continue;
			} else if (starts_with(line, n, "--- ")) {
				before = after = 1;
			} else if (!isalpha((unsigned char)line[0])) {
				break;
			}
		}
		if (binary) {
			if (starts_with(line, n, "diff ")) {
				binary = false;
				before = -1;
			}
			continue;
		}
		if (before == 0 && after == 0) {
			if (starts_with(line, n, "@@ -")) {
				scan_hunk_header(line, n, &before, &after);
				continue;
			}
			if (!starts_with(line, n, "diff "))
				break;
			flush_one_hunk(result, &h);
			before = after = -1;
		}
		if (line[0] == '-' || line[0] == ' ')
			before--;
		if (line[0] == '+' || line[0] == ' ')
			after--;
		patchlen += hash_without_space(&h, line, n);
	}
	flush_one_hunk(result, &h);
	if (!patchlen)
		return -1;
	for (int i = 0; i < SHA1_DIGEST_SIZE; i++) {
		out[2 * i] = hex[result[i] >> 4];
		out[2 * i + 1] = hex[result[i] & 15];
	}
	out[HEXSZ] = '\0';
	return 0;
}
