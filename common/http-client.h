/*
 * http-client.h: the one HTTP client of Steward, a small libcurl wrapper.
 * GET a URL into a capped st_buf, a file or a callback; conditional GET
 * from saved validators (ETag, Last-Modified), with 304 reported as "not
 * modified"; connect and total timeouts; retries with backoff on 5xx and
 * connection errors; optional redirects. Only http and https are allowed,
 * also after a redirect. Not a server, not for uploads.
 *
 * Thread-safe: each call uses its own curl handle; libcurl's global
 * initialisation runs once (pthread_once).
 */
#ifndef STEWARD_COMMON_HTTP_CLIENT_H
#define STEWARD_COMMON_HTTP_CLIENT_H

#include "buf.h"
#include "error.h"

#include <stdbool.h>
#include <stddef.h>

/* What a request may do. Zeroed fields take the defaults named. */
struct st_http_opts {
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;	 /* whole transfer; 0: 300 s */
	int retries;		 /* extra attempts on 5xx/network errors */
	long retry_delay_ms;	 /* first backoff, doubled each retry; 0: 1 s */
	bool follow_redirects;	 /* at most 5, http(s) only */
	size_t max_size;	 /* body cap, ST_ETOOBIG past it; 0: none */
	const char *etag;	 /* sent as If-None-Match, or NULL */
	const char *last_modified; /* sent as If-Modified-Since, or NULL */
	const char *user_agent;	   /* NULL: "steward/VERSION" */
	/* "START-[END]", sent as Range: bytes=...; a 206 answer is then a
	 * success, to be checked against content_range. */
	const char *range;
};

/*
 * What came back. Strings are owned by the response and NULL when the
 * server did not send the header; free with st_http_response_release.
 */
struct st_http_response {
	long status;	     /* last HTTP status, 0 when none was received */
	bool not_modified;   /* 304: the validators still hold */
	size_t size;	     /* body bytes delivered */
	int attempts;	     /* requests made, retries included */
	char *etag;	     /* new validator, to send next time */
	char *last_modified; /* new validator, to send next time */
	char *content_type;
	char *location;	     /* of a redirect not followed */
	char *content_range; /* of a 206: "bytes START-END/TOTAL" */
};

/* Empty a response to reuse or drop it. */
void st_http_response_release(struct st_http_response *r);

/*
 * Receives body bytes; returns 0 to go on or a negative ST_E* code to
 * stop the transfer (that code is then returned, err left to the callback).
 */
typedef int (*st_http_write_fn)(void *data, const char *p, size_t len,
				struct st_error *err);

/*
 * GET url into body (appended after reset). *out is filled in every case
 * it can be (status of a failed request too); release it after.
 * Returns 0 on 2xx and on 304 (out->not_modified, body empty),
 * ST_ENOTFOUND on 404/410, ST_ETOOBIG when the body passes opts->max_size
 * or body's own cap, ST_EINVALID for a URL that is not http(s), ST_ERROR
 * otherwise (other status, timeout, connection failure after the
 * retries), with a message naming the URL. opts may be NULL.
 */
int st_http_get(struct st_http_response *out, const char *url,
		const struct st_http_opts *opts, struct st_buf *body,
		struct st_error *err);

/*
 * GET url into path: the body goes to "path.tmp", renamed over path only
 * on a complete 2xx, so path always holds a whole previous download. On
 * 304 path is untouched. Returns as st_http_get.
 */
int st_http_get_file(struct st_http_response *out, const char *url,
		     const struct st_http_opts *opts, const char *path,
		     struct st_error *err);

/*
 * GET url, streaming the body to fn. Since delivered bytes cannot be
 * taken back, a failed attempt is retried only when fn got nothing yet.
 * Returns as st_http_get, or the callback's code.
 */
int st_http_get_cb(struct st_http_response *out, const char *url,
		   const struct st_http_opts *opts, st_http_write_fn fn,
		   void *data, struct st_error *err);

#endif
