/*
 * source-http.c: an mbox (or .mbox.gz) published over HTTP(S). It is
 * downloaded with a conditional GET into opts.mirror_dir (a file named
 * from the URL's hash), then read as a local mbox: a 304 leaves nothing
 * new, and a grown file resumes at the stored offset because the mbox
 * token checks the head of the file. The token is the mbox token, then
 * the ETag and the Last-Modified, one per line.
 */
#include "source-impl.h"

#include "common/http-client.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Largest archive downloaded. */
#define HTTP_MAX_SIZE ((size_t)2 << 30)

static void http_state(struct rd_source *s)
{
	source_mbox_state(s);
	st_buf_add(&s->state, s->extra.buf, s->extra.len);
}

static const struct source_ops http_ops = {
	"http-mbox",
	source_mbox_next,
	http_state,
	source_mbox_free,
};

/* Split "MBOX\nETAG\nLAST-MODIFIED" into three copies ("" when absent). */
static void split_state(const char *state, char *part[3])
{
	const char *p = state ? state : "";

	for (int i = 0; i < 3; i++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		part[i] = st_xstrndup(p, n);
		p += n + (nl ? 1 : 0);
	}
}

int source_http_open(struct rd_source *s, const char *url, const char *state,
		     struct st_error *err)
{
	struct st_http_opts o = {0};
	struct st_http_response r = {0};
	struct st_buf path = ST_BUF_INIT;
	char *part[3] = {NULL, NULL, NULL};
	struct stat sb;
	bool have;
	int rc;

	if (!s->mirror_dir) {
		rc = st_error_set(err, ST_EINVALID,
				  "'%s': a remote archive needs a mirror "
				  "directory",
				  url);
		goto out;
	}
	if (mkdir(s->mirror_dir, 0777) != 0 && errno != EEXIST) {
		rc = st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				  s->mirror_dir, strerror(errno));
		goto out;
	}
	st_buf_addf(&path, "%s/http-%016" PRIx64 ".mbox", s->mirror_dir,
		    source_hash(SOURCE_HASH_INIT, url, strlen(url)));
	split_state(state, part);
	have = stat(path.buf, &sb) == 0;
	o.timeout_ms = s->timeout_secs > 0 ? s->timeout_secs * 1000 : 600000;
	o.retries = 3;
	o.follow_redirects = true;
	o.max_size = HTTP_MAX_SIZE;
	/* Validators only hold for the copy they were given with. */
	o.etag = have && *part[1] ? part[1] : NULL;
	o.last_modified = have && *part[2] ? part[2] : NULL;
	rc = st_http_get_file(&r, url, &o, path.buf, err);
	if (rc < 0)
		goto out;
	st_buf_reset(&s->extra);
	if (r.not_modified)
		st_buf_addf(&s->extra, "\n%s\n%s", part[1], part[2]);
	else
		st_buf_addf(&s->extra, "\n%s\n%s", r.etag ? r.etag : "",
			    r.last_modified ? r.last_modified : "");
	rc = source_mbox_open(s, path.buf, *part[0] ? part[0] : NULL, err);
	if (rc < 0)
		goto out;
	s->ops = &http_ops;
out:
	for (int i = 0; i < 3; i++)
		free(part[i]);
	st_http_response_release(&r);
	st_buf_release(&path);
	return rc;
}
