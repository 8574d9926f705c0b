/*
 * patchid.c: `git patch-id --stable` over diff text (git's
 * builtin/patch-id.c, get_one_patchid): each file's header and hunk lines,
 * white space removed and hunk line numbers ignored, are hashed with SHA-1,
 * and the per-file hashes are summed bytewise with carry. Only the text
 * after the first "diff " line counts. Binary diffs hash their index ids.
 */
#include "review-dash/patchid.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

struct pid {
	GChecksum *ctx;
	unsigned char sum[20];
	size_t hashed;
};

static void flush_file(struct pid *p)
{
	guint8 h[20];
	gsize n = sizeof(h);
	unsigned int carry = 0;

	g_checksum_get_digest(p->ctx, h, &n);
	g_checksum_reset(p->ctx);
	for (int i = 0; i < 20; i++) {
		carry += p->sum[i] + h[i];
		p->sum[i] = (unsigned char)carry;
		carry >>= 8;
	}
}

/* Hash line[0..n) with white space removed. */
static void hash_line(struct pid *p, const char *l, size_t n)
{
	char buf[256];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (g_ascii_isspace(l[i]))
			continue;
		buf[o++] = l[i];
		if (o == sizeof(buf)) {
			g_checksum_update(p->ctx, (const guchar *)buf, o);
			p->hashed += o;
			o = 0;
		}
	}
	g_checksum_update(p->ctx, (const guchar *)buf, o);
	p->hashed += o;
}

static bool starts(const char *l, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && !memcmp(l, s, k);
}

/* "@@ -a,b +c,d @@": b and d (1 when absent). */
static void hunk_counts(const char *l, size_t n, long *before, long *after)
{
	const char *p = l + 4, *end = l + n;
	long *which = before;

	*before = *after = 1;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	for (int k = 0; k < 2; k++) {
		if (p < end && *p == ',') {
			long v = 0;

			for (p++; p < end && *p >= '0' && *p <= '9'; p++)
				if (v < 100000000)
					v = v * 10 + (*p - '0');
			*which = v;
		}
		if (k == 0) {
			while (p < end && *p != '+')
				p++;
			if (p < end)
				p++;
			while (p < end && *p >= '0' && *p <= '9')
				p++;
			which = after;
		}
	}
}

int rd_patch_id(char out[RD_PATCH_ID_HEXSZ], const char *diff, size_t len)
{
	struct pid p = {g_checksum_new(G_CHECKSUM_SHA1), {0}, 0};
	long before = -1, after = -1;
	char pre[64] = "", post[64] = "";
	bool binary = false;
	size_t at = 0;

	out[0] = '\0';
	while (at < len) {
		const char *l = diff + at, *nl = memchr(l, '\n', len - at);
		size_t n = nl ? (size_t)(nl - l) : len - at;

		at += n + 1;
		if (!p.hashed && !starts(l, n, "diff "))
			continue;
		if (before == -1) {
			if (starts(l, n, "GIT binary patch") ||
			    starts(l, n, "Binary files")) {
				binary = true;
				before = 0;
				g_checksum_update(p.ctx, (const guchar *)pre,
						  strlen(pre));
				g_checksum_update(p.ctx, (const guchar *)post,
						  strlen(post));
				flush_file(&p);
				continue;
			} else if (starts(l, n, "index ")) {
				const char *dots = memchr(l, '.', n);
				const char *sp;

				if (dots && dots + 2 < l + n &&
				    dots[1] == '.') {
					size_t a = (size_t)(dots - l) - 6;

					sp = memchr(dots + 2, ' ',
						    (size_t)(l + n - dots - 2));
					size_t b = (size_t)((sp ? sp : l + n) -
							    dots - 2);

					if (a < sizeof(pre) &&
					    b < sizeof(post)) {
						memcpy(pre, l + 6, a);
						pre[a] = '\0';
						memcpy(post, dots + 2, b);
						post[b] = '\0';
					}
				}
				continue;
			} else if (starts(l, n, "--- ")) {
				before = after = 1;
			} else if (!n || !g_ascii_isalpha(l[0])) {
				break;
			}
		}
		if (binary) {
			if (starts(l, n, "diff ")) {
				binary = false;
				before = after = -1;
				pre[0] = post[0] = '\0';
			} else {
				continue;
			}
		}
		if (before == 0 && after == 0) {
			if (starts(l, n, "@@ -")) {
				hunk_counts(l, n, &before, &after);
				continue;
			}
			if (!starts(l, n, "diff "))
				break;
			flush_file(&p);
			before = after = -1;
			pre[0] = post[0] = '\0';
		}
		if (n && (l[0] == '-' || l[0] == ' '))
			before--;
		if (n && (l[0] == '+' || l[0] == ' '))
			after--;
		hash_line(&p, l, n);
	}
	if (p.hashed || binary) {
		flush_file(&p);
		for (int i = 0; i < 20; i++)
			g_snprintf(out + 2 * i, 3, "%02x", p.sum[i]);
	}
	g_checksum_free(p.ctx);
	return out[0] ? 0 : -1;
}
