/* exec.c: run a command with a deadline and a bounded log. */
#include "exec.h"

#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define LINE_MAX_KEEP 4096

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Keep only the last max bytes of the log: when it grows past twice
 * that, drop the front, so the cost stays linear. */
static void log_add(struct chk_exec *out, const char *p, size_t n, size_t max)
{
	if (n > max) {
		p += n - max;
		n = max;
		out->log_truncated = true;
	}
	st_buf_add(&out->log, p, n);
	if (out->log.len > 2 * max) {
		size_t drop = out->log.len - max;

		memmove(out->log.buf, out->log.buf + drop, max);
		st_buf_setlen(&out->log, max);
		out->log_truncated = true;
	}
}

static void log_finish(struct chk_exec *out, size_t max)
{
	if (out->log.len > max) {
		size_t drop = out->log.len - max;

		memmove(out->log.buf, out->log.buf + drop, max);
		st_buf_setlen(&out->log, max);
		out->log_truncated = true;
	}
}

/* Count lines with "warning:", one line at a time (the first
 * LINE_MAX_KEEP bytes of each line are looked at). */
static void count_warnings(struct chk_exec *out, struct st_buf *line,
			   const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			if (strstr(line->buf, "warning:"))
				out->warnings++;
			st_buf_reset(line);
		} else if (line->len < LINE_MAX_KEEP && p[i] != '\0') {
			st_buf_addch(line, p[i]);
		}
	}
}

/* environ plus extra, for execve; the strings are borrowed. */
static char **make_env(const char *const *extra)
{
	size_t n = 0, m = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[m])
		m++;
	env = st_xcalloc(n + m + 1, sizeof(*env));
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;

		for (size_t j = 0; j < m; j++) {
			const char *eq = strchr(extra[j], '=');
			size_t kl = eq ? (size_t)(eq - extra[j]) + 1 : 0;

			if (kl && !strncmp(environ[i], extra[j], kl))
				replaced = true;
		}
		if (!replaced)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = (char *)extra[j];
	env[k] = NULL;
	return env;
}

/* Read the session id from /proc/N/stat: the 4th field after the
 * command name, which is in parentheses and may hold anything. */
static pid_t session_of(const char *pid)
{
	char path[64], buf[512];
	const char *p;
	ssize_t n;
	int fd, field = 0;
	long v = 0;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -1;
	/* ") S ppid pgrp session" */
	for (p++; *p && field < 4; p++)
		if (*p == ' ')
			field++;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	return field == 4 ? (pid_t)v : -1;
}

/* Kill every process of the session sid (Linux /proc), including
 * process groups that a nested runner made inside it. A few passes
 * catch processes forked while we looked. */
static void kill_session(pid_t sid)
{
	for (int pass = 0; pass < 3; pass++) {
		DIR *d = opendir("/proc");
		struct dirent *e;

		if (!d)
			return;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] < '1' || e->d_name[0] > '9')
				continue;
			if (session_of(e->d_name) == sid)
				kill((pid_t)strtol(e->d_name, NULL, 10),
				     SIGKILL);
		}
		closedir(d);
	}
}

static void kill_all(pid_t pid, unsigned flags)
{
	kill(-pid, SIGKILL);
	if (flags & CHK_EXEC_SESSION)
		kill_session(pid);
}

int chk_exec_run(struct chk_exec *out, const char *dir, char *const *argv,
		 const char *const *env, int timeout_s, size_t log_max,
		 unsigned flags, struct st_error *err)
{
	struct st_buf line = ST_BUF_INIT;
	char **envp = make_env(env);
	int fds[2] = {-1, -1}, status = 0, rc = 0;
	int64_t start = mono_ms(), deadline;
	pid_t pid;
	char chunk[8192];

	memset(out, 0, sizeof(*out));
	st_buf_init(&out->log, 0);
	out->exit_code = -1;
	if (log_max == 0)
		log_max = 16 * 1024;
	deadline = start + (int64_t)timeout_s * 1000;
	if (pipe(fds) < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot make a pipe: %s",
				  strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot fork: %s",
				  strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* Own process group (or session), so a timeout kills the
		 * whole command. */
		if (flags & CHK_EXEC_SESSION)
			setsid();
		else
			setpgid(0, 0);
		if (null < 0 || dup2(null, 0) < 0 || dup2(fds[1], 1) < 0 ||
		    dup2(fds[1], 2) < 0 || chdir(dir) < 0)
			_exit(126);
		close(fds[0]);
		close(fds[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	/* Also from the parent: no race with the kill below. */
	if (!(flags & CHK_EXEC_SESSION))
		setpgid(pid, pid);
	close(fds[1]);
	fds[1] = -1;
	for (;;) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		int64_t left = deadline - mono_ms();
		ssize_t n;
		int pr;

		if (left <= 0) {
			out->timed_out = true;
			kill_all(pid, flags);
			break;
		}
		pr = poll(&pfd, 1, left > 1000 ? 1000 : (int)left);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		n = read(fds[0], chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		log_add(out, chunk, (size_t)n, log_max);
		count_warnings(out, &line, chunk, (size_t)n);
	}
	if (line.len && strstr(line.buf, "warning:"))
		out->warnings++;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Leftovers that escaped into the group die with it. */
	kill_all(pid, out->timed_out ? flags : 0);
	if (WIFEXITED(status))
		out->exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		out->exit_code = 128 + WTERMSIG(status);
	log_finish(out, log_max);
out:
	out->duration_ms = mono_ms() - start;
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(envp);
	st_buf_release(&line);
	return rc;
}

int chk_exec_sh(struct chk_exec *out, const char *dir, const char *cmd,
		const char *const *env, int timeout_s, size_t log_max,
		struct st_error *err)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};

	return chk_exec_run(out, dir, argv, env, timeout_s, log_max, 0, err);
}

void chk_exec_release(struct chk_exec *out)
{
	st_buf_release(&out->log);
}
