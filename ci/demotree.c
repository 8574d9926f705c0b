/*
 * demotree.c: the generator's source tree and the one-hunk changes made to
 * it (see demotree.h). The diffs are printed the way git prints them, so
 * a posted patch and the commit made from it share their patch-id.
 */
#include "demotree.h"

#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTX	    3 /* lines of diff context, as git */
#define CACHE_SLOTS 32

/* SHA-1 (FIPS 180-4), for blob ids: a state can be copied and resumed. */
struct sha1 {
	uint32_t h[5];
	uint64_t len; /* bytes hashed */
	unsigned char buf[64];
	size_t nbuf;
};

/* SHA-1 states after "blob <len>\0" and the text before the anchor. */
struct ci_demotree_cache {
	size_t len[CACHE_SLOTS]; /* total post-image length; 0: free */
	struct sha1 state[CACHE_SLOTS];
	size_t next; /* the slot to replace next */
};

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k, t;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		t = ROL(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = ROL(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sha1_init(struct sha1 *s)
{
	static const uint32_t h0[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE,
				       0x10325476, 0xC3D2E1F0};

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
	s->nbuf = 0;
}

static void sha1_update(struct sha1 *s, const void *data, size_t n)
{
	const unsigned char *p = data;

	s->len += n;
	if (s->nbuf) {
		size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;

		memcpy(s->buf + s->nbuf, p, take);
		s->nbuf += take;
		p += take;
		n -= take;
		if (s->nbuf < 64)
			return;
		sha1_block(s->h, s->buf);
		s->nbuf = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		sha1_block(s->h, p);
	memcpy(s->buf, p, n);
	s->nbuf = n;
}

static void sha1_final(struct sha1 *s, unsigned char out[20])
{
	static const unsigned char pad[64] = {0x80};
	uint64_t bits = s->len * 8;
	unsigned char lenb[8];

	sha1_update(s, pad, s->nbuf < 56 ? 56 - s->nbuf : 120 - s->nbuf);
	for (int i = 0; i < 8; i++)
		lenb[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, lenb, 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}

/* What a declaration added to a header says, by version. */
static const char *const attrs[4] = {"", " __must_check", " __pure", " __cold"};

/* ---- text helpers ------------------------------------------------------ */

enum ci_demotree_kind ci_demotree_kind_of(const char *path)
{
	size_t n = strlen(path);

	if (n > 2 && !strcmp(path + n - 2, ".c"))
		return CI_DEMOTREE_C;
	if (n > 2 && !strcmp(path + n - 2, ".h"))
		return CI_DEMOTREE_H;
	if (n > 3 && !strcmp(path + n - 3, ".md"))
		return CI_DEMOTREE_MD;
	return CI_DEMOTREE_OTHER;
}

const char *ci_demotree_base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The identifier prefix a file's functions use: "xc_domain.c" -> "xc_domain".
 */
void ci_demotree_file_stem(char *out, size_t size, const char *path)
{
	const char *b = ci_demotree_base_name(path);
	size_t i = 0;

	for (; b[i] && b[i] != '.' && i + 1 < size; i++)
		out[i] = b[i] == '-' ? '_' : b[i];
	out[i] = '\0';
}

/* memmem without _GNU_SOURCE: first n bytes equal to needle in h. */
const char *ci_demotree_find(const char *h, size_t hl, const char *needle,
			     size_t n)
{
	const char *e = h + hl;

	while (n && (size_t)(e - h) >= n) {
		const char *p = memchr(h, needle[0], (size_t)(e - h) - n + 1);

		if (!p)
			return NULL;
		if (!memcmp(p, needle, n))
			return p;
		h = p + 1;
	}
	return NULL;
}

size_t ci_demotree_count_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *e = p + len;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p)))) {
		n++;
		p++;
	}
	return n;
}

size_t ci_demotree_line_len(const char *p, const char *e)
{
	const char *nl = memchr(p, '\n', (size_t)(e - p));

	return nl ? (size_t)(nl - p) : (size_t)(e - p);
}

/* Line of byte offset off (the line it starts or is in). */
size_t ci_demotree_line_at(const struct ci_demotree_file *f, size_t off)
{
	size_t lo = 0, hi = f->nlines;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->lines[mid] <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : 0;
}

/* Byte offset of line i (0-based); the length when i is past the end. */
size_t ci_demotree_off(const struct ci_demotree_file *f, size_t i)
{
	return i < f->nlines ? f->lines[i] : f->text.len;
}

/* Index the lines of f after its text changed (rare: commits only). */
void ci_demotree_reindex(struct ci_demotree_file *f)
{
	const char *t = f->text.buf, *hit = NULL;
	size_t n = ci_demotree_count_lines(t, f->text.len), i = 0;

	free(f->lines);
	free(f->cache);
	f->cache = NULL;
	f->lines = st_xcalloc(n + 1, sizeof(*f->lines));
	f->nlines = n;
	for (const char *p = t; i < n; i++) {
		f->lines[i] = (size_t)(p - t);
		p = memchr(p, '\n', f->text.len - (size_t)(p - t)) + 1;
	}
	f->has_oid = false;
	if (f->kind == CI_DEMOTREE_C)
		hit = ci_demotree_find(t, f->text.len,
				       "\n/*\n * Local variables:", 23);
	else if (f->kind == CI_DEMOTREE_H)
		hit = ci_demotree_find(t, f->text.len, "\n\n#endif /* __", 14);
	f->anchor = hit ? ci_demotree_line_at(f, (size_t)(hit - t) + 1) : n;
}

void ci_demotree_file_release(struct ci_demotree_file *f)
{
	st_buf_release(&f->text);
	free(f->lines);
	free(f->cache);
	f->lines = NULL;
	f->cache = NULL;
	f->nlines = 0;
}

void ci_demotree_release(struct ci_demotree *t)
{
	for (size_t i = 0; i < t->n; i++)
		ci_demotree_file_release(&t->files[i]);
	free(t->files);
	t->files = NULL;
	t->n = 0;
}

void ci_demotree_copy(struct ci_demotree *dst, const struct ci_demotree *src)
{
	dst->n = src->n;
	dst->files = st_xcalloc(src->n, sizeof(*dst->files));
	for (size_t i = 0; i < src->n; i++) {
		dst->files[i] = src->files[i];
		dst->files[i].text = (struct st_buf)ST_BUF_INIT;
		dst->files[i].lines = NULL;
		dst->files[i].cache = NULL;
		st_buf_add(&dst->files[i].text, src->files[i].text.buf,
			   src->files[i].text.len);
		ci_demotree_reindex(&dst->files[i]);
	}
}

void ci_demotree_post_oid(git_oid *out, struct ci_demotree_file *f, size_t line,
			  size_t del, const struct st_buf *add)
{
	size_t a = ci_demotree_off(f, line), z = ci_demotree_off(f, line + del);
	size_t total = a + add->len + (f->text.len - z);
	bool cacheable = del == 0 && line == f->anchor;
	struct ci_demotree_cache *c = f->cache;
	struct sha1 s;
	char hdr[32];
	size_t i = 0;
	int n;

	if (cacheable && c)
		for (; i < CACHE_SLOTS && c->len[i] != total; i++)
			;
	if (cacheable && c && i < CACHE_SLOTS) {
		s = c->state[i];
	} else {
		n = snprintf(hdr, sizeof(hdr), "blob %zu", total);
		sha1_init(&s);
		sha1_update(&s, hdr, (size_t)n + 1); /* with its NUL */
		sha1_update(&s, f->text.buf, a);
		if (cacheable) {
			if (!f->cache)
				f->cache = st_xcalloc(1, sizeof(*f->cache));
			c = f->cache;
			c->len[c->next] = total;
			c->state[c->next] = s;
			c->next = (c->next + 1) % CACHE_SLOTS;
		}
	}
	sha1_update(&s, add->buf, add->len);
	sha1_update(&s, f->text.buf + z, f->text.len - z);
	sha1_final(&s, out->id);
}

const git_oid *ci_demotree_oid(struct ci_demotree_file *f)
{
	if (!f->has_oid) {
		git_odb_hash(&f->oid, f->text.buf, f->text.len,
			     GIT_OBJECT_BLOB);
		f->has_oid = true;
	}
	return &f->oid;
}

/* Line index where ADD inserts in f: before the C/H tail, or at the end. */
size_t ci_demotree_anchor(const struct ci_demotree_file *f)
{
	return f->anchor;
}

/*
 * The lines an op adds (each ending in "\n"). ADD blocks end with the
 * blank line that separates them from what follows: with the blank line
 * before the insertion point that is the lowest position of the slider,
 * the one both git and libgit2 choose, so the posted diff is the diff of
 * the commit.
 */
void ci_demotree_op_text(struct st_buf *b, const struct ci_demotree_file *f,
			 const struct ci_demotree_op *op, int version,
			 bool edited)
{
	st_buf_reset(b);
	if (op->kind == CI_DEMOTREE_MOD) {
		st_buf_addf(b, "    return x ^ 0x%llx;\n",
			    (unsigned long long)(op->uid * 64 +
						 (uint64_t)version * 4 +
						 edited));
		return;
	}
	switch (f->kind) {
	case CI_DEMOTREE_C:
		st_buf_addf(b,
			    "int %s(unsigned int x)\n{\n"
			    "    return x * %u + %u;\n}\n\n",
			    op->fn, (unsigned)(2 + op->uid % 9),
			    (unsigned)(version * 10 + op->uid % 10 +
				       (edited ? 100 : 0)));
		break;
	case CI_DEMOTREE_H:
		st_buf_addf(b, "%s %s(unsigned int x)%s;\n",
			    edited ? "long" : "int", op->fn,
			    attrs[(version - 1) % 4]);
		break;
	default:
		st_buf_addf(b,
			    "\n## %s\n\nThe %s option controls %s "
			    "(revision %d%s).\n",
			    op->fn, op->fn, op->topic, version,
			    edited ? ", amended" : "");
		break;
	}
}

/* Post-image of f: del lines at line replaced by add. */
void ci_demotree_post_image(struct st_buf *post,
			    const struct ci_demotree_file *f, size_t line,
			    size_t del, const struct st_buf *add)
{
	size_t a = ci_demotree_off(f, line);
	size_t z = ci_demotree_off(f, line + del);

	st_buf_reset(post);
	st_buf_add(post, f->text.buf, a);
	st_buf_add(post, add->buf, add->len);
	st_buf_add(post, f->text.buf + z, f->text.len - z);
}

/* ---- changes and diffs ------------------------------------------------- */

static void add_range(struct st_buf *b, size_t start, size_t count)
{
	if (count == 1)
		st_buf_addf(b, "%zu", start);
	else if (count == 0)
		st_buf_addf(b, "%zu,0", start - 1);
	else
		st_buf_addf(b, "%zu,%zu", start, count);
}

static void add_lines(struct st_buf *b, char mark, const char *p, const char *e)
{
	while (p < e) {
		size_t n = ci_demotree_line_len(p, e);

		st_buf_addch(b, mark);
		st_buf_add(b, p, n);
		st_buf_addch(b, '\n');
		p += n + 1;
	}
}

/*
 * "diff --git" for one file, as git prints it: one hunk, 3 lines of
 * context, the function line after "@@" found as xdiff's default does (the
 * nearest line above the hunk starting with a letter, '_' or '$').
 */
void ci_demotree_diff(struct st_buf *b, const struct ci_demotree_file *f,
		      size_t line, size_t del, const struct st_buf *add,
		      const git_oid *pre, const git_oid *post)
{
	char a[13], z[13];
	size_t n = f->nlines;
	size_t nadd = ci_demotree_count_lines(add->buf, add->len);
	size_t cb = line < CTX ? line : CTX;
	size_t ca = n - line - del < CTX ? n - line - del : CTX;
	size_t o0 = ci_demotree_off(f, line - cb);
	size_t o1 = ci_demotree_off(f, line);
	size_t o2 = ci_demotree_off(f, line + del);
	size_t o3 = ci_demotree_off(f, line + del + ca);
	const char *t = f->text.buf;

	git_oid_tostr(a, sizeof(a), pre);
	git_oid_tostr(z, sizeof(z), post);
	st_buf_addf(b,
		    "diff --git a/%s b/%s\nindex %s..%s 100644\n"
		    "--- a/%s\n+++ b/%s\n@@ -",
		    f->path, f->path, a, z, f->path, f->path);
	add_range(b, line - cb + 1, cb + del + ca);
	st_buf_addstr(b, " +");
	add_range(b, line - cb + 1, cb + nadd + ca);
	st_buf_addstr(b, " @@");
	for (size_t i = line - cb; i-- > 0;) {
		size_t off = ci_demotree_off(f, i);
		unsigned char c = (unsigned char)t[off];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || c == '$') {
			size_t len =
				ci_demotree_line_len(t + off, t + f->text.len);

			if (len > 80)
				len = 80;
			while (len > 0 && (t[off + len - 1] == ' ' ||
					   t[off + len - 1] == '\t'))
				len--;
			st_buf_addch(b, ' ');
			st_buf_add(b, t + off, len);
			break;
		}
	}
	st_buf_addch(b, '\n');
	add_lines(b, ' ', t + o0, t + o1);
	add_lines(b, '-', t + o1, t + o2);
	add_lines(b, '+', add->buf, add->buf + add->len);
	add_lines(b, ' ', t + o2, t + o3);
}

/* Name of the function whose body holds line (its signature line). */
void ci_demotree_enclosing_fn(char *out, size_t size,
			      const struct ci_demotree_file *f, size_t line)
{
	const char *t = f->text.buf;

	snprintf(out, size, "unknown");
	for (size_t i = line; i-- > 0;) {
		size_t off = ci_demotree_off(f, i);
		const char *p = t + off, *paren;
		size_t len = ci_demotree_line_len(p, t + f->text.len);

		if (len == 0 || p[0] == ' ' || p[0] == '{' || p[0] == '}')
			continue;
		paren = memchr(p, '(', len);
		if (paren) {
			const char *s = paren;

			while (s > p && s[-1] != ' ' && s[-1] != '*')
				s--;
			snprintf(out, size, "%.*s", (int)(paren - s), s);
		}
		return;
	}
}

size_t ci_demotree_count_returns(const struct ci_demotree_file *f,
				 size_t *nth_line, uint64_t nth)
{
	const char *p = f->text.buf, *e = p + f->text.len;
	size_t n = 0, line = 0;

	while (p < e) {
		size_t len = ci_demotree_line_len(p, e);

		if (len > 11 && !memcmp(p, "    return ", 11)) {
			if (nth_line && n == nth)
				*nth_line = line;
			n++;
		}
		p += len + 1;
		line++;
	}
	return n;
}
