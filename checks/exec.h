/*
 * exec.h: run a command with a deadline and a bounded capture of its
 * output, killing its whole process group at the deadline. Used by the
 * build check and by the scheduler.
 */
#ifndef STEWARD_CHECKS_EXEC_H
#define STEWARD_CHECKS_EXEC_H

#include "common/buf.h"
#include "common/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one command did. */
struct chk_exec {
	int exit_code;	    /* exit status, 128+N for signal N, -1 unknown */
	bool timed_out;	    /* killed at the deadline */
	unsigned warnings;  /* output lines containing "warning:" */
	struct st_buf log;  /* the last log_max bytes of stdout+stderr */
	bool log_truncated; /* earlier output was dropped */
	int64_t duration_ms;
};

enum chk_exec_flags {
	/* Start a new session rather than a process group, and at the
	 * deadline kill every process of the session (found in /proc),
	 * including groups a nested runner made: for running steward
	 * itself, whose build checks make their own groups. */
	CHK_EXEC_SESSION = 1 << 0,
};

/*
 * Run argv (argv[0] an absolute path; no shell) in dir, in its own
 * process group, stdin from /dev/null, stdout and stderr captured
 * together. env (NULL-terminated "K=V" strings, may be NULL) is added to
 * the environment. After timeout_s seconds the whole process group is
 * killed. log_max 0 means 16 KiB. Returns 0 when the command ran
 * (whatever its exit status: see out->exit_code; 127 when it could not
 * be executed) or ST_ERROR when no process could be started.
 * out->log is initialised here; release it with chk_exec_release.
 */
int chk_exec_run(struct chk_exec *out, const char *dir, char *const *argv,
		 const char *const *env, int timeout_s, size_t log_max,
		 unsigned flags, struct st_error *err);

/* Run cmd with /bin/sh -c, as chk_exec_run does. */
int chk_exec_sh(struct chk_exec *out, const char *dir, const char *cmd,
		const char *const *env, int timeout_s, size_t log_max,
		struct st_error *err);

/* Free out's log. */
void chk_exec_release(struct chk_exec *out);

#endif
