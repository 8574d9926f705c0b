/*
 * http-server.h: the HTTP server base on libmicrohttpd, shared by the
 * dashboard (steward serve) and the static site server. It owns listening,
 * the worker thread pool, TLS (GnuTLS, TLS 1.2 and 1.3 only), the route
 * table, limits, the security headers added to every response, the access
 * log and the per-thread data (one read-only store per worker).
 *
 * It knows nothing of pages: a route maps a method and a path pattern to a
 * handler, which fills the request's response through the helpers below.
 */
#ifndef STEWARD_COMMON_HTTP_SERVER_H
#define STEWARD_COMMON_HTTP_SERVER_H

#include "buf.h"
#include "error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct st_httpd;
struct MHD_Connection;

/* Path segments a pattern's '*' captured, at most this many. */
#define ST_HTTPD_MAX_ARGS 4

/*
 * One request, owned by the server. Handlers read method, path, args,
 * body and the data pointers, and answer through st_httpd_reply and the
 * helpers; a handler that returns a negative ST_E* code without having
 * replied gets a generic error page (ST_ENOTFOUND 404, ST_EINVALID 400,
 * ST_ETOOBIG 413, anything else 500) and err's message goes to the log.
 */
struct st_httpd_req {
	const char *method; /* "GET", "PATCH", ... */
	const char *path;   /* URL path without the query string */
	const char *args[ST_HTTPD_MAX_ARGS]; /* '*' captures, NUL-terminated */
	size_t nargs;
	const char *body; /* request body, NUL-terminated, may be empty */
	size_t body_len;
	void *app;	   /* the server's app pointer */
	void *thread_data; /* this worker's data from thread_open, or NULL */
	struct MHD_Connection *conn;
	struct st_error err; /* this request's own error */
	/* private below */
	int status;
	bool replied;
	bool tls;
	char argbuf[512];
	struct st_buf body_buf;
	struct st_buf extra_headers; /* "Name\0Value\0" pairs */
	char *resp;
	size_t resp_len;
	const char *content_type;
	bool too_big;
	int64_t started_us;
	char ip[64];
};

/*
 * A handler: 0 when it replied, or a negative ST_E* code (see above).
 */
typedef int (*st_httpd_handler)(struct st_httpd_req *req);

/*
 * A route. pattern is a path where '*' matches one non-empty segment (no
 * '/') and a trailing "**" matches the rest; a trailing '/' on the request
 * is ignored, so "/api/1.2/patches/" followed by a star matches
 * "/api/1.2/patches/7/".
 * method NULL matches any method. The first matching route wins; a path
 * that matches some route but not its method gets 405.
 */
struct st_httpd_route {
	const char *method;
	const char *pattern;
	st_httpd_handler fn;
};

struct st_httpd_opts {
	const char *listen;   /* "127.0.0.1:8080", "[::1]:8080"; NULL: that */
	const char *tls_cert; /* PEM files; both or neither */
	const char *tls_key;
	unsigned threads;      /* worker threads; 0: 2 */
	unsigned conn_limit;   /* 0: 256 */
	unsigned per_ip_limit; /* 0: 128 */
	unsigned timeout_s;    /* idle connection timeout; 0: 15 */
	size_t body_max;       /* request body cap; 0: 1 MiB */
	const struct st_httpd_route *routes; /* ends with a NULL pattern */
	void *app;			     /* handed to every request */
	/* Per worker thread, called on its first request; NULL result with err
	 * set fails that request with 500. close is called at thread exit. */
	void *(*thread_open)(void *app, struct st_error *err);
	void (*thread_close)(void *thread_data);
	/*
	 * Optional response cache for GET routes, one per worker thread: a
	 * 200 response is reused for the same Host, path and query while
	 * generation(thread_data) returns the same value (e.g. SQLite's
	 * PRAGMA data_version) and for at most cache_ttl_s seconds (0: off).
	 * Never stored: responses to requests carrying Authorization, and
	 * responses whose handler set "Cache-Control: no-store" or "private".
	 */
	unsigned cache_ttl_s;
	uint64_t (*generation)(void *thread_data);
};

/*
 * Parse "HOST:PORT" ("127.0.0.1:8080", "[::1]:8080", "localhost" is not
 * resolved: addresses only) into *out / *outlen. ST_EINVALID otherwise.
 */
int st_httpd_parse_listen(struct sockaddr_storage *out, socklen_t *outlen,
			  const char *s, struct st_error *err);

/*
 * Start serving. Caller owns *out; stop with st_httpd_free. Errors:
 * ST_EINVALID (bad options or certificate files), ST_ERROR (cannot bind).
 */
int st_httpd_start(struct st_httpd **out, const struct st_httpd_opts *opts,
		   struct st_error *err);
/* The port actually bound (useful with port 0). */
unsigned st_httpd_port(const struct st_httpd *h);
/* Stop accepting, finish requests, join the threads, free. NULL is a
 * no-op. */
void st_httpd_free(struct st_httpd *h);

/*
 * Block SIGINT and SIGTERM in the calling thread (call before
 * st_httpd_start, so that workers inherit the mask), and wait for one.
 * Returns the signal number.
 */
void st_httpd_block_signals(void);
int st_httpd_wait_signal(void);

/* The value of query parameter name (the last one), or NULL. Borrowed. */
const char *st_httpd_query(struct st_httpd_req *req, const char *name);
/* Call fn for each query parameter (in order); non-zero stops. */
typedef int (*st_httpd_kv_fn)(const char *key, const char *value, void *data);
int st_httpd_query_each(struct st_httpd_req *req, st_httpd_kv_fn fn,
			void *data);
/* The value of request header name, or NULL. Borrowed. */
const char *st_httpd_header(struct st_httpd_req *req, const char *name);
/* True when the request came over TLS. */
bool st_httpd_is_tls(const struct st_httpd_req *req);

/*
 * Reply with status, content type and body (copied). Every reply gets
 * the security headers. Returns 0.
 */
int st_httpd_reply(struct st_httpd_req *req, int status,
		   const char *content_type, const char *body, size_t len);
/* Add a response header (before replying, or after: it is sent either
 * way). Values with control characters are refused (header injection). */
int st_httpd_add_header(struct st_httpd_req *req, const char *name,
			const char *value);
/* Shorthands. html and text take the buffer's contents (the buffer is
 * left empty); json serialises v (not taken). */
int st_httpd_html(struct st_httpd_req *req, int status, struct st_buf *b);
int st_httpd_text(struct st_httpd_req *req, int status, struct st_buf *b);
int st_httpd_json(struct st_httpd_req *req, int status, const json_t *v);
/* A JSON error {"detail": msg} with status (Patchwork's error shape). */
int st_httpd_json_error(struct st_httpd_req *req, int status, const char *msg);
/* 303 See Other to a local path. */
int st_httpd_redirect(struct st_httpd_req *req, const char *location);
/* A generic HTML error page for status (404, 400, 401, 500, ...). */
int st_httpd_error_page(struct st_httpd_req *req, int status);

/* Percent-decode s in place ('+' is a space when form is true). Returns 0
 * or ST_EINVALID for a bad escape or an embedded NUL. */
int st_httpd_url_decode(char *s, bool form);

#endif
