/*
 * linediff.c: git's default line diff (see linediff.h), written from
 * the description of git 2.39's xdiff: xprepare.c (trim the common ends,
 * put equal lines in one class, set aside lines with no match and runs
 * of lines with too many), xdiffi.c (Myers' middle-snake split with
 * xdiff's cost limits and snake heuristics, then xdl_change_compact:
 * slide each group of changes, line it up with a group in the other
 * text, else the indent heuristic) and xemit.c (hunks three lines of
 * context apart merged). Every choice matters: a different but equally
 * short diff gives another patch-id. It is checked against libgit2's
 * xdiff (tests/review-dash/test-linediff.c, fuzz-linediff.c) and git's
 * own output (test-trees-corpus.sh).
 */
#include "review-dash/linediff.h"

#include "common/xalloc.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CONTEXT	       3
#define MAX_EQLIMIT    1024 /* xdiff's XDL_MAX_EQLIMIT */
#define SIMSCAN_WINDOW 100
#define KPDIS_RUN      4
#define MAX_COST_MIN   256
#define HEUR_MIN_COST  256
#define SNAKE_CNT      20
#define K_HEUR	       4
#define MAX_INDENT     200
#define MAX_BLANKS     20
#define MAX_SLIDING    100

/* One text: its lines and what the diff found about them. */
struct side {
	const char *p;
	size_t n;      /* lines */
	size_t *ls;    /* ls[i]: where line i starts; ls[n]: the length */
	uint32_t *cls; /* the class of a line of the middle (equal lines,
			* equal class) */
	char *chg_mem; /* chg[-1..n]: the line is changed (0 at -1, n) */
	char *chg;
	char *dis;     /* 0 no match in the other text, 1 some, 2 many */
	long *rindex;  /* the lines Myers compares, in order */
	uint32_t *rha; /* and their classes */
	long nreff;
	size_t cap; /* lines the arrays above hold */
};

struct slot {
	const char *p;
	size_t len;
	uint64_t h;
	uint32_t cls; /* + 1; 0 for an empty slot */
};

struct change {
	long i1, i2, chg1, chg2;
};

struct rd_linediff {
	struct side a, b;
	struct slot *slots;
	size_t nslots, aslots; /* in use (a power of two), allocated */
	uint32_t *cnt;	       /* per class: lines of a, lines of b */
	size_t acnt;
	long *kvd;
	size_t akvd;
	struct change *ch;
	size_t nch, ach;
};

struct rd_linediff *rd_linediff_new(void)
{
	return st_xcalloc(1, sizeof(struct rd_linediff));
}

static void side_release(struct side *s)
{
	free(s->ls);
	free(s->cls);
	free(s->chg_mem);
	free(s->dis);
	free(s->rindex);
	free(s->rha);
}

void rd_linediff_free(struct rd_linediff *d)
{
	if (!d)
		return;
	side_release(&d->a);
	side_release(&d->b);
	free(d->slots);
	free(d->cnt);
	free(d->kvd);
	free(d->ch);
	free(d);
}

/* Lines */

static void side_split(struct side *s, const char *p, size_t len)
{
	size_t n = 0, cap = s->cap;

	s->p = p;
	for (size_t i = 0; i < len; n++) {
		const char *nl = memchr(p + i, '\n', len - i);

		if (n + 2 > cap) {
			cap = (n + 2) * 2;
			s->ls = st_xreallocarray(s->ls, cap, sizeof(*s->ls));
		}
		s->ls[n] = i;
		i = nl ? (size_t)(nl - p) + 1 : len;
	}
	if (n + 2 > cap) {
		cap = n + 2;
		s->ls = st_xreallocarray(s->ls, cap, sizeof(*s->ls));
	}
	s->ls[n] = len;
	s->n = n;
	if (cap > s->cap || !s->chg_mem) {
		/* The per-line arrays follow ls's capacity. */
		s->cls = st_xreallocarray(s->cls, cap, sizeof(*s->cls));
		s->chg_mem = st_xrealloc(s->chg_mem, cap + 2);
		s->dis = st_xrealloc(s->dis, cap);
		s->rindex =
			st_xreallocarray(s->rindex, cap, sizeof(*s->rindex));
		s->rha = st_xreallocarray(s->rha, cap, sizeof(*s->rha));
		s->cap = cap;
	}
	s->chg = s->chg_mem + 1;
	memset(s->chg_mem, 0, n + 2);
}

static const char *line_at(const struct side *s, size_t i, size_t *len)
{
	*len = s->ls[i + 1] - s->ls[i];
	return s->p + s->ls[i];
}

static bool line_eq(const struct side *x, size_t i, const struct side *y,
		    size_t j)
{
	size_t lx = x->ls[i + 1] - x->ls[i], ly = y->ls[j + 1] - y->ls[j];

	return lx == ly && !memcmp(x->p + x->ls[i], y->p + y->ls[j], lx);
}

/* Classes */

static uint64_t line_hash(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u ^ len;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 29;
	}
	for (; len; p++, len--)
		h = (h ^ (unsigned char)*p) * 0x100000001b3u;
	return h ^ (h >> 32);
}

/* The slot of line (p, len): its class, or the empty slot it would take. */
static struct slot *slot_find(struct rd_linediff *d, const char *p, size_t len,
			      uint64_t h)
{
	size_t mask = d->nslots - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &d->slots[i];

		if (!s->cls ||
		    (s->h == h && s->len == len && !memcmp(s->p, p, len)))
			return s;
	}
}

/* Lines [from, to) of a common end are in both texts: count them for the
 * class of the middle that holds them, if any. */
static void count_common(struct rd_linediff *d, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		size_t len;
		const char *p = line_at(&d->a, i, &len);
		struct slot *sl = slot_find(d, p, len, line_hash(p, len));

		if (sl->cls) {
			d->cnt[2 * (sl->cls - 1)]++;
			d->cnt[2 * (sl->cls - 1) + 1]++;
		}
	}
}

/*
 * Class every line of the middles (a's [pre, a.n - suf), b's likewise)
 * and count, per class, its lines in each whole text: the lines of the
 * common ends count too (xdiff counts matches over all lines).
 */
static void classify(struct rd_linediff *d, size_t pre, size_t suf)
{
	size_t want = 4, mid = d->a.n + d->b.n - 2 * (pre + suf);
	uint32_t ncls = 0;
	struct side *sides[2] = {&d->a, &d->b};

	while (want < 2 * mid)
		want *= 2;
	if (want > d->aslots) {
		free(d->slots);
		d->slots = st_xcalloc(want, sizeof(*d->slots));
		d->aslots = want;
	} else {
		memset(d->slots, 0, want * sizeof(*d->slots));
	}
	d->nslots = want;
	if (2 * mid > d->acnt) {
		d->acnt = 2 * mid;
		d->cnt = st_xreallocarray(d->cnt, d->acnt, sizeof(*d->cnt));
	}
	for (int k = 0; k < 2; k++) {
		struct side *s = sides[k];

		for (size_t i = pre; i < s->n - suf; i++) {
			size_t len;
			const char *p = line_at(s, i, &len);
			uint64_t h = line_hash(p, len);
			struct slot *sl = slot_find(d, p, len, h);

			if (!sl->cls) {
				*sl = (struct slot){p, len, h, ++ncls};
				d->cnt[2 * (ncls - 1)] = 0;
				d->cnt[2 * (ncls - 1) + 1] = 0;
			}
			s->cls[i] = sl->cls - 1;
			d->cnt[2 * s->cls[i] + k]++;
		}
	}
	count_common(d, 0, pre);
	count_common(d, d->a.n - suf, d->a.n);
}

/* xdiff's integer square root approximation: a power of two. */
static long bogosqrt(long n)
{
	long i;

	for (i = 1; n > 0; n >>= 2)
		i <<= 1;
	return i;
}

/*
 * A line with many matches is set aside like one without any when it
 * sits in a run of such lines that is mostly lines without a match
 * (xdiff's xdl_clean_mmatch): looking 100 lines each way at most.
 */
static bool many_in_run(const char *dis, long i, long s, long e)
{
	long r, none_before, many_before, none_after, many_after;

	if (i - s > SIMSCAN_WINDOW)
		s = i - SIMSCAN_WINDOW;
	if (e - i > SIMSCAN_WINDOW)
		e = i + SIMSCAN_WINDOW;
	none_before = 0;
	many_before = 1;
	for (r = 1; i - r >= s; r++) {
		if (dis[i - r] == 0)
			none_before++;
		else if (dis[i - r] == 2)
			many_before++;
		else
			break;
	}
	if (!none_before)
		return false;
	none_after = 0;
	many_after = 1;
	for (r = 1; i + r <= e; r++) {
		if (dis[i + r] == 0)
			none_after++;
		else if (dis[i + r] == 2)
			many_after++;
		else
			break;
	}
	if (!none_after)
		return false;
	many_after += many_before;
	none_after += none_before;
	return many_after * KPDIS_RUN < many_after + none_after;
}

/* The lines of s's middle that Myers will compare; the others are
 * changed already. own: which of the two counts is s's (0 a, 1 b). */
static void set_aside(struct rd_linediff *d, struct side *s, int own,
		      size_t pre, size_t suf)
{
	long mlim = bogosqrt((long)s->n), start = (long)pre;
	long end = (long)(s->n - suf) - 1;

	if (mlim > MAX_EQLIMIT)
		mlim = MAX_EQLIMIT;
	for (long i = start; i <= end; i++) {
		uint32_t m = d->cnt[2 * s->cls[i] + !own];

		s->dis[i] = m == 0 ? 0 : (long)m >= mlim ? 2 : 1;
	}
	s->nreff = 0;
	for (long i = start; i <= end; i++) {
		if (s->dis[i] == 1 ||
		    (s->dis[i] == 2 && !many_in_run(s->dis, i, start, end))) {
			s->rindex[s->nreff] = i;
			s->rha[s->nreff++] = s->cls[i];
		} else {
			s->chg[i] = 1;
		}
	}
}

/* Myers */

struct box_split {
	long i1, i2;
	bool min_lo, min_hi;
};

struct myers {
	const uint32_t *h1, *h2;
	long *kvdf, *kvdb;
	long mxcost;
};

/*
 * The middle of the box [off1, lim1) x [off2, lim2): forward and backward
 * searches, one diagonal further each round, until they meet; past
 * HEUR_MIN_COST a far-reaching diagonal that ends in a snake of
 * SNAKE_CNT will do, and past mxcost the furthest-reaching one.
 */
static void box_split(const struct myers *m, long off1, long lim1, long off2,
		      long lim2, bool need_min, struct box_split *spl)
{
	const uint32_t *h1 = m->h1, *h2 = m->h2;
	long *kvdf = m->kvdf, *kvdb = m->kvdb;
	long dmin = off1 - lim2, dmax = lim1 - off2;
	long fmid = off1 - off2, bmid = lim1 - lim2;
	bool odd = (fmid - bmid) & 1;
	long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;

	kvdf[fmid] = off1;
	kvdb[bmid] = lim1;
	for (long ec = 1;; ec++) {
		bool got_snake = false;
		long d, i1, i2, prev1, best;

		/* One diagonal more each side, or one less at a border
		 * (the outer ones start "unreached"). */
		if (fmin > dmin)
			kvdf[--fmin - 1] = -1;
		else
			++fmin;
		if (fmax < dmax)
			kvdf[++fmax + 1] = -1;
		else
			--fmax;
		for (d = fmax; d >= fmin; d -= 2) {
			i1 = kvdf[d - 1] >= kvdf[d + 1] ? kvdf[d - 1] + 1
							: kvdf[d + 1];
			prev1 = i1;
			i2 = i1 - d;
			while (i1 < lim1 && i2 < lim2 && h1[i1] == h2[i2])
				i1++, i2++;
			if (i1 - prev1 > SNAKE_CNT)
				got_snake = true;
			kvdf[d] = i1;
			if (odd && bmin <= d && d <= bmax && kvdb[d] <= i1) {
				*spl = (struct box_split){i1, i2, true, true};
				return;
			}
		}
		if (bmin > dmin)
			kvdb[--bmin - 1] = LONG_MAX;
		else
			++bmin;
		if (bmax < dmax)
			kvdb[++bmax + 1] = LONG_MAX;
		else
			--bmax;
		for (d = bmax; d >= bmin; d -= 2) {
			i1 = kvdb[d - 1] < kvdb[d + 1] ? kvdb[d - 1]
						       : kvdb[d + 1] - 1;
			prev1 = i1;
			i2 = i1 - d;
			while (i1 > off1 && i2 > off2 &&
			       h1[i1 - 1] == h2[i2 - 1])
				i1--, i2--;
			if (prev1 - i1 > SNAKE_CNT)
				got_snake = true;
			kvdb[d] = i1;
			if (!odd && fmin <= d && d <= fmax && i1 <= kvdf[d]) {
				*spl = (struct box_split){i1, i2, true, true};
				return;
			}
		}
		if (need_min)
			continue;
		if (got_snake && ec > HEUR_MIN_COST) {
			for (best = 0, d = fmax; d >= fmin; d -= 2) {
				long dd = d > fmid ? d - fmid : fmid - d, v;

				i1 = kvdf[d];
				i2 = i1 - d;
				v = (i1 - off1) + (i2 - off2) - dd;
				if (v > K_HEUR * ec && v > best &&
				    off1 + SNAKE_CNT <= i1 && i1 < lim1 &&
				    off2 + SNAKE_CNT <= i2 && i2 < lim2) {
					for (long k = 1;
					     h1[i1 - k] == h2[i2 - k]; k++)
						if (k == SNAKE_CNT) {
							best = v;
							spl->i1 = i1;
							spl->i2 = i2;
							break;
						}
				}
			}
			if (best > 0) {
				spl->min_lo = true;
				spl->min_hi = false;
				return;
			}
			for (best = 0, d = bmax; d >= bmin; d -= 2) {
				long dd = d > bmid ? d - bmid : bmid - d, v;

				i1 = kvdb[d];
				i2 = i1 - d;
				v = (lim1 - i1) + (lim2 - i2) - dd;
				if (v > K_HEUR * ec && v > best && off1 < i1 &&
				    i1 <= lim1 - SNAKE_CNT && off2 < i2 &&
				    i2 <= lim2 - SNAKE_CNT) {
					for (long k = 0;
					     h1[i1 + k] == h2[i2 + k]; k++)
						if (k == SNAKE_CNT - 1) {
							best = v;
							spl->i1 = i1;
							spl->i2 = i2;
							break;
						}
				}
			}
			if (best > 0) {
				spl->min_lo = false;
				spl->min_hi = true;
				return;
			}
		}
		if (ec >= m->mxcost) {
			long fbest = -1, fbest1 = -1;
			long bbest = LONG_MAX, bbest1 = LONG_MAX;

			for (d = fmax; d >= fmin; d -= 2) {
				i1 = kvdf[d] < lim1 ? kvdf[d] : lim1;
				i2 = i1 - d;
				if (lim2 < i2) {
					i1 = lim2 + d;
					i2 = lim2;
				}
				if (fbest < i1 + i2) {
					fbest = i1 + i2;
					fbest1 = i1;
				}
			}
			for (d = bmax; d >= bmin; d -= 2) {
				i1 = kvdb[d] > off1 ? kvdb[d] : off1;
				i2 = i1 - d;
				if (i2 < off2) {
					i1 = off2 + d;
					i2 = off2;
				}
				if (i1 + i2 < bbest) {
					bbest = i1 + i2;
					bbest1 = i1;
				}
			}
			if ((lim1 + lim2) - bbest < fbest - (off1 + off2))
				*spl = (struct box_split){
					fbest1, fbest - fbest1, true, false};
			else
				*spl = (struct box_split){
					bbest1, bbest - bbest1, false, true};
			return;
		}
	}
}

/* Mark the changed lines of the box: shrink it by its common ends, then
 * split it in two and do each half. */
static void compare(struct rd_linediff *d, const struct myers *m, long off1,
		    long lim1, long off2, long lim2, bool need_min)
{
	const uint32_t *h1 = m->h1, *h2 = m->h2;
	struct box_split spl;

	while (off1 < lim1 && off2 < lim2 && h1[off1] == h2[off2])
		off1++, off2++;
	while (off1 < lim1 && off2 < lim2 && h1[lim1 - 1] == h2[lim2 - 1])
		lim1--, lim2--;
	if (off1 == lim1) {
		for (; off2 < lim2; off2++)
			d->b.chg[d->b.rindex[off2]] = 1;
		return;
	}
	if (off2 == lim2) {
		for (; off1 < lim1; off1++)
			d->a.chg[d->a.rindex[off1]] = 1;
		return;
	}
	box_split(m, off1, lim1, off2, lim2, need_min, &spl);
	compare(d, m, off1, spl.i1, off2, spl.i2, spl.min_lo);
	compare(d, m, spl.i1, lim1, spl.i2, lim2, spl.min_hi);
}

static void run_myers(struct rd_linediff *d)
{
	long ndiags = d->a.nreff + d->b.nreff + 3;
	size_t need = 2 * (size_t)ndiags + 2;
	struct myers m = {d->a.rha, d->b.rha, NULL, NULL, 0};

	if (need > d->akvd) {
		d->akvd = need;
		d->kvd = st_xreallocarray(d->kvd, need, sizeof(*d->kvd));
	}
	m.kvdf = d->kvd + d->b.nreff + 1;
	m.kvdb = d->kvd + ndiags + d->b.nreff + 1;
	m.mxcost = bogosqrt(ndiags);
	if (m.mxcost < MAX_COST_MIN)
		m.mxcost = MAX_COST_MIN;
	compare(d, &m, 0, d->a.nreff, 0, d->b.nreff, false);
}

/* The indent heuristic */

/* Columns of a line's indent (a tab to the next multiple of 8), or -1
 * for a line of white space only (git's: space, tab, CR, LF; not form
 * feed or vertical tab, unlike libgit2's copy of xdiff). */
static int line_indent(const struct side *t, size_t i)
{
	size_t len;
	const char *p = line_at(t, i, &len);
	int ret = 0;

	for (size_t j = 0; j < len; j++) {
		if (p[j] == ' ')
			ret += 1;
		else if (p[j] == '\t')
			ret += 8 - ret % 8;
		else if (p[j] != '\n' && p[j] != '\r')
			return ret;
		if (ret >= MAX_INDENT)
			return MAX_INDENT;
	}
	return -1;
}

/* What surrounds the split just before line at of t. */
struct split {
	bool end_of_file;
	int indent;	 /* of the line at the split; -1 blank or none */
	int pre_blank;	 /* blank lines just before it */
	int pre_indent;	 /* of the line before those; -1 none */
	int post_blank;	 /* blank lines just after the line at the split */
	int post_indent; /* of the line after those; -1 none */
};

/* The blank lines from line i on, going by step (-1 or 1), and the indent
 * of the line after them (-1 when none; 0 after MAX_BLANKS of them). */
static void blank_run(const struct side *t, long i, int step, int *blank,
		      int *indent)
{
	*blank = 0;
	*indent = -1;
	for (; i >= 0 && (size_t)i < t->n; i += step) {
		*indent = line_indent(t, (size_t)i);
		if (*indent != -1)
			return;
		if (++*blank == MAX_BLANKS) {
			*indent = 0;
			return;
		}
	}
}

static void measure_split(const struct side *t, long at, struct split *m)
{
	m->end_of_file = at >= (long)t->n;
	m->indent = m->end_of_file ? -1 : line_indent(t, (size_t)at);
	blank_run(t, at - 1, -1, &m->pre_blank, &m->pre_indent);
	blank_run(t, at + 1, 1, &m->post_blank, &m->post_indent);
}

struct split_score {
	int effective_indent;
	int penalty;
};

/* git's weights, found on a corpus (github.com/mhagger/diff-slider-tools) */
static void score_split(const struct split *m, struct split_score *s)
{
	int post_blank = m->indent == -1 ? 1 + m->post_blank : 0;
	int total_blank = m->pre_blank + post_blank;
	int indent = m->indent != -1 ? m->indent : m->post_indent;
	bool blanks = total_blank != 0;

	if (m->pre_indent == -1 && m->pre_blank == 0)
		s->penalty += 1; /* start of file */
	if (m->end_of_file)
		s->penalty += 21;
	s->penalty += -30 * total_blank + 6 * post_blank;
	s->effective_indent += indent;
	if (indent == -1 || m->pre_indent == -1 || indent == m->pre_indent)
		return;
	if (indent > m->pre_indent)
		s->penalty += blanks ? 10 : -4; /* indented */
	else if (m->post_indent != -1 && m->post_indent > indent)
		s->penalty += blanks ? 17 : 24; /* outdented */
	else
		s->penalty += blanks ? 17 : 23; /* dedented */
}

/* Below zero when a is the better split. */
static int split_cmp(const struct split_score *a, const struct split_score *b)
{
	int c = (a->effective_indent > b->effective_indent) -
		(a->effective_indent < b->effective_indent);

	return 60 * c + (a->penalty - b->penalty);
}

/* Of the places a run of g lines may end at in [lo, hi], the best. */
static long best_end(const struct side *t, long lo, long hi, long g)
{
	struct split_score best_score = {0, 0};
	long best = -1;

	for (long end = lo; end <= hi; end++) {
		struct split_score sc = {0, 0};
		struct split m;

		measure_split(t, end, &m);
		score_split(&m, &sc);
		measure_split(t, end - g, &m);
		score_split(&m, &sc);
		if (best == -1 || split_cmp(&sc, &best_score) <= 0) {
			best_score = sc;
			best = end;
		}
	}
	return best;
}

/* Sliding groups of changes (xdl_change_compact) */

/* A run of changed lines [start, end) of a side, or an empty one at an
 * unchanged line; every side is a series of them, one between any two
 * unchanged lines. */
struct group {
	long start, end;
};

static void group_first(const struct side *s, struct group *g)
{
	g->start = g->end = 0;
	while (s->chg[g->end])
		g->end++;
}

static bool group_next(const struct side *s, struct group *g)
{
	if (g->end == (long)s->n)
		return false;
	g->start = g->end + 1;
	for (g->end = g->start; s->chg[g->end]; g->end++)
		;
	return true;
}

static bool group_previous(const struct side *s, struct group *g)
{
	if (g->start == 0)
		return false;
	g->end = g->start - 1;
	for (g->start = g->end; s->chg[g->start - 1]; g->start--)
		;
	return true;
}

/* Move g one line down when its first line equals the line after it,
 * taking in a group it meets. */
static bool slide_down(struct side *s, struct group *g)
{
	if (g->end >= (long)s->n ||
	    !line_eq(s, (size_t)g->start, s, (size_t)g->end))
		return false;
	s->chg[g->start++] = 0;
	s->chg[g->end++] = 1;
	while (s->chg[g->end])
		g->end++;
	return true;
}

static bool slide_up(struct side *s, struct group *g)
{
	if (g->start <= 0 ||
	    !line_eq(s, (size_t)g->start - 1, s, (size_t)g->end - 1))
		return false;
	s->chg[--g->start] = 1;
	s->chg[--g->end] = 0;
	while (s->chg[g->start - 1])
		g->start--;
	return true;
}

/*
 * Slide each group of x's changes up and down as far as it goes (merging
 * the groups it meets); then put it back level with the last group of
 * o's changes it can face, or else where the indent heuristic likes it.
 * og follows g over o: both move past one unchanged line at a time.
 */
static void compact(struct side *x, struct side *o)
{
	struct group g, og;

	group_first(x, &g);
	group_first(o, &og);
	for (;;) {
		if (g.end != g.start) {
			long size, earliest_end, match_end;

			do {
				size = g.end - g.start;
				match_end = -1;
				while (slide_up(x, &g))
					group_previous(o, &og);
				earliest_end = g.end;
				if (og.end > og.start)
					match_end = g.end;
				while (slide_down(x, &g)) {
					group_next(o, &og);
					if (og.end > og.start)
						match_end = g.end;
				}
			} while (size != g.end - g.start);
			if (g.end == earliest_end) {
				/* it cannot move */
			} else if (match_end != -1) {
				while (og.end == og.start) {
					slide_up(x, &g);
					group_previous(o, &og);
				}
			} else {
				long lo = earliest_end, best;

				if (g.end - size - 1 > lo)
					lo = g.end - size - 1;
				if (g.end - MAX_SLIDING > lo)
					lo = g.end - MAX_SLIDING;
				best = best_end(x, lo, g.end, size);
				while (g.end > best) {
					slide_up(x, &g);
					group_previous(o, &og);
				}
			}
		}
		if (!group_next(x, &g))
			break;
		group_next(o, &og);
	}
}

/* Output */

static void add_change(struct rd_linediff *d, long i1, long i2, long c1,
		       long c2)
{
	if (d->nch == d->ach) {
		d->ach = d->ach ? 2 * d->ach : 16;
		d->ch = st_xreallocarray(d->ch, d->ach, sizeof(*d->ch));
	}
	d->ch[d->nch++] = (struct change){i1, i2, c1, c2};
}

/* The changes, in order: runs of changed lines of a and b between two
 * unchanged lines (which pair up, one by one). */
static void collect(struct rd_linediff *d)
{
	long i1 = 0, i2 = 0, n1 = (long)d->a.n, n2 = (long)d->b.n;

	d->nch = 0;
	while (i1 < n1 || i2 < n2) {
		if (d->a.chg[i1] || d->b.chg[i2]) {
			long s1 = i1, s2 = i2;

			while (d->a.chg[i1])
				i1++;
			while (d->b.chg[i2])
				i2++;
			add_change(d, s1, s2, i1 - s1, i2 - s2);
		} else {
			i1++;
			i2++;
		}
	}
}

static void add_lines(struct st_buf *b, char origin, const struct side *t,
		      long from, long to)
{
	for (long i = from; i < to; i++) {
		size_t len;
		const char *p = line_at(t, (size_t)i, &len);

		st_buf_addch(b, origin);
		st_buf_add(b, p, len);
		if (!len || p[len - 1] != '\n')
			st_buf_addstr(b, "\n\\ No newline at end of file\n");
	}
}

static void add_num(struct st_buf *b, long v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do
		tmp[--i] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	st_buf_add(b, tmp + i, sizeof(tmp) - i);
}

/* A hunk header's "start,count" as git prints it: the first line
 * (1-based; the line before for an empty range), ",count" unless 1. */
static void add_range(struct st_buf *b, long first, long count)
{
	if (count == 1) {
		add_num(b, first + 1);
		return;
	}
	add_num(b, first + (count > 0));
	st_buf_addch(b, ',');
	add_num(b, count);
}

/* Hunks: changes at most 2 * CONTEXT unchanged lines apart go together;
 * CONTEXT lines around. */
static void emit(struct rd_linediff *d, struct st_buf *out)
{
	const struct side *a = &d->a, *b = &d->b;

	for (size_t k = 0; k < d->nch;) {
		const struct change *x = &d->ch[k], *last;
		size_t e = k;
		long s1, s2, lctx, e1, e2, at;

		while (e + 1 < d->nch &&
		       d->ch[e + 1].i1 - (d->ch[e].i1 + d->ch[e].chg1) <=
			       2 * CONTEXT)
			e++;
		last = &d->ch[e];
		s1 = x->i1 > CONTEXT ? x->i1 - CONTEXT : 0;
		s2 = x->i2 > CONTEXT ? x->i2 - CONTEXT : 0;
		lctx = CONTEXT;
		if ((long)a->n - (last->i1 + last->chg1) < lctx)
			lctx = (long)a->n - (last->i1 + last->chg1);
		if ((long)b->n - (last->i2 + last->chg2) < lctx)
			lctx = (long)b->n - (last->i2 + last->chg2);
		e1 = last->i1 + last->chg1 + lctx;
		e2 = last->i2 + last->chg2 + lctx;
		st_buf_addstr(out, "@@ -");
		add_range(out, s1, e1 - s1);
		st_buf_addstr(out, " +");
		add_range(out, s2, e2 - s2);
		st_buf_addstr(out, " @@\n");
		at = s1;
		for (; k <= e; k++) {
			x = &d->ch[k];
			add_lines(out, ' ', a, at, x->i1);
			add_lines(out, '-', a, x->i1, x->i1 + x->chg1);
			add_lines(out, '+', b, x->i2, x->i2 + x->chg2);
			at = x->i1 + x->chg1;
		}
		add_lines(out, ' ', a, at, e1);
	}
}

/*
 * When the middles (what is left between the common ends) share no line,
 * every line of them is changed and only a run of lines on one side may
 * slide: the answer needs no classes and no Myers, the common case of a
 * small edit. false when the middles are too big to check cheaply or
 * share a line.
 */
static bool middles_disjoint(const struct rd_linediff *d, size_t pre,
			     size_t suf)
{
	size_t k = d->a.n - pre - suf, m = d->b.n - pre - suf;

	if (k && m > 4096 / k)
		return false;
	for (size_t i = pre; i < pre + k; i++)
		for (size_t j = pre; j < pre + m; j++)
			if (line_eq(&d->a, i, &d->b, j))
				return false;
	return true;
}

void rd_linediff_hunks(struct rd_linediff *d, const char *a, size_t la,
		       const char *b, size_t lb, struct st_buf *out)
{
	size_t pre = 0, suf = 0, lim;

	side_split(&d->a, a, la);
	side_split(&d->b, b, lb);
	lim = d->a.n < d->b.n ? d->a.n : d->b.n;
	while (pre < lim && line_eq(&d->a, pre, &d->b, pre))
		pre++;
	while (suf < lim - pre &&
	       line_eq(&d->a, d->a.n - 1 - suf, &d->b, d->b.n - 1 - suf))
		suf++;
	if (middles_disjoint(d, pre, suf)) {
		memset(d->a.chg + pre, 1, d->a.n - pre - suf);
		memset(d->b.chg + pre, 1, d->b.n - pre - suf);
	} else {
		classify(d, pre, suf);
		set_aside(d, &d->a, 0, pre, suf);
		set_aside(d, &d->b, 1, pre, suf);
		run_myers(d);
	}
	compact(&d->a, &d->b);
	compact(&d->b, &d->a);
	collect(d);
	emit(d, out);
}
