/*
 * source.c: open a mail source by what uri names and hand each call to
 * the reader of that kind (source-*.c). No parsing of messages here.
 */
#include "source.h"

#include "source-impl.h"

#include "common/util.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An http(s) URL of an mbox file rather than of a public-inbox. */
static bool is_mbox_url(const char *url)
{
	static const char *const ends[] = {".mbox", ".mbx", ".gz", ".xz",
					   "/mbox"};
	const char *q = strpbrk(url, "?#");
	size_t len = q ? (size_t)(q - url) : strlen(url);

	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t n = strlen(ends[i]);

		if (len >= n && !st_strncasecmp(url + len - n, ends[i], n))
			return true;
	}
	return false;
}

static bool is_dir(const char *dir, const char *sub)
{
	struct st_buf p = ST_BUF_INIT;
	struct stat sb;
	bool yes;

	st_buf_addf(&p, "%s/%s", dir, sub);
	yes = stat(p.buf, &sb) == 0 && S_ISDIR(sb.st_mode);
	st_buf_release(&p);
	return yes;
}

static int open_path(struct rd_source *s, const char *uri, const char *state,
		     struct st_error *err)
{
	struct stat sb;

	if (!strcmp(uri, "-"))
		return source_mbox_open(s, uri, NULL, err);
	if (stat(uri, &sb) != 0)
		return st_error_set(
			err, errno == ENOENT ? ST_ENOTFOUND : ST_ERROR,
			"cannot open '%s': %s", uri, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return source_mbox_open(s, uri, state, err);
	if (is_dir(uri, "git"))
		return source_pubinbox_open(s, uri, state, err);
	if (is_dir(uri, "cur") || is_dir(uri, "new"))
		return source_maildir_open(s, uri, state, err);
	return st_error_set(err, ST_EINVALID,
			    "'%s' is neither a Maildir nor a public-inbox "
			    "archive",
			    uri);
}

int rd_source_open(struct rd_source **out, const char *uri,
		   const struct rd_source_opts *opts, struct st_error *err)
{
	static const struct rd_source_opts defaults;
	const struct rd_source_opts *o = opts ? opts : &defaults;
	struct rd_source *s = st_xcalloc(1, sizeof(*s));
	const char *state = o->state && *o->state ? o->state : NULL;
	bool http = !st_strncasecmp(uri, "http://", 7) ||
		    !st_strncasecmp(uri, "https://", 8);
	int rc;

	*out = NULL;
	s->uri = st_xstrdup(uri);
	s->mirror_dir = o->mirror_dir ? st_xstrdup(o->mirror_dir) : NULL;
	s->max_message =
		o->max_message ? o->max_message : RD_SOURCE_MAX_MESSAGE;
	s->timeout_secs = o->timeout_secs;
	st_buf_init(&s->state, 0);
	st_buf_init(&s->pos, 0);
	st_buf_init(&s->extra, 0);
	if (state)
		st_buf_addstr(&s->state, state);
	if (http && is_mbox_url(uri))
		rc = source_http_open(s, uri, state, err);
	else if (http || !st_strncasecmp(uri, "file://", 7))
		rc = source_pubinbox_open_remote(s, uri, state, err);
	else
		rc = open_path(s, uri, state, err);
	if (rc < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	rd_source_free(s);
	return rc;
}

int rd_source_next(struct rd_source *s, const char **raw, size_t *len,
		   const char **pos, struct st_error *err)
{
	int rc;

	st_buf_reset(&s->pos);
	rc = s->ops->next(s, raw, len, err);
	/* The token moves with each message, and past skipped ones. */
	if (rc >= 0)
		s->ops->state(s);
	if (rc > 0) {
		*pos = s->pos.buf;
	} else {
		*raw = NULL;
		*len = 0;
		*pos = "";
	}
	return rc;
}

const char *rd_source_state(struct rd_source *s)
{
	return s->state.buf;
}

const char *rd_source_kind(const struct rd_source *s)
{
	return s->ops->kind;
}

void rd_source_free(struct rd_source *s)
{
	if (!s)
		return;
	if (s->ops && s->priv)
		s->ops->free(s->priv);
	free(s->uri);
	free(s->mirror_dir);
	st_buf_release(&s->state);
	st_buf_release(&s->pos);
	st_buf_release(&s->extra);
	free(s);
}
