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

#include "common/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* What one command did. Release log with st_buf_release. */
struct chk_build_exec {
	int exit_code;	    /* exit status, 128+N for signal N, -1 unknown */
	bool timed_out;	    /* killed at the deadline */
	unsigned warnings;  /* output lines containing "warning:" */
	struct st_buf log;  /* the last log_max bytes of stdout+stderr */
	bool log_truncated; /* earlier output was dropped */
	int64_t duration_ms;
};

/*
 * Run cmd with /bin/sh -c in dir, in its own process group, stdin from
 * /dev/null, stdout and stderr captured. env (NULL-terminated "K=V"
 * strings, may be NULL) is added to the environment. After timeout_s
 * seconds the whole process group is killed. Returns 0 when the command
 * ran (whatever its exit status) or ST_ERROR when it could not start.
 * out->log is initialised here.
 */
int chk_build_exec(struct chk_build_exec *out, const char *dir, const char *cmd,
		   const char *const *env, int timeout_s, size_t log_max,
		   struct st_error *err);

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
