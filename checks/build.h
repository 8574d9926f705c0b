/*
 * build.h: the build check. It checks a ref out into a temporary
 * directory with libgit2 (the repository itself is never touched), runs
 * the configured commands there with /bin/sh under a timeout, keeps the
 * tail of their output, counts compiler warnings, and removes the
 * directory whatever happens. Optionally it builds twice, in two
 * directories, with SOURCE_DATE_EPOCH set to the commit time, and
 * compares the hashes of the named artifacts: a reproducible build gives
 * the same bytes.
 *
 * [check "NAME"]
 *	kind = build
 *	path = /srv/git/xen.git     repository
 *	ref = staging               what to build (default HEAD)
 *	command = ./configure       run in order, each with sh -c
 *	command = make
 *	timeout = 600               seconds for all commands of one build
 *	log-max = 16                KiB of output kept (the last ones)
 *	reproducible = true         build twice and compare the artifacts
 *	artifact = dist/xen.tar.gz  (multi-valued) files to compare
 */
#ifndef STEWARD_CHECKS_BUILD_H
#define STEWARD_CHECKS_BUILD_H

#include "check.h"

#include "exec.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Check the commit of ref out of the repository at repo_path into a new
 * directory under TMPDIR (or /tmp); *dir receives its path (caller frees,
 * and removes it with chk_build_rmtree). *commit_time receives the
 * commit's time.
 */
int chk_build_checkout(char **dir, int64_t *commit_time, const char *repo_path,
		       const char *ref, struct st_error *err);

/* Remove dir and everything in it, never following symbolic links.
 * Returns 0 or ST_ERROR. */
int chk_build_rmtree(const char *dir, struct st_error *err);

/* The check kind's run function (see check.h). */
int chk_build_run(struct chk_result *res, const struct chk_check *c,
		  struct st_error *err);

#endif
