/*
 * static-server.c: the static site server on the common HTTP server base
 * (common/http-server.h), which owns listening, TLS, threads, limits,
 * the security headers and the access log. What file answers a request
 * is decided in static.c; this file maps it to replies: validators and
 * 304, gzip twins, the site's own 404 page, and the plain-HTTP listener
 * that only redirects to HTTPS.
 */
#include "static-server.h"

#include "static.h"

#include "common/buf.h"
#include "common/http-server.h"
#include "common/log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Files are replied from memory (the base copies replies), so their size
 * is capped. */
#define MAX_FILE (64u << 20)

struct site {
	const char *root;
	unsigned tls_port; /* for the redirecting listener */
};

/* Headers the base does not add and a site with no scripts can afford. */
static void add_extra_headers(struct st_httpd_req *req)
{
	st_httpd_add_header(req, "Cross-Origin-Opener-Policy", "same-origin");
	st_httpd_add_header(req, "Permissions-Policy",
			    "geolocation=(), camera=(), microphone=()");
}

static void add_validators(struct st_httpd_req *req,
			   const struct web_static_file *f)
{
	char date[40];

	web_static_http_date(date, sizeof(date), f->mtime);
	st_httpd_add_header(req, "ETag", f->etag);
	st_httpd_add_header(req, "Last-Modified", date);
	st_httpd_add_header(req, "Cache-Control", "public, max-age=300");
	if (f->vary)
		st_httpd_add_header(req, "Vary", "Accept-Encoding");
}

/* Read f (and close it) into out. */
static int read_all(struct st_buf *out, struct web_static_file *f,
		    struct st_error *err)
{
	char chunk[65536];
	int rc = 0;

	st_buf_init(out, MAX_FILE);
	if (f->size > MAX_FILE)
		rc = st_error_set(err, ST_ETOOBIG,
				  "file of %llu bytes is over the cap",
				  (unsigned long long)f->size);
	else if (st_buf_grow(out, (size_t)f->size) < 0)
		rc = st_error_set(err, ST_ETOOBIG, "file too big");
	while (!rc) {
		ssize_t n = read(f->fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = st_error_set(err, ST_ERROR, "cannot read: %s",
					  strerror(errno));
		else if (n == 0)
			break;
		else if (st_buf_add(out, chunk, (size_t)n) < 0)
			rc = st_error_set(err, ST_ETOOBIG, "file too big");
	}
	close(f->fd);
	f->fd = -1;
	return rc;
}

static int reply_file(struct st_httpd_req *req, int status,
		      struct web_static_file *f)
{
	struct st_buf body = ST_BUF_INIT;
	int rc = read_all(&body, f, &req->err);

	if (rc < 0)
		goto out;
	if (f->gzip)
		st_httpd_add_header(req, "Content-Encoding", "gzip");
	if (status == 200)
		add_validators(req, f);
	add_extra_headers(req);
	rc = st_httpd_reply(req, status, f->type, body.buf, body.len);
out:
	st_buf_release(&body);
	return rc;
}

static int serve_file(struct st_httpd_req *req)
{
	const struct site *s = req->app;
	unsigned flags = WEB_STATIC_DECODED;
	struct web_static_file f;

	if (web_static_accepts_gzip(st_httpd_header(req, "Accept-Encoding")))
		flags |= WEB_STATIC_GZIP;
	if (web_static_open(&f, s->root, req->path, flags, &req->err) < 0) {
		/* The site's own 404 page, else the base's. */
		if (web_static_open(&f, s->root, "/404.html", flags, NULL) < 0)
			return ST_ENOTFOUND;
		return reply_file(req, 404, &f);
	}
	if (web_static_not_modified(
		    &f, st_httpd_header(req, "If-None-Match"),
		    st_httpd_header(req, "If-Modified-Since"))) {
		close(f.fd);
		add_validators(req, &f);
		add_extra_headers(req);
		return st_httpd_reply(req, 304, NULL, "", 0);
	}
	return reply_file(req, 200, &f);
}

static int not_allowed(struct st_httpd_req *req)
{
	st_httpd_add_header(req, "Allow", "GET, HEAD");
	return st_httpd_reply(req, 405, "text/plain; charset=utf-8",
			      "method not allowed\n", 19);
}

/* The length of the host part of a Host header value (without the port),
 * or 0 when it is not a plain host name or address. */
static size_t host_len(const char *h)
{
	size_t n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":");

	if (n == 0 || n >= 256 || (h[0] == '[' && h[n - 1] != ']'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		      (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		      h[i] == '-' || h[i] == ':' || h[i] == '[' || h[i] == ']'))
			return 0;
	return n;
}

/* Plain HTTP when HTTPS is there: everything moves to HTTPS, same host,
 * same path. */
static int redirect(struct st_httpd_req *req)
{
	const struct site *s = req->app;
	const char *host = st_httpd_header(req, "Host");
	struct st_buf loc = ST_BUF_INIT;
	size_t n;
	int rc;

	if (!host)
		host = "localhost";
	n = host_len(host);
	if (!n)
		return st_error_set(&req->err, ST_EINVALID, "bad Host");
	st_buf_addstr(&loc, "https://");
	st_buf_add(&loc, host, n);
	if (s->tls_port != 443)
		st_buf_addf(&loc, ":%u", s->tls_port);
	/* The path came decoded: encode it again for the header. */
	for (const unsigned char *p = (const unsigned char *)req->path; *p; p++)
		if (*p > 0x20 && *p < 0x7f && *p != '%' && *p != '"')
			st_buf_addch(&loc, *p);
		else
			st_buf_addf(&loc, "%%%02X", *p);
	st_httpd_add_header(req, "Location", loc.buf);
	rc = st_httpd_reply(req, 301, "text/plain; charset=utf-8",
			    "moved to https\n", 15);
	st_buf_release(&loc);
	return rc;
}

static const struct st_httpd_route site_routes[] = {
	{"GET", "/**", serve_file},
	{NULL, "/**", not_allowed},
	{NULL, NULL, NULL},
};

static const struct st_httpd_route redirect_routes[] = {
	{NULL, "/**", redirect},
	{NULL, NULL, NULL},
};

/* "serving on http://HOST:PORT/" for a listener. */
static void announce(FILE *f, const char *scheme, const char *addr,
		     unsigned port)
{
	const char *colon = strrchr(addr, ':');

	if (!f || !colon)
		return;
	fprintf(f, "serving on %s://%.*s:%u/\n", scheme, (int)(colon - addr),
		colon == addr ? "0.0.0.0" : addr, port);
	fflush(f);
}

int web_static_server_run(const struct web_serve_opts *o, struct st_error *err)
{
	struct site site = {o->root, 0};
	struct st_httpd *tls = NULL, *plain = NULL;
	struct st_httpd_opts ho = {0};
	struct sockaddr_storage sa;
	socklen_t salen;
	sigset_t pipe_set;
	struct stat st;
	int rc = 0;

	if (!o->https_addr && !o->http_addr)
		return st_error_set(err, ST_EUSAGE,
				    "give --https ADDR or --http ADDR");
	if (o->https_addr && (!o->cert_file || !o->key_file))
		return st_error_set(err, ST_EUSAGE,
				    "--https needs --tls-cert and --tls-key");
	if ((o->https_addr &&
	     st_httpd_parse_listen(&sa, &salen, o->https_addr, err) < 0) ||
	    (o->http_addr &&
	     st_httpd_parse_listen(&sa, &salen, o->http_addr, err) < 0))
		return ST_EUSAGE;
	if (stat(o->root, &st) < 0 || !S_ISDIR(st.st_mode))
		return st_error_set(err, ST_ENOTFOUND, "no site folder '%s'",
				    o->root);
	if (o->https_addr && access(o->cert_file, R_OK) < 0)
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    o->cert_file, strerror(errno));
	if (o->https_addr && access(o->key_file, R_OK) < 0)
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    o->key_file, strerror(errno));
	/* Workers inherit the mask: only the wait below sees the signals,
	 * and a peer hanging up never kills the server. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	st_httpd_block_signals();
	ho.threads = o->threads;
	ho.conn_limit = 1024;
	ho.per_ip_limit = 256;
	ho.timeout_s = 30;
	ho.body_max = 64 << 10;
	ho.app = &site;
	if (o->https_addr) {
		ho.listen = o->https_addr;
		ho.tls_cert = o->cert_file;
		ho.tls_key = o->key_file;
		ho.routes = site_routes;
		rc = st_httpd_start(&tls, &ho, err);
		if (rc < 0)
			goto out;
		site.tls_port = st_httpd_port(tls);
		announce(o->announce, "https", o->https_addr, site.tls_port);
	}
	if (o->http_addr) {
		ho.listen = o->http_addr;
		ho.tls_cert = NULL;
		ho.tls_key = NULL;
		ho.routes = tls ? redirect_routes : site_routes;
		rc = st_httpd_start(&plain, &ho, err);
		if (rc < 0)
			goto out;
		announce(o->announce, "http", o->http_addr,
			 st_httpd_port(plain));
	}
	st_log(ST_LOG_INFO, "web: signal %d, stopping", st_httpd_wait_signal());
out:
	st_httpd_free(plain);
	st_httpd_free(tls);
	return rc;
}
