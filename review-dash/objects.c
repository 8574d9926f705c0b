/*
 * objects.c: packed objects read without libgit2 (see objects.h). The
 * formats are git's (Documentation/gitformat-pack.txt): a version-2 .idx
 * (fan-out, sorted ids, 32-bit offsets whose high bit points into a table
 * of 64-bit ones), pack entries with a type-and-size header, zlib data,
 * and deltas against an earlier entry (OFS_DELTA) or a named object
 * (REF_DELTA). Every count, offset and size read from a file is checked
 * before it is used: a repository is input like a mail.
 */
#include "review-dash/objects.h"

#include "common/buf.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define OBJ_OFS_DELTA 6
#define OBJ_REF_DELTA 7
#define OID_LEN	      20
/* A pack position is packno << POS_BITS | offset in the cache's keys. */
#define POS_BITS 40
/* git's pack-objects caps chains at 4095 (--depth); a longer one is a
 * loop in a corrupt pack. */
#define MAX_CHAIN 10000
/* Bases in other packs, one inside the other's chain: more is a loop
 * between corrupt packs. */
#define MAX_NESTED 64
/* Slots of the memo of where recently read ids are (a power of 2). */
#define MEMO 16384

struct pack {
	const unsigned char *idx, *data;
	size_t idx_len, len;
	uint32_t n;
	const unsigned char *oids, *off32, *off64;
	size_t n64;
};

/* The cache's order: a ring of objects around the reader's sentinel. */
struct link {
	struct link *older, *newer;
};

struct rd_object {
	struct link link; /* first: order cached in, when cached */
	uint64_t key;
	size_t refs;
	bool used; /* read from the cache since it last came round */
	git_object_t type;
	size_t size;
	char data[]; /* size bytes and a NUL */
};

/* A cache slot: the key kept beside the object, so that a probe reads
 * one cache line, not the objects of a chain. key 0: empty. */
struct slot {
	uint64_t key;
	struct rd_object *o;
};

struct rd_objects {
	git_repository *repo;
	struct pack *packs;
	size_t npacks;
	size_t last; /* the pack of the last hit, tried first */
	struct libdeflate_decompressor *dec;
	unsigned char *delta; /* an inflated delta, reused */
	size_t delta_alloc;
	struct slot *slots; /* open addressing, at most half full */
	size_t nslots, count;
	struct link fifo; /* fifo.newer: the oldest cached */
	size_t cached, cache_max;
	/* Where ids read lately are, by their first bytes: most reads are
	 * of an id read a commit or two before, and this saves the search
	 * of the index (a cache miss at each step). */
	struct memo {
		git_oid id;
		uint64_t key; /* a cache key; 0: empty */
	} * memo;
	unsigned nested; /* reads of bases in other packs under way */
	struct rd_objects_stats stats;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const char *hex(char buf[GIT_OID_HEXSZ + 1], const git_oid *id)
{
	return git_oid_tostr(buf, GIT_OID_HEXSZ + 1, id);
}

static void *map_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p == MAP_FAILED)
			p = NULL;
		else
			*len = (size_t)st.st_size;
	}
	close(fd);
	return p;
}

static void pack_unmap(struct pack *p)
{
	if (p->idx)
		munmap((void *)p->idx, p->idx_len);
	if (p->data)
		munmap((void *)p->data, p->len);
	memset(p, 0, sizeof(*p));
}

/* Map name.idx and name.pack under dir; false (nothing mapped) unless
 * both are what this reader understands. */
static bool pack_map(struct pack *p, const char *dir, const char *idx_name)
{
	struct st_buf path = ST_BUF_INIT;
	const unsigned char *f;
	size_t fixed;
	bool ok = false;

	memset(p, 0, sizeof(*p));
	st_buf_addf(&path, "%s/%s", dir, idx_name);
	p->idx = map_file(path.buf, &p->idx_len);
	st_buf_setlen(&path, path.len - 4);
	st_buf_addstr(&path, ".pack");
	p->data = map_file(path.buf, &p->len);
	st_buf_release(&path);
	if (!p->idx || !p->data || p->idx_len < 8 + 256 * 4 + 2 * OID_LEN ||
	    p->len < 12 + OID_LEN)
		goto out;
	f = p->idx;
	if (memcmp(f, "\377tOc", 4) || be32(f + 4) != 2 ||
	    memcmp(p->data, "PACK", 4) ||
	    (be32(p->data + 4) != 2 && be32(p->data + 4) != 3))
		goto out;
	for (int i = 1; i < 256; i++)
		if (be32(f + 8 + 4 * i) < be32(f + 8 + 4 * (i - 1)))
			goto out;
	p->n = be32(f + 8 + 4 * 255);
	fixed = 8 + 256 * 4 + (size_t)p->n * (OID_LEN + 4 + 4) + 2 * OID_LEN;
	if (p->n != be32(p->data + 8) || p->idx_len < fixed ||
	    (p->idx_len - fixed) % 8 || p->len >> POS_BITS)
		goto out;
	p->oids = f + 8 + 256 * 4;
	/* The CRC32 table sits between the ids and the offsets. */
	p->off32 = p->oids + (size_t)p->n * (OID_LEN + 4);
	p->off64 = p->off32 + (size_t)p->n * 4;
	p->n64 = (p->idx_len - fixed) / 8;
	ok = true;
out:
	if (!ok)
		pack_unmap(p);
	return ok;
}

/* The offset of id in p, or 0 (no entry starts there: the header does). */
static uint64_t pack_find(const struct pack *p, const unsigned char *id)
{
	const unsigned char *fan = p->idx + 8;
	uint32_t lo = id[0] ? be32(fan + 4 * (id[0] - 1)) : 0;
	uint32_t hi = be32(fan + 4 * id[0]);
	uint64_t off;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(p->oids + (size_t)mid * OID_LEN, id, OID_LEN);

		if (c < 0) {
			lo = mid + 1;
		} else if (c > 0) {
			hi = mid;
		} else {
			off = be32(p->off32 + (size_t)mid * 4);
			if (off & 0x80000000u) {
				off &= 0x7fffffffu;
				if (off >= p->n64)
					return 0;
				off = (uint64_t)be32(p->off64 + off * 8) << 32 |
				      be32(p->off64 + off * 8 + 4);
			}
			return off >= 12 && off < p->len - OID_LEN ? off : 0;
		}
	}
	return 0;
}

static struct rd_object *object_new(git_object_t type, size_t size)
{
	struct rd_object *o;

	if (size > SIZE_MAX - sizeof(*o) - 1)
		return NULL;
	o = malloc(sizeof(*o) + size + 1);
	if (!o)
		return NULL;
	memset(o, 0, sizeof(*o));
	o->refs = 1;
	o->type = type;
	o->size = size;
	o->data[size] = '\0';
	return o;
}

void rd_object_release(struct rd_object *o)
{
	if (o && --o->refs == 0)
		free(o);
}

struct rd_object *rd_object_unshare(struct rd_object *o)
{
	size_t len = sizeof(*o) + o->size + 1;
	struct rd_object *copy;

	if (o->refs == 1)
		return o;
	copy = st_xmalloc(len);
	memcpy(copy, o, len);
	copy->link = (struct link){NULL, NULL};
	copy->refs = 1;
	rd_object_release(o);
	return copy;
}

const char *rd_object_data(const struct rd_object *o)
{
	return o->data;
}

size_t rd_object_size(const struct rd_object *o)
{
	return o->size;
}

git_object_t rd_object_type(const struct rd_object *o)
{
	return o->type;
}

/* The cache: objects by pack position in an open-addressing table, let
 * go in the order they came in unless read again meanwhile (CLOCK's
 * second chance: a hit only marks the object, it moves nothing). */

static size_t home_of(const struct rd_objects *r, uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (r->nslots - 1);
}

/* The slot of key, or the empty one where it would go. */
static size_t slot_find(const struct rd_objects *r, uint64_t key)
{
	size_t i = home_of(r, key);

	while (r->slots[i].key && r->slots[i].key != key)
		i = (i + 1) & (r->nslots - 1);
	return i;
}

/* Empty slot i, moving back the entries after it that probed past it. */
static void slot_clear(struct rd_objects *r, size_t i)
{
	size_t mask = r->nslots - 1, j = i;

	for (;;) {
		size_t h;

		j = (j + 1) & mask;
		if (!r->slots[j].key)
			break;
		h = home_of(r, r->slots[j].key);
		/* j stays unless its home is outside (i, j], cyclically. */
		if (i <= j ? (h <= i || h > j) : (h <= i && h > j)) {
			r->slots[i] = r->slots[j];
			i = j;
		}
	}
	r->slots[i].key = 0;
	r->slots[i].o = NULL;
}

static void fifo_unlink(struct rd_object *o)
{
	o->link.older->newer = o->link.newer;
	o->link.newer->older = o->link.older;
}

static void fifo_push(struct rd_objects *r, struct rd_object *o)
{
	o->link.newer = &r->fifo;
	o->link.older = r->fifo.older;
	r->fifo.older->newer = &o->link;
	r->fifo.older = &o->link;
}

/* The oldest object cached (link is its first member). */
static struct rd_object *fifo_oldest(struct rd_objects *r)
{
	return (struct rd_object *)(void *)r->fifo.newer;
}

static struct rd_object *cache_get(struct rd_objects *r, uint64_t key)
{
	struct slot *s = &r->slots[slot_find(r, key)];

	if (!s->key)
		return NULL;
	s->o->used = true;
	s->o->refs++;
	return s->o;
}

static void cache_drop(struct rd_objects *r, struct rd_object *o)
{
	slot_clear(r, slot_find(r, o->key));
	fifo_unlink(o);
	r->cached -= o->size;
	r->count--;
	rd_object_release(o);
}

static void cache_grow(struct rd_objects *r)
{
	struct slot *old = r->slots;
	size_t oldn = r->nslots;

	r->nslots *= 2;
	r->slots = st_xcalloc(r->nslots, sizeof(*r->slots));
	for (size_t i = 0; i < oldn; i++)
		if (old[i].key)
			r->slots[slot_find(r, old[i].key)] = old[i];
	free(old);
}

/* Keep o (a new result at key) unless it would take over a quarter of
 * the cache; the oldest not read again go first. */
static void cache_put(struct rd_objects *r, uint64_t key, struct rd_object *o)
{
	if (!r->cache_max || o->size > r->cache_max / 4)
		return;
	while (r->cached + o->size > r->cache_max &&
	       r->fifo.newer != &r->fifo) {
		struct rd_object *old = fifo_oldest(r);

		if (old->used) {
			old->used = false;
			fifo_unlink(old);
			fifo_push(r, old);
		} else {
			cache_drop(r, old);
		}
	}
	if (2 * (r->count + 1) > r->nslots)
		cache_grow(r);
	o->key = key;
	o->used = false;
	r->slots[slot_find(r, key)] = (struct slot){key, o};
	fifo_push(r, o);
	o->refs++;
	r->cached += o->size;
	r->count++;
}

/* Reading one pack entry. */

struct entry {
	int type;		      /* 1..4, or a delta */
	uint64_t size;		      /* of the object, or of the delta */
	size_t data;		      /* where the zlib data starts */
	uint64_t base;		      /* OFS_DELTA: the base's offset */
	const unsigned char *base_id; /* REF_DELTA */
};

static bool parse_entry(const struct pack *p, uint64_t off, struct entry *e)
{
	const unsigned char *d = p->data;
	size_t end = p->len - OID_LEN, i = (size_t)off;
	unsigned c, shift = 4;

	if (i >= end)
		return false;
	c = d[i++];
	e->type = (c >> 4) & 7;
	e->size = c & 15;
	while (c & 0x80) {
		if (i >= end || shift > 57)
			return false;
		c = d[i++];
		e->size += (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (e->type == OBJ_OFS_DELTA) {
		uint64_t rel;

		if (i >= end)
			return false;
		c = d[i++];
		rel = c & 0x7f;
		while (c & 0x80) {
			if (i >= end || rel >> 50)
				return false;
			c = d[i++];
			rel = ((rel + 1) << 7) | (c & 0x7f);
		}
		if (rel == 0 || rel > off - 12)
			return false;
		e->base = off - rel;
	} else if (e->type == OBJ_REF_DELTA) {
		if (end - i < OID_LEN)
			return false;
		e->base_id = d + i;
		i += OID_LEN;
	} else if (e->type < GIT_OBJECT_COMMIT || e->type > GIT_OBJECT_TAG) {
		return false;
	}
	e->data = i;
	/* Deflate expands at most 1032 times: a larger size is a lie,
	 * not something to allocate. */
	return i < end && e->size <= (uint64_t)(end - i) * 1032 + 64;
}

static bool inflate_to(struct rd_objects *r, const struct pack *p,
		       const struct entry *e, void *out)
{
	size_t in_used, out_used;
	enum libdeflate_result res = libdeflate_zlib_decompress_ex(
		r->dec, p->data + e->data, p->len - OID_LEN - e->data, out,
		(size_t)e->size, &in_used, &out_used);

	return res == LIBDEFLATE_SUCCESS && out_used == e->size;
}

static bool varint(const unsigned char **p, const unsigned char *end,
		   uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	do {
		if (*p >= end || shift > 63)
			return false;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return true;
}

/* git's patch_delta: base plus the delta d, or NULL. */
static struct rd_object *apply_delta(const unsigned char *d, size_t len,
				     const struct rd_object *base)
{
	const unsigned char *end = d + len;
	uint64_t src, dst;
	struct rd_object *o;
	char *out, *out_end;

	/* Each instruction takes a byte at least and gives at most the
	 * whole base (a copy) or what it takes (an insert). */
	if (!varint(&d, end, &src) || !varint(&d, end, &dst) ||
	    src != base->size || dst / (base->size + 128) > len)
		return NULL;
	o = object_new(base->type, (size_t)dst);
	if (!o)
		return NULL;
	out = o->data;
	out_end = out + dst;
	while (d < end) {
		unsigned c = *d++;

		if (c & 0x80) {
			uint64_t off = 0, n = 0;

			for (int k = 0; k < 4; k++)
				if (c & (1u << k)) {
					if (d >= end)
						goto bad;
					off |= (uint64_t)*d++ << (8 * k);
				}
			for (int k = 0; k < 3; k++)
				if (c & (0x10u << k)) {
					if (d >= end)
						goto bad;
					n |= (uint64_t)*d++ << (8 * k);
				}
			if (!n)
				n = 0x10000;
			if (off + n > base->size ||
			    n > (uint64_t)(out_end - out))
				goto bad;
			memcpy(out, base->data + off, (size_t)n);
			out += n;
		} else if (c) {
			if (c > (size_t)(end - d) ||
			    c > (size_t)(out_end - out))
				goto bad;
			memcpy(out, d, c);
			out += c;
			d += c;
		} else {
			goto bad;
		}
	}
	if (out == out_end)
		return o;
bad:
	rd_object_release(o);
	return NULL;
}

static int read_id(struct rd_object **out, struct rd_objects *r,
		   const git_oid *id, struct st_error *err);

/* The object at off in pack k: walk down its chain of deltas to a base
 * (or a cached result), then apply the deltas back up, caching each. */
static int read_at(struct rd_object **out, struct rd_objects *r, size_t k,
		   uint64_t off, const git_oid *id, struct st_error *err)
{
	const struct pack *p = &r->packs[k];
	uint64_t *chain = NULL, key = (uint64_t)k << POS_BITS;
	size_t n = 0, alloc = 0;
	struct rd_object *o = NULL;
	struct entry e;
	char h[GIT_OID_HEXSZ + 1];
	int rc = 0;

	for (;;) {
		o = cache_get(r, key | off);
		if (o) {
			r->stats.cached += !n;
			break;
		}
		if (!parse_entry(p, off, &e) || n >= MAX_CHAIN)
			goto corrupt;
		if (e.type != OBJ_OFS_DELTA && e.type != OBJ_REF_DELTA) {
			o = object_new((git_object_t)e.type, (size_t)e.size);
			if (!o || !inflate_to(r, p, &e, o->data))
				goto corrupt;
			cache_put(r, key | off, o);
			break;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			chain = st_xreallocarray(chain, alloc, sizeof(*chain));
		}
		chain[n++] = off;
		if (e.type == OBJ_OFS_DELTA) {
			off = e.base;
			continue;
		}
		off = pack_find(p, e.base_id);
		if (!off) {
			/* A base outside this pack (a thin pack's). */
			git_oid base;

			if (r->nested >= MAX_NESTED)
				goto corrupt;
			memcpy(base.id, e.base_id, OID_LEN);
			r->nested++;
			rc = read_id(&o, r, &base, err);
			r->nested--;
			if (rc < 0)
				goto out;
			break;
		}
	}
	while (n--) {
		struct rd_object *next;

		off = chain[n];
		if (!parse_entry(p, off, &e))
			goto corrupt;
		if (e.size > r->delta_alloc) {
			free(r->delta);
			r->delta_alloc = (size_t)e.size;
			r->delta = malloc(r->delta_alloc);
			if (!r->delta) {
				r->delta_alloc = 0;
				goto corrupt;
			}
		}
		if (!inflate_to(r, p, &e, r->delta))
			goto corrupt;
		next = apply_delta(r->delta, (size_t)e.size, o);
		if (!next)
			goto corrupt;
		rd_object_release(o);
		o = next;
		cache_put(r, key | off, o);
	}
	*out = o;
	o = NULL;
	goto out;
corrupt:
	rc = st_error_set(err, ST_ERROR,
			  "object %s: corrupt or unreadable entry at offset "
			  "%llu of its pack",
			  hex(h, id), (unsigned long long)off);
out:
	rd_object_release(o);
	free(chain);
	return rc;
}

/* Through libgit2: loose objects, alternates, packs not mapped here. */
static int read_odb(struct rd_object **out, struct rd_objects *r,
		    const git_oid *id, struct st_error *err)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	char h[GIT_OID_HEXSZ + 1];
	int rc = git_repository_odb(&odb, r->repo);

	if (rc == 0)
		rc = git_odb_read(&obj, odb, id);
	if (rc < 0) {
		const git_error *e = git_error_last();

		rc = st_error_set(
			err, rc == GIT_ENOTFOUND ? ST_ENOTFOUND : ST_ERROR,
			"cannot read object %s: %s", hex(h, id),
			e && e->message ? e->message : "unknown error");
		git_error_clear();
	} else {
		*out = object_new(git_odb_object_type(obj),
				  git_odb_object_size(obj));
		if (!*out)
			rc = st_error_set(err, ST_ERROR,
					  "object %s: out of memory",
					  hex(h, id));
		else
			memcpy((*out)->data, git_odb_object_data(obj),
			       (*out)->size);
	}
	git_odb_object_free(obj);
	git_odb_free(odb);
	return rc;
}

static int read_id(struct rd_object **out, struct rd_objects *r,
		   const git_oid *id, struct st_error *err)
{
	uint32_t h;
	struct memo *m;

	memcpy(&h, id->id, sizeof(h));
	m = &r->memo[h & (MEMO - 1)];
	if (m->key && git_oid_equal(&m->id, id)) {
		r->stats.packed++;
		return read_at(out, r, (size_t)(m->key >> POS_BITS),
			       m->key & (((uint64_t)1 << POS_BITS) - 1), id,
			       err);
	}
	for (size_t i = 0; i < r->npacks; i++) {
		size_t k = (r->last + i) % r->npacks;
		uint64_t off = pack_find(&r->packs[k], id->id);

		if (off) {
			r->last = k;
			r->stats.packed++;
			git_oid_cpy(&m->id, id);
			m->key = (uint64_t)k << POS_BITS | off;
			return read_at(out, r, k, off, id, err);
		}
	}
	r->stats.odb++;
	return read_odb(out, r, id, err);
}

int rd_objects_read(struct rd_object **out, struct rd_objects *r,
		    const git_oid *id, git_object_t type, struct st_error *err)
{
	char h[GIT_OID_HEXSZ + 1];
	int rc;

	*out = NULL;
	rc = read_id(out, r, id, err);
	if (rc == 0 && type != GIT_OBJECT_ANY && (*out)->type != type) {
		rc = st_error_set(err, ST_ERROR, "object %s is a %s, not a %s",
				  hex(h, id),
				  git_object_type2string((*out)->type),
				  git_object_type2string(type));
		rd_object_release(*out);
		*out = NULL;
	}
	return rc;
}

void rd_objects_get_stats(const struct rd_objects *r,
			  struct rd_objects_stats *out)
{
	*out = r->stats;
}

struct rd_objects *rd_objects_new(git_repository *repo, size_t cache_bytes)
{
	struct rd_objects *r = st_xcalloc(1, sizeof(*r));
	struct st_buf dir = ST_BUF_INIT;
	DIR *d;
	struct dirent *de;
	size_t alloc = 0;

	r->repo = repo;
	r->dec = libdeflate_alloc_decompressor();
	r->cache_max = cache_bytes;
	r->nslots = 1024;
	r->slots = st_xcalloc(r->nslots, sizeof(*r->slots));
	r->fifo.older = r->fifo.newer = &r->fifo;
	r->memo = st_xcalloc(MEMO, sizeof(*r->memo));
	if (!r->dec) {
		/* As xalloc.h does: out of memory is not a case callers
		 * handle. */
		fputs("steward: out of memory for a decompressor\n", stderr);
		abort();
	}
	st_buf_addf(&dir, "%sobjects/pack", git_repository_commondir(repo));
	d = opendir(dir.buf);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".idx"))
			continue;
		if (r->npacks == alloc) {
			alloc = alloc ? alloc * 2 : 4;
			r->packs = st_xreallocarray(r->packs, alloc,
						    sizeof(*r->packs));
		}
		if (r->npacks < (1u << (63 - POS_BITS)) &&
		    pack_map(&r->packs[r->npacks], dir.buf, de->d_name))
			r->npacks++;
	}
	if (d)
		closedir(d);
	st_buf_release(&dir);
	return r;
}

void rd_objects_free(struct rd_objects *r)
{
	if (!r)
		return;
	/* No need to keep the table right while emptying it. */
	while (r->fifo.newer != &r->fifo) {
		struct rd_object *o = fifo_oldest(r);

		fifo_unlink(o);
		rd_object_release(o);
	}
	for (size_t i = 0; i < r->npacks; i++)
		pack_unmap(&r->packs[i]);
	free(r->packs);
	free(r->slots);
	free(r->memo);
	free(r->delta);
	if (r->dec)
		libdeflate_free_decompressor(r->dec);
	free(r);
}
