/*
 * gpg.c: run gpg for detached signatures. See gpg.h.
 */
#include "gpg.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int rel_gpg_sign_file(const char *key, const char *in, const char *sig,
		      bool armor, struct st_error *err)
{
	const char *prog = getenv("STEWARD_GPG");
	const char *argv[12];
	posix_spawn_file_actions_t fa;
	int n = 0, status, rc;
	pid_t pid;

	if (!prog || !*prog)
		prog = "gpg";
	argv[n++] = prog;
	argv[n++] = "--batch";
	argv[n++] = "--yes";
	argv[n++] = "--local-user";
	argv[n++] = key;
	argv[n++] = "--detach-sign";
	if (armor)
		argv[n++] = "--armor";
	argv[n++] = "--output";
	argv[n++] = sig;
	argv[n++] = "--";
	argv[n++] = in;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
					 O_WRONLY, 0);
	rc = posix_spawnp(&pid, prog, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return st_error_set(err, ST_ERROR, "cannot run '%s': %s", prog,
				    strerror(rc));
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return st_error_set(err, ST_ERROR, "waitpid: %s",
					    strerror(errno));
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unlink(sig);
		return st_error_set(err, ST_ERROR,
				    "gpg could not sign '%s' with key '%s'", in,
				    key);
	}
	return 0;
}

int rel_gpg_sign_buffer(struct st_buf *out, const char *key, const void *data,
			size_t len, struct st_error *err)
{
	const char *tmp = getenv("TMPDIR");
	struct st_buf dir = ST_BUF_INIT, in = ST_BUF_INIT, sig = ST_BUF_INIT;
	char chunk[4096];
	FILE *f = NULL;
	size_t n;
	int rc;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	st_buf_addf(&dir, "%s/steward-sign.XXXXXX", tmp);
	if (!mkdtemp(dir.buf)) {
		rc = st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				  dir.buf, strerror(errno));
		st_buf_release(&dir);
		return rc;
	}
	st_buf_addf(&in, "%s/data", dir.buf);
	st_buf_addf(&sig, "%s/data.asc", dir.buf);
	f = fopen(in.buf, "wb");
	if (f && fwrite(data, 1, len, f) != len) {
		fclose(f);
		f = NULL;
		rc = st_error_set(err, ST_ERROR, "cannot write '%s'", in.buf);
		goto out;
	}
	if (!f || fclose(f) != 0) {
		f = NULL;
		rc = st_error_set(err, ST_ERROR, "cannot write '%s'", in.buf);
		goto out;
	}
	f = NULL;
	rc = rel_gpg_sign_file(key, in.buf, sig.buf, true, err);
	if (rc < 0)
		goto out;
	f = fopen(sig.buf, "rb");
	if (!f) {
		rc = st_error_set(err, ST_ERROR, "cannot read '%s'", sig.buf);
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		st_buf_add(out, chunk, n);
	if (ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s'", sig.buf);
out:
	if (f)
		fclose(f);
	unlink(sig.buf);
	unlink(in.buf);
	rmdir(dir.buf);
	st_buf_release(&sig);
	st_buf_release(&in);
	st_buf_release(&dir);
	return rc;
}
