/*
 * http-client.c: GET over libcurl with caps, validators, timeouts and
 * retries. Each call owns its curl handle and error buffer (curl's
 * struct per_transfer); libcurl's messages are translated to st_error here.
 */
#include "http-client.h"

#include "log.h"
#include "util.h"
#include "xalloc.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum sink_kind {
	SINK_BUF,
	SINK_FILE,
	SINK_CB,
};

/* Where body bytes go, and what went wrong there. */
struct sink {
	enum sink_kind kind;
	struct st_buf *buf;
	FILE *file;
	st_http_write_fn fn;
	void *data;
	size_t max;	  /* 0: no cap */
	size_t delivered; /* this attempt */
	bool toobig;
	int write_errno; /* file write failure */
	int cb_rc;	 /* callback's code */
	struct st_error *err;
};

struct transfer {
	struct sink *sink;
	struct st_http_response *resp;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void st_http_response_release(struct st_http_response *r)
{
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->location);
	free(r->content_range);
	memset(r, 0, sizeof(*r));
}

static void reset_headers(struct st_http_response *r)
{
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->location);
	free(r->content_range);
	r->etag = r->last_modified = r->content_type = r->location = NULL;
	r->content_range = NULL;
}

static size_t write_cb(char *p, size_t size, size_t n, void *data)
{
	struct sink *s = data;
	size_t len = size * n;
	int rc;

	if (s->max && (s->delivered > s->max || len > s->max - s->delivered)) {
		s->toobig = true;
		return 0;
	}
	switch (s->kind) {
	case SINK_BUF:
		if (st_buf_add(s->buf, p, len) < 0) {
			s->toobig = true;
			return 0;
		}
		break;
	case SINK_FILE:
		if (fwrite(p, 1, len, s->file) != len) {
			s->write_errno = errno ? errno : EIO;
			return 0;
		}
		break;
	case SINK_CB:
		rc = s->fn(s->data, p, len, s->err);
		if (rc < 0) {
			s->cb_rc = rc;
			return 0;
		}
		break;
	}
	s->delivered += len;
	return len;
}

/* A header value copied without surrounding blanks or CR/LF. */
static char *header_value(const char *p, size_t len)
{
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len && (p[len - 1] == '\r' || p[len - 1] == '\n' ||
		       p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return st_xmemdupz(p, len);
}

static size_t header_cb(char *p, size_t size, size_t n, void *data)
{
	struct st_http_response *r = data;
	size_t len = size * n;
	static const struct {
		const char *name;
		size_t off;
	} keep[] = {
		{"etag:", offsetof(struct st_http_response, etag)},
		{"last-modified:",
		 offsetof(struct st_http_response, last_modified)},
		{"content-type:",
		 offsetof(struct st_http_response, content_type)},
		{"location:", offsetof(struct st_http_response, location)},
		{"content-range:",
		 offsetof(struct st_http_response, content_range)},
	};

	/* A status line starts a new response (redirect, 100 Continue):
	 * only the last response's headers count. */
	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		reset_headers(r);
		return len;
	}
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		size_t nl = strlen(keep[i].name);
		char **slot = (char **)((char *)r + keep[i].off);

		if (len < nl || st_strncasecmp(p, keep[i].name, nl))
			continue;
		free(*slot);
		*slot = header_value(p + nl, len - nl);
		break;
	}
	return len;
}

/* Empty the sink for another attempt; false when it cannot be. */
static bool sink_reset(struct sink *s)
{
	bool ok = true;

	switch (s->kind) {
	case SINK_BUF:
		st_buf_reset(s->buf);
		break;
	case SINK_FILE:
		if (fflush(s->file) != 0 || ftruncate(fileno(s->file), 0) != 0)
			ok = false;
		rewind(s->file);
		break;
	case SINK_CB:
		ok = s->delivered == 0;
		break;
	}
	s->delivered = 0;
	s->toobig = false;
	return ok;
}

static bool is_transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		return true;
	default:
		return false;
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool is_http_url(const char *url)
{
	return !st_strncasecmp(url, "http://", 7) ||
	       !st_strncasecmp(url, "https://", 8);
}

static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n");
}

static int setup(CURL *h, struct curl_slist **hdrs, const char *url,
		 const struct st_http_opts *o, struct transfer *t, char *errbuf,
		 struct st_error *err)
{
	struct st_buf line = ST_BUF_INIT;
	int rc = 0;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 o->connect_timeout_ms > 0 ? o->connect_timeout_ms
						   : 10000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS,
			 o->timeout_ms > 0 ? o->timeout_ms : 300000L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION,
			 o->follow_redirects ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_USERAGENT,
			 o->user_agent ? o->user_agent
				       : "steward/" STEWARD_VERSION);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t->sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t->resp);
	if (o->range)
		curl_easy_setopt(h, CURLOPT_RANGE, o->range);
	if (o->max_size)
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
				 (curl_off_t)o->max_size);
	if (has_crlf(o->etag) || has_crlf(o->last_modified)) {
		rc = st_error_set(err, ST_EINVALID,
				  "validator for '%s' holds a line break", url);
		goto out;
	}
	if (o->etag && *o->etag) {
		st_buf_addf(&line, "If-None-Match: %s", o->etag);
		*hdrs = curl_slist_append(*hdrs, line.buf);
	}
	if (o->last_modified && *o->last_modified) {
		st_buf_reset(&line);
		st_buf_addf(&line, "If-Modified-Since: %s", o->last_modified);
		*hdrs = curl_slist_append(*hdrs, line.buf);
	}
	if (*hdrs)
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
out:
	st_buf_release(&line);
	return rc;
}

/* The outcome of one finished attempt: 0, 1 to retry, or an error. */
static int judge(CURLcode cc, struct sink *s, struct st_http_response *r,
		 const char *url, const char *errbuf, size_t max,
		 struct st_error *err)
{
	if (s->toobig || cc == CURLE_FILESIZE_EXCEEDED)
		return st_error_set(err, ST_ETOOBIG,
				    "'%s' is larger than %zu bytes", url, max);
	if (s->cb_rc < 0)
		return s->cb_rc;
	if (s->write_errno)
		return st_error_set(err, ST_ERROR, "'%s': write: %s", url,
				    strerror(s->write_errno));
	if (cc != CURLE_OK) {
		st_error_set(err, ST_ERROR, "'%s': %s", url,
			     *errbuf ? errbuf : curl_easy_strerror(cc));
		return is_transient(cc) ? 1 : ST_ERROR;
	}
	if (r->status == 304) {
		r->not_modified = true;
		return 0;
	}
	if (r->status >= 200 && r->status < 300)
		return 0;
	st_error_set(err, ST_ERROR, "'%s': http status %ld", url, r->status);
	if (r->status >= 500)
		return 1;
	if (r->status == 404 || r->status == 410)
		return st_error_set(err, ST_ENOTFOUND, "'%s': http status %ld",
				    url, r->status);
	return ST_ERROR;
}

static int run(struct st_http_response *out, const char *url,
	       const struct st_http_opts *opts, struct sink *s,
	       struct st_error *err)
{
	static const struct st_http_opts defaults;
	const struct st_http_opts *o = opts ? opts : &defaults;
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdrs = NULL;
	struct transfer t = {s, out};
	long delay = o->retry_delay_ms > 0 ? o->retry_delay_ms : 1000L;
	CURL *h = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	s->err = err;
	s->max = o->max_size;
	if (!is_http_url(url)) {
		rc = st_error_set(err, ST_EINVALID,
				  "'%s' is not an http(s) URL", url);
		goto out;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		rc = st_error_set(err, ST_ERROR, "libcurl: %s",
				  curl_easy_strerror(global_rc));
		goto out;
	}
	h = curl_easy_init();
	if (!h) {
		rc = st_error_set(err, ST_ERROR,
				  "libcurl: cannot make a handle");
		goto out;
	}
	rc = setup(h, &hdrs, url, o, &t, errbuf, err);
	if (rc < 0)
		goto out;
	for (int attempt = 0;; attempt++) {
		CURLcode cc;

		errbuf[0] = '\0';
		out->not_modified = false;
		out->status = 0;
		out->attempts++;
		cc = curl_easy_perform(h);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
		rc = judge(cc, s, out, url, errbuf, o->max_size, err);
		if (rc != 1)
			break;
		if (attempt >= o->retries || !sink_reset(s)) {
			rc = ST_ERROR;
			break;
		}
		st_log(ST_LOG_INFO, "retrying '%s' in %ld ms: %s", url, delay,
		       err ? err->msg : "");
		reset_headers(out);
		sleep_ms(delay);
		if (delay < 60000)
			delay *= 2;
	}
	out->size = s->delivered;
	if (rc == 0)
		st_error_clear(err);
out:
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}

int st_http_get(struct st_http_response *out, const char *url,
		const struct st_http_opts *opts, struct st_buf *body,
		struct st_error *err)
{
	struct sink s = {.kind = SINK_BUF, .buf = body};

	st_buf_reset(body);
	return run(out, url, opts, &s, err);
}

int st_http_get_file(struct st_http_response *out, const char *url,
		     const struct st_http_opts *opts, const char *path,
		     struct st_error *err)
{
	struct st_buf tmp = ST_BUF_INIT;
	struct sink s = {.kind = SINK_FILE};
	int rc;

	memset(out, 0, sizeof(*out));
	st_buf_addf(&tmp, "%s.tmp", path);
	s.file = fopen(tmp.buf, "wb");
	if (!s.file) {
		rc = st_error_set(err, ST_ERROR, "cannot create '%s': %s",
				  tmp.buf, strerror(errno));
		goto out;
	}
	rc = run(out, url, opts, &s, err);
	/* On disk before the rename: a crash must not leave a short file
	 * that a later 304 would vouch for. */
	if (rc == 0 && !out->not_modified &&
	    (fflush(s.file) != 0 || fsync(fileno(s.file)) != 0))
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  tmp.buf, strerror(errno));
	if (fclose(s.file) != 0 && rc == 0)
		rc = st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				  tmp.buf, strerror(errno));
	if (rc == 0 && !out->not_modified) {
		if (rename(tmp.buf, path) != 0)
			rc = st_error_set(err, ST_ERROR,
					  "cannot rename '%s': %s", tmp.buf,
					  strerror(errno));
	}
	if (rc < 0 || out->not_modified)
		unlink(tmp.buf);
out:
	st_buf_release(&tmp);
	return rc;
}

int st_http_get_cb(struct st_http_response *out, const char *url,
		   const struct st_http_opts *opts, st_http_write_fn fn,
		   void *data, struct st_error *err)
{
	struct sink s = {.kind = SINK_CB, .fn = fn, .data = data};

	return run(out, url, opts, &s, err);
}
