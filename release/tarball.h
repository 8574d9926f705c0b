/*
 * tarball.h: release tarballs. A commit's tree is streamed through
 * libgit2 into a tar archive whose bytes are those of
 * `git archive --format=tar --prefix=PREFIX COMMIT` (git 2.39, with the
 * repository's tar.umask, default 0002): a pax global header carrying
 * the commit id,
 * ustar headers with mtime = committer time, uid/gid 0 "root", modes
 * 0664/0775/0777, directory entries before their contents, submodules
 * as empty directories, long names split into prefix/name or carried by
 * a pax "path" record, and the export-ignore and export-subst attributes.
 * Not reproduced: git's text/eol/filter conversions on checkout.
 *
 * rel_tarball_write then compresses deterministically (compress.h),
 * writes each file under a temporary name and renames it, and writes
 * SHA256SUMS and, with a key, detached gpg signatures.
 */
#ifndef STEWARD_RELEASE_TARBALL_H
#define STEWARD_RELEASE_TARBALL_H

#include "common/error.h"
#include "release/compress.h"

#include <git2.h>
#include <stddef.h>

enum rel_tarball_formats {
	REL_TARBALL_TAR = 1 << 0,
	REL_TARBALL_GZ = 1 << 1,
	REL_TARBALL_XZ = 1 << 2,
};

/*
 * Parse a comma-separated list of "tar", "tar.gz" (or "gz") and "tar.xz"
 * (or "xz") into *out. ST_EINVALID names an unknown format.
 */
int rel_tarball_parse_formats(unsigned *out, const char *list,
			      struct st_error *err);

/*
 * Stream the tar archive of commit_id (a commit; its tree is archived)
 * with every path under prefix ("" for none; git writes it verbatim, so
 * "name-1.0/" gives a directory) to sink, in pieces of any size.
 * Errors: ST_ENOTFOUND (missing object), ST_EINVALID (unsupported
 * mode), ST_ETOOBIG (tree deeper than 1024 levels), or the sink's.
 */
int rel_tarball_stream(git_repository *repo, const git_oid *commit_id,
		       const char *prefix, rel_sink_fn sink, void *sink_data,
		       struct st_error *err);

struct rel_tarball_opts {
	const char *prefix;   /* path prefix inside the archive */
	const char *basename; /* file name without extension, e.g. xen-4.20.0 */
	const char *dir;      /* output folder (must exist) */
	unsigned formats;     /* enum rel_tarball_formats */
	int threads;	      /* compression threads; 0: online CPUs */
	int gzip_level;	      /* 1-9; 0: 9 */
	int xz_preset;	      /* 0-9; -1: 6 */
	const char *sign_key; /* gpg key id for .sig files, or NULL */
};

/* One file written: its path and SHA-256 in hex. */
struct rel_tarball_file {
	char *path;
	char sha256[65];
};

/* What rel_tarball_write made. Release with rel_tarball_result_release. */
struct rel_tarball_result {
	char commit[GIT_OID_HEXSZ + 1];
	size_t nfiles;
	struct rel_tarball_file files[3];
	char *sums_path; /* the SHA256SUMS file */
	char *sigs[4];	 /* .sig files made (NULL-terminated) */
};

/*
 * Resolve ref (any revision that peels to a commit) in repo and write
 * DIR/BASENAME.tar[.gz|.xz] for each format in one pass over the tree,
 * then DIR/SHA256SUMS listing them, then DIR/<file>.sig for each tarball
 * and SHA256SUMS when sign_key is set. Each file is written as
 * DIR/.BASENAME...tmp and renamed into place once complete, so a crash
 * never leaves a partial file under a final name. Fills *out (which the
 * caller releases even on failure).
 */
int rel_tarball_write(struct rel_tarball_result *out, git_repository *repo,
		      const char *ref, const struct rel_tarball_opts *o,
		      struct st_error *err);

void rel_tarball_result_release(struct rel_tarball_result *r);

#endif
