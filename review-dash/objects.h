/*
 * objects.h: a repository's objects, read the way the index workers need
 * them: by one thread, many times over, the same file in version after
 * version. Objects in the repository's packs are read straight from the
 * mapped pack files (libdeflate inflates: a fifth faster than zlib on
 * small entries, more on large ones; deltas are applied here) and no
 * lock is taken; recent results are
 * cached by pack position, so a chain of deltas (a file's successive
 * versions) costs one step per version read in order, and a commit's
 * parent side is usually its child's. Anything else (loose objects,
 * alternates, a pack this cannot read) comes from libgit2's object
 * database. Objects are reference counted and immutable.
 */
#ifndef STEWARD_REVIEW_OBJECTS_H
#define STEWARD_REVIEW_OBJECTS_H

#include "common/error.h"

#include <git2.h>
#include <stddef.h>

struct rd_objects;
struct rd_object;

/*
 * A reader of repo's objects for one thread; repo must outlive it.
 * cache_bytes bounds the memory of the results it keeps. Packs it cannot
 * map or that are not version-2 indexes are left to libgit2. Never NULL
 * (running out of memory aborts, as in xalloc.h).
 */
struct rd_objects *rd_objects_new(git_repository *repo, size_t cache_bytes);
void rd_objects_free(struct rd_objects *r);

/*
 * Read object id into *out, which must be of type (GIT_OBJECT_ANY: any).
 * 0; ST_ENOTFOUND when the repository has no such object; ST_ERROR for a
 * corrupt object or one of another type, with a message naming it.
 * Release *out with rd_object_release.
 */
int rd_objects_read(struct rd_object **out, struct rd_objects *r,
		    const git_oid *id, git_object_t type, struct st_error *err);

/* Where the reads of a reader were served from. */
struct rd_objects_stats {
	size_t packed; /* found in a pack mapped here */
	size_t cached; /* of those, served from the cache */
	size_t odb;    /* read through libgit2 */
};

void rd_objects_get_stats(const struct rd_objects *r,
			  struct rd_objects_stats *out);

/* The object's content, NUL-terminated after its size bytes. */
const char *rd_object_data(const struct rd_object *o);
size_t rd_object_size(const struct rd_object *o);
git_object_t rd_object_type(const struct rd_object *o);
/* Drop a reference; NULL is ignored. */
void rd_object_release(struct rd_object *o);
/*
 * An object with o's content that no reader's cache holds, to hand to
 * another thread (references are not atomic): o itself when the caller
 * holds its only reference, else a copy. The caller's reference to o
 * passes to the result.
 */
struct rd_object *rd_object_unshare(struct rd_object *o);

#endif
