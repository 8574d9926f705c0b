/*
 * source-http.c: an mbox (or .mbox.gz) published over HTTP(S). It is
 * downloaded with a conditional GET into opts.mirror_dir (a file named
 * from the URL's hash), then read as a local mbox: a 304 leaves nothing
 * new; a changed archive is asked for from the mirror's last 4 KiB on
 * (Range), and only appended to the mirror when those bytes are the
 * same; otherwise it is downloaded whole. The mbox token then resumes at
 * its offset or, for a rewritten archive, starts again. The token is the mbox
 * token, then the ETag and the Last-Modified, one per line.
 */
#include "source-impl.h"

#include "common/http-client.h"
#include "common/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The tail of the mirror we ask again, to check that it did not change. */
#define OVERLAP 4096

/*
 * part holds the bytes from start on (a 206 answer): when its first
 * (size - start) bytes equal the mirror's tail, append the rest to the
 * mirror and return 1; 0 when they differ (the archive was rewritten).
 */
static int append_part(const char *mirror, const char *part, uint64_t start,
		       uint64_t size, struct st_error *err)
{
	char old[OVERLAP], got[OVERLAP], buf[65536];
	size_t n = (size_t)(size - start);
	FILE *m = NULL, *p = NULL;
	size_t r;
	int rc = 0;

	m = fopen(mirror, "r+b");
	p = fopen(part, "rb");
	if (!m || !p) {
		rc = st_error_set(err, ST_ERROR, "cannot open '%s': %s",
				  m ? part : mirror, strerror(errno));
		goto out;
	}
	if (fseeko(m, (off_t)start, SEEK_SET) != 0 ||
	    fread(old, 1, n, m) != n || fread(got, 1, n, p) != n ||
	    memcmp(old, got, n))
		goto out;
	/* Appended in place: a crash midway leaves a longer mirror whose
	 * head still matches, and the next run asks from its new end. */
	if (fseeko(m, 0, SEEK_END) != 0) {
		rc = st_error_set(err, ST_ERROR, "cannot seek '%s': %s", mirror,
				  strerror(errno));
		goto out;
	}
	while ((r = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (fwrite(buf, 1, r, m) != r) {
			rc = st_error_set(err, ST_ERROR,
					  "cannot write '%s': %s", mirror,
					  strerror(errno));
			goto out;
		}
	}
	if (ferror(p) || fflush(m) != 0 || fsync(fileno(m)) != 0) {
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  mirror, strerror(errno));
		goto out;
	}
	rc = 1;
out:
	if (m && fclose(m) != 0 && rc >= 0)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  mirror, strerror(errno));
	if (p)
		fclose(p);
	return rc;
}

/* Does "bytes START-..." name start? */
static bool range_starts_at(const char *cr, uint64_t start)
{
	char want[64];
	int n;

	n = snprintf(want, sizeof(want), "bytes %" PRIu64 "-", start);
	return cr && n > 0 && (size_t)n < sizeof(want) &&
	       !strncmp(cr, want, (size_t)n);
}

/*
 * Bring the mirror at path up to date. With validators and a mirror, ask
 * only for its last OVERLAP bytes and what follows; anything else is a
 * full download. The validators to keep go to s->extra; *rewritten
 * tells that the bytes already read changed.
 */
static int download(struct rd_source *s, const char *url, const char *path,
		    char *part[3], bool *rewritten, struct st_error *err)
{
	struct st_http_opts o = {0};
	struct st_http_response r = {0};
	struct st_buf partial = ST_BUF_INIT, range = ST_BUF_INIT;
	uint64_t size = 0, start = 0;
	struct stat sb;
	bool have = stat(path, &sb) == 0;
	int rc;

	o.timeout_ms = s->timeout_secs > 0 ? s->timeout_secs * 1000 : 600000;
	o.retries = 3;
	o.follow_redirects = true;
	o.max_size = HTTP_MAX_SIZE;
	/* Validators only hold for the copy they were given with. */
	o.etag = have && *part[1] ? part[1] : NULL;
	o.last_modified = have && *part[2] ? part[2] : NULL;
	if (have && (o.etag || o.last_modified) && sb.st_size > 0) {
		size = (uint64_t)sb.st_size;
		start = size > OVERLAP ? size - OVERLAP : 0;
		st_buf_addf(&range, "%" PRIu64 "-", start);
		st_buf_addf(&partial, "%s.part", path);
		o.range = range.buf;
		rc = st_http_get_file(&r, url, &o, partial.buf, err);
		if (rc == 0 && r.status == 200)
			rc = rename(partial.buf, path) == 0
				     ? 0
				     : st_error_set(err, ST_ERROR,
						    "cannot rename '%s': %s",
						    partial.buf,
						    strerror(errno));
		else if (rc == 0 && r.status == 206 &&
			 range_starts_at(r.content_range, start))
			rc = append_part(path, partial.buf, start, size, err);
		else if (rc == 0 && r.status == 206)
			rc = 0; /* another range than asked: download it all */
		else if (rc < 0 && r.status == 416)
			rc = 0; /* shorter than the mirror: start again */
		unlink(partial.buf);
		if (rc < 0 || r.not_modified || r.status == 200 || rc == 1)
			goto done;
		/* The bytes already read changed: read it all again. */
		*rewritten = true;
		st_http_response_release(&r);
		o.range = NULL;
		o.etag = o.last_modified = NULL;
	}
	rc = st_http_get_file(&r, url, &o, path, err);
done:
	if (rc >= 0) {
		rc = 0;
		st_buf_reset(&s->extra);
		if (r.not_modified)
			st_buf_addf(&s->extra, "\n%s\n%s", part[1], part[2]);
		else
			st_buf_addf(&s->extra, "\n%s\n%s", r.etag ? r.etag : "",
				    r.last_modified ? r.last_modified : "");
	}
	st_http_response_release(&r);
	st_buf_release(&partial);
	st_buf_release(&range);
	return rc;
}

int source_http_open(struct rd_source *s, const char *url, const char *state,
		     struct st_error *err)
{
	struct st_buf path = ST_BUF_INIT;
	char *part[3] = {NULL, NULL, NULL};
	bool rewritten = false;
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
	rc = download(s, url, path.buf, part, &rewritten, err);
	if (rc < 0)
		goto out;
	rc = source_mbox_open(s, path.buf,
			      *part[0] && !rewritten ? part[0] : NULL, err);
	if (rc < 0)
		goto out;
	s->ops = &http_ops;
out:
	for (int i = 0; i < 3; i++)
		free(part[i]);
	st_buf_release(&path);
	return rc;
}
