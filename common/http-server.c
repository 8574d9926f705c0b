/*
 * http-server.c: libmicrohttpd glue: listening, TLS, routing, limits,
 * security headers, access log and per-thread data. Pages and the API
 * live in their components; nothing here knows about them.
 */
#include "http-server.h"

#include "log.h"
#include "util.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TLS_PRIORITIES "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"
#define PEM_MAX	       (1024 * 1024)

static const char csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; "
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

struct st_httpd {
	struct MHD_Daemon *daemon;
	struct st_httpd_opts opts;
	char *cert;
	char *key;
	bool tls;
	pthread_key_t key_thread;
	bool key_made;
};

/* What the per-thread key holds, so the destructor finds thread_close. */
/* One cached GET response (see st_httpd_opts.cache_ttl_s). */
struct cache_entry {
	char *key; /* Host, path and query */
	char *body;
	size_t len;
	const char *content_type; /* static storage, from the handler */
	char *headers;		  /* "Name\0Value\0" pairs */
	size_t headers_len;
	uint64_t generation;
	int64_t at; /* monotonic seconds */
};

#define CACHE_SLOTS    128
#define CACHE_BODY_MAX (512 * 1024)

struct thread_slot {
	void (*close)(void *data);
	void *data;
	struct cache_entry cache[CACHE_SLOTS];
	unsigned next; /* round-robin replacement */
};

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int st_httpd_parse_listen(struct sockaddr_storage *out, socklen_t *outlen,
			  const char *s, struct st_error *err)
{
	char host[64];
	const char *port_s;
	size_t hlen;
	char *end;
	long port;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		hlen = (size_t)(close - s - 1);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, s + 1, hlen);
		port_s = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon || strchr(s, ':') != colon)
			goto bad;
		hlen = (size_t)(colon - s);
		if (hlen >= sizeof(host))
			goto bad;
		memcpy(host, s, hlen);
		port_s = colon + 1;
	}
	host[hlen] = '\0';
	if (!*port_s || *port_s < '0' || *port_s > '9')
		goto bad;
	errno = 0;
	port = strtol(port_s, &end, 10);
	if (errno || *end || port < 0 || port > 65535)
		goto bad;
	if (s[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			goto bad;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*outlen = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)out;

		if (hlen == 0)
			a->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			goto bad;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*outlen = sizeof(*a);
	}
	return 0;
bad:
	return st_error_set(err, ST_EINVALID,
			    "bad listen address '%s' (want HOST:PORT, e.g. "
			    "127.0.0.1:8080 or [::1]:8080)",
			    s);
}

static int read_pem(char **out, const char *path, struct st_error *err)
{
	struct st_buf b = ST_BUF_INIT;
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	*out = NULL;
	if (!f)
		return st_error_set(err, ST_EINVALID, "cannot read '%s': %s",
				    path, strerror(errno));
	st_buf_init(&b, PEM_MAX);
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = st_buf_add(&b, chunk, n);
	if (rc < 0)
		rc = st_error_set(err, ST_ETOOBIG, "'%s' is too large", path);
	else if (ferror(f))
		rc = st_error_set(err, ST_EINVALID, "cannot read '%s'", path);
	else if (b.len == 0)
		rc = st_error_set(err, ST_EINVALID, "'%s' is empty", path);
	fclose(f);
	if (rc == 0)
		*out = st_buf_detach(&b, NULL);
	st_buf_release(&b);
	return rc;
}

static void thread_slot_free(void *p)
{
	struct thread_slot *slot = p;

	if (slot->close && slot->data)
		slot->close(slot->data);
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		free(slot->cache[i].key);
		free(slot->cache[i].body);
		free(slot->cache[i].headers);
	}
	free(slot);
}

static struct thread_slot *thread_slot(struct st_httpd *h)
{
	return h->opts.thread_open ? pthread_getspecific(h->key_thread) : NULL;
}

static void *thread_data(struct st_httpd *h, struct st_error *err)
{
	struct thread_slot *slot;

	if (!h->opts.thread_open)
		return NULL;
	slot = pthread_getspecific(h->key_thread);
	if (slot)
		return slot->data;
	slot = st_xcalloc(1, sizeof(*slot));
	slot->close = h->opts.thread_close;
	slot->data = h->opts.thread_open(h->opts.app, err);
	if (!slot->data) {
		free(slot);
		return NULL;
	}
	pthread_setspecific(h->key_thread, slot);
	return slot->data;
}

/* Match path against pattern, filling req->args. */
static bool route_match(struct st_httpd_req *req, const char *pattern,
			const char *path)
{
	size_t used = 0;

	req->nargs = 0;
	while (*pattern) {
		if (pattern[0] == '*' && pattern[1] == '*') {
			size_t n = strlen(path);

			if (req->nargs >= ST_HTTPD_MAX_ARGS ||
			    used + n + 1 > sizeof(req->argbuf))
				return false;
			memcpy(req->argbuf + used, path, n + 1);
			req->args[req->nargs++] = req->argbuf + used;
			return true;
		}
		if (*pattern == '*') {
			size_t n = strcspn(path, "/");

			if (n == 0 || req->nargs >= ST_HTTPD_MAX_ARGS ||
			    used + n + 1 > sizeof(req->argbuf))
				return false;
			memcpy(req->argbuf + used, path, n);
			req->argbuf[used + n] = '\0';
			req->args[req->nargs++] = req->argbuf + used;
			used += n + 1;
			path += n;
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	/* A trailing slash is optional both ways. */
	return *path == '\0' || (path[0] == '/' && path[1] == '\0');
}

static const char *status_text(int status)
{
	switch (status) {
	case 400:
		return "Bad request";
	case 401:
		return "Authentication required";
	case 403:
		return "Forbidden";
	case 404:
		return "Not found";
	case 405:
		return "Method not allowed";
	case 413:
		return "Request too large";
	default:
		return "Internal error";
	}
}

int st_httpd_reply(struct st_httpd_req *req, int status,
		   const char *content_type, const char *body, size_t len)
{
	free(req->resp);
	req->resp = st_xmemdupz(body, len);
	req->resp_len = len;
	req->status = status;
	req->content_type = content_type;
	req->replied = true;
	return 0;
}

static int reply_take(struct st_httpd_req *req, int status,
		      const char *content_type, struct st_buf *b)
{
	free(req->resp);
	req->resp = st_buf_detach(b, &req->resp_len);
	req->status = status;
	req->content_type = content_type;
	req->replied = true;
	return 0;
}

int st_httpd_add_header(struct st_httpd_req *req, const char *name,
			const char *value)
{
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return st_error_set(&req->err, ST_EINVALID,
					    "bad header value for '%s'", name);
	st_buf_add(&req->extra_headers, name, strlen(name) + 1);
	st_buf_add(&req->extra_headers, value, strlen(value) + 1);
	return 0;
}

int st_httpd_html(struct st_httpd_req *req, int status, struct st_buf *b)
{
	return reply_take(req, status, "text/html; charset=utf-8", b);
}

int st_httpd_text(struct st_httpd_req *req, int status, struct st_buf *b)
{
	return reply_take(req, status, "text/plain; charset=utf-8", b);
}

int st_httpd_json(struct st_httpd_req *req, int status, const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII);

	if (!s)
		return st_error_set(&req->err, ST_ERROR,
				    "cannot serialise JSON");
	free(req->resp);
	req->resp = s;
	req->resp_len = strlen(s);
	req->status = status;
	req->content_type = "application/json";
	req->replied = true;
	return 0;
}

int st_httpd_json_error(struct st_httpd_req *req, int status, const char *msg)
{
	json_t *v = json_pack("{s:s}", "detail", msg);
	int rc = st_httpd_json(req, status, v);

	json_decref(v);
	return rc;
}

int st_httpd_redirect(struct st_httpd_req *req, const char *location)
{
	int rc = st_httpd_add_header(req, "Location", location);

	if (rc < 0)
		return rc;
	return st_httpd_reply(req, 303, "text/plain; charset=utf-8",
			      "See other\n", 10);
}

int st_httpd_error_page(struct st_httpd_req *req, int status)
{
	struct st_buf b = ST_BUF_INIT;
	const char *t = status_text(status);

	st_buf_addf(&b,
		    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		    "charset=\"utf-8\"><title>%d %s</title>"
		    "<link rel=\"stylesheet\" href=\"/static/style.css\">"
		    "</head><body><h1>%d %s</h1><p><a href=\"/\">Home</a></p>"
		    "</body></html>\n",
		    status, t, status, t);
	return st_httpd_html(req, status, &b);
}

const char *st_httpd_query(struct st_httpd_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

struct each_ctx {
	st_httpd_kv_fn fn;
	void *data;
	int rc;
};

static enum MHD_Result each_cb(void *cls, enum MHD_ValueKind kind,
			       const char *key, const char *value)
{
	struct each_ctx *e = cls;

	(void)kind;
	e->rc = e->fn(key, value ? value : "", e->data);
	return e->rc ? MHD_NO : MHD_YES;
}

int st_httpd_query_each(struct st_httpd_req *req, st_httpd_kv_fn fn, void *data)
{
	struct each_ctx e = {fn, data, 0};

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, each_cb,
				  &e);
	return e.rc;
}

const char *st_httpd_header(struct st_httpd_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

bool st_httpd_is_tls(const struct st_httpd_req *req)
{
	return req->tls;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int st_httpd_url_decode(char *s, bool form)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '%') {
			int hi = hexval((unsigned char)r[1]);
			int lo = hi < 0 ? -1 : hexval((unsigned char)r[2]);

			if (lo < 0 || (hi == 0 && lo == 0))
				return ST_EINVALID;
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else if (*r == '+' && form) {
			*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return 0;
}

static void add_headers(struct MHD_Response *resp, struct st_httpd_req *req)
{
	const char *p = req->extra_headers.buf;
	const char *end = p + req->extra_headers.len;

	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (req->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
					"max-age=31536000");
	if (req->content_type)
		MHD_add_response_header(resp, "Content-Type",
					req->content_type);
	while (p < end) {
		const char *name = p;
		const char *value = p + strlen(p) + 1;

		MHD_add_response_header(resp, name, value);
		p = value + strlen(value) + 1;
	}
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct st_httpd_req *req)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(req->resp_len, req->resp,
					       MHD_RESPMEM_MUST_FREE);
	if (!resp)
		return MHD_NO;
	req->resp = NULL; /* now the response's */
	add_headers(resp, req);
	ret = MHD_queue_response(conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static int status_of(int rc)
{
	switch (rc) {
	case ST_ENOTFOUND:
		return 404;
	case ST_EINVALID:
	case ST_EUSAGE:
		return 400;
	case ST_ETOOBIG:
		return 413;
	default:
		return 500;
	}
}

static int add_key_arg(const char *key, const char *value, void *data)
{
	st_buf_addstr(data, key);
	st_buf_addch(data, '=');
	st_buf_addstr(data, value);
	st_buf_addch(data, '&');
	return 0;
}

static void cache_key(struct st_httpd_req *req, struct st_buf *key)
{
	const char *host = st_httpd_header(req, "Host");

	st_buf_addstr(key, host ? host : "");
	st_buf_addch(key, '\n');
	st_buf_addstr(key, req->path);
	st_buf_addch(key, '?');
	st_httpd_query_each(req, add_key_arg, key);
}

static int64_t now_s(void)
{
	return now_us() / 1000000;
}

/* Reply from this worker's cache when an entry for key is from the same
 * data generation and young enough. */
static bool cache_lookup(struct st_httpd *h, struct thread_slot *slot,
			 struct st_httpd_req *req, const char *key,
			 uint64_t gen)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		struct cache_entry *e = &slot->cache[i];

		if (!e->key || e->generation != gen ||
		    now_s() - e->at >= (int64_t)h->opts.cache_ttl_s ||
		    strcmp(e->key, key))
			continue;
		st_httpd_reply(req, 200, e->content_type, e->body, e->len);
		st_buf_add(&req->extra_headers, e->headers, e->headers_len);
		return true;
	}
	return false;
}

/* A response only its requester may see: asked for with credentials, or
 * marked "Cache-Control: no-store" or "private" by its handler. Such a
 * response must never be replayed to another request for the same path. */
static bool response_private(struct st_httpd_req *req)
{
	const char *p = req->extra_headers.buf;
	const char *end = p + req->extra_headers.len;

	if (st_httpd_header(req, "Authorization"))
		return true;
	while (p < end) {
		const char *name = p;
		const char *value = p + strlen(p) + 1;

		if (strlen(name) == 13 &&
		    !st_strncasecmp(name, "Cache-Control", 13) &&
		    (strstr(value, "no-store") || strstr(value, "private")))
			return true;
		p = value + strlen(value) + 1;
	}
	return false;
}

static void cache_store(struct thread_slot *slot, struct st_httpd_req *req,
			const char *key, uint64_t gen)
{
	struct cache_entry *e;

	if (req->status != 200 || req->resp_len > CACHE_BODY_MAX ||
	    response_private(req))
		return;
	e = &slot->cache[slot->next++ % CACHE_SLOTS];
	free(e->key);
	free(e->body);
	free(e->headers);
	e->key = st_xstrdup(key);
	e->body = st_xmemdupz(req->resp, req->resp_len);
	e->len = req->resp_len;
	e->content_type = req->content_type;
	e->headers =
		st_xmemdupz(req->extra_headers.buf, req->extra_headers.len);
	e->headers_len = req->extra_headers.len;
	e->generation = gen;
	e->at = now_s();
}

/* Run the handler, through this worker's response cache for GET. */
static int run_handler(struct st_httpd *h, const struct st_httpd_route *r,
		       struct st_httpd_req *req)
{
	struct thread_slot *slot = thread_slot(h);
	struct st_buf key = ST_BUF_INIT;
	uint64_t gen = 0;
	int rc;

	if (!h->opts.cache_ttl_s || !h->opts.generation || !slot ||
	    strcmp(r->method ? r->method : "", "GET"))
		return r->fn(req);
	cache_key(req, &key);
	gen = h->opts.generation(req->thread_data);
	if (cache_lookup(h, slot, req, key.buf, gen)) {
		st_buf_release(&key);
		return 0;
	}
	rc = r->fn(req);
	if (rc == 0 && req->replied)
		cache_store(slot, req, key.buf, gen);
	st_buf_release(&key);
	return rc;
}

static void dispatch(struct st_httpd *h, struct st_httpd_req *req)
{
	const struct st_httpd_route *r;
	bool path_matched = false;
	int rc;

	for (r = h->opts.routes; r && r->pattern; r++) {
		if (!route_match(req, r->pattern, req->path))
			continue;
		path_matched = true;
		/* HEAD is GET without the body (microhttpd drops it). */
		if (r->method && strcmp(r->method, req->method) &&
		    !(!strcmp(req->method, "HEAD") &&
		      !strcmp(r->method, "GET")))
			continue;
		req->thread_data = thread_data(h, &req->err);
		if (h->opts.thread_open && !req->thread_data) {
			rc = req->err.code ? req->err.code : ST_ERROR;
			goto fail;
		}
		rc = run_handler(h, r, req);
		if (rc < 0 && !req->replied)
			goto fail;
		if (!req->replied)
			st_httpd_error_page(req, 500);
		return;
	}
	st_httpd_error_page(req, path_matched ? 405 : 404);
	return;
fail:
	if (status_of(rc) >= 500 || st_log_enabled(ST_LOG_DEBUG))
		st_log(status_of(rc) >= 500 ? ST_LOG_ERROR : ST_LOG_DEBUG,
		       "http: %s %s: %s", req->method, req->path,
		       req->err.msg[0] ? req->err.msg : st_error_name(rc));
	if (!strncmp(req->path, "/api/", 5))
		st_httpd_json_error(req, status_of(rc),
				    status_of(rc) == 404 ? "Not found."
				    : status_of(rc) == 400
					    ? (req->err.msg[0] ? req->err.msg
							       : "Bad request.")
					    : "Internal error.");
	else
		st_httpd_error_page(req, status_of(rc));
}

static void peer_ip(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, size, "-");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
			  (socklen_t)size);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct st_httpd *h = cls;
	struct st_httpd_req *req = *con_cls;

	(void)version;
	if (!req) {
		const char *cl;

		req = st_xcalloc(1, sizeof(*req));
		req->started_us = now_us();
		req->method = method;
		req->path = url;
		req->conn = conn;
		req->app = h->opts.app;
		req->tls = h->tls;
		st_buf_init(&req->body_buf, h->opts.body_max);
		st_buf_init(&req->extra_headers, 0);
		peer_ip(conn, req->ip, sizeof(req->ip));
		*con_cls = req;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 "Content-Length");
		if (cl && (strlen(cl) > 18 ||
			   strtoull(cl, NULL, 10) > h->opts.body_max)) {
			req->too_big = true;
			st_httpd_error_page(req, 413);
			return send_reply(conn, req);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (st_buf_add(&req->body_buf, upload, *upload_size) < 0)
			return MHD_NO; /* chunked body over the cap: hang up */
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->replied)
		return MHD_YES;
	req->body = req->body_buf.buf;
	req->body_len = req->body_buf.len;
	dispatch(h, req);
	return send_reply(conn, req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct st_httpd_req *req = *con_cls;

	(void)cls;
	(void)conn;
	if (!req)
		return;
	if (st_log_enabled(ST_LOG_INFO))
		st_log(ST_LOG_INFO,
		       "http ip=%s method=%s path=%s status=%d bytes=%zu "
		       "us=%lld end=%d",
		       req->ip, req->method, req->path, req->status,
		       req->resp_len, (long long)(now_us() - req->started_us),
		       (int)toe);
	free(req->resp);
	st_buf_release(&req->body_buf);
	st_buf_release(&req->extra_headers);
	free(req);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	st_log(ST_LOG_DEBUG, "microhttpd: %s", line);
}

int st_httpd_start(struct st_httpd **out, const struct st_httpd_opts *opts,
		   struct st_error *err)
{
	struct st_httpd *h = st_xcalloc(1, sizeof(*h));
	struct sockaddr_storage addr;
	socklen_t addrlen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			 MHD_USE_ERROR_LOG;
	struct MHD_OptionItem o[20];
	int n = 0, rc;

	*out = NULL;
	h->opts = *opts;
	if (!h->opts.listen)
		h->opts.listen = "127.0.0.1:8080";
	if (!h->opts.threads)
		h->opts.threads = 2;
	if (!h->opts.conn_limit)
		h->opts.conn_limit = 256;
	if (!h->opts.per_ip_limit)
		h->opts.per_ip_limit = 128;
	if (!h->opts.timeout_s)
		h->opts.timeout_s = 15;
	if (!h->opts.body_max)
		h->opts.body_max = 1024 * 1024;
	rc = st_httpd_parse_listen(&addr, &addrlen, h->opts.listen, err);
	if (rc < 0)
		goto out;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (!opts->tls_cert != !opts->tls_key) {
		rc = st_error_set(err, ST_EINVALID,
				  "TLS needs both a certificate and a key");
		goto out;
	}
	if (opts->tls_cert) {
		rc = read_pem(&h->cert, opts->tls_cert, err);
		if (rc == 0)
			rc = read_pem(&h->key, opts->tls_key, err);
		if (rc < 0)
			goto out;
		h->tls = true;
		flags |= MHD_USE_TLS;
		o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
						 h->cert};
		o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
						 h->key};
		o[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_PRIORITIES, 0,
						 (void *)TLS_PRIORITIES};
	}
	if (pthread_key_create(&h->key_thread, thread_slot_free) != 0) {
		rc = st_error_set(err, ST_ERROR, "cannot create thread key");
		goto out;
	}
	h->key_made = true;
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
					 h->opts.threads, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
					 h->opts.conn_limit, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
					 h->opts.per_ip_limit, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
					 h->opts.timeout_s, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT,
					 64 * 1024, NULL};
	o[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	h->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, o,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
	if (!h->daemon) {
		rc = st_error_set(err, ST_ERROR,
				  "cannot listen on '%s' (address in use, or "
				  "bad TLS certificate/key)",
				  h->opts.listen);
		goto out;
	}
	*out = h;
	h = NULL;
	rc = 0;
out:
	st_httpd_free(h);
	return rc;
}

unsigned st_httpd_port(const struct st_httpd *h)
{
	const union MHD_DaemonInfo *di =
		MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : 0;
}

void st_httpd_free(struct st_httpd *h)
{
	if (!h)
		return;
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	if (h->key_made)
		pthread_key_delete(h->key_thread);
	free(h->cert);
	free(h->key);
	free(h);
}

void st_httpd_block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int st_httpd_wait_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	while (sigwait(&set, &sig) != 0)
		;
	return sig;
}
