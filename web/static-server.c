/*
 * static-server.c: libmicrohttpd glue for the static site server (see
 * static-server.h). What file answers a request is decided in static.c;
 * this file only speaks HTTP.
 */
#include "static-server.h"

#include "static.h"

#include "common/buf.h"
#include "common/log.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PEM (1u << 20)

/* TLS 1.2+ with forward secrecy and AEAD only. */
static const char tls_priorities[] =
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"
	"+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-RSA:"
	"+ECDHE-ECDSA:-SIGN-RSA-SHA1:-SIGN-ECDSA-SHA1:%SERVER_PRECEDENCE";

/* A site with no JavaScript needs no more than this. */
static const char csp[] = "default-src 'none'; style-src 'self'; "
			  "img-src 'self' data:; font-src 'self'; "
			  "base-uri 'none'; form-action 'none'; "
			  "frame-ancestors 'none'";

struct listener {
	const struct web_serve_opts *o;
	bool tls;
	bool redirect;	   /* plain HTTP sending everyone to HTTPS */
	unsigned tls_port; /* for redirects */
	struct MHD_Daemon *d;
};

static void add_security_headers(struct MHD_Response *r, bool tls)
{
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy",
				"strict-origin-when-cross-origin");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
				"geolocation=(), camera=(), microphone=()");
	if (tls)
		MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=63072000; includeSubDomains");
}

static enum MHD_Result send_text(struct MHD_Connection *c,
				 const struct listener *l, unsigned status,
				 const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	add_security_headers(r, l->tls);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The host name of the request, when it is a plain one; else NULL. */
static bool host_ok(const char *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		      (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '.' ||
		      h[i] == '-' || h[i] == ':' || h[i] == '[' || h[i] == ']'))
			return false;
	return n > 0 && n < 256;
}

static enum MHD_Result redirect(struct MHD_Connection *c,
				const struct listener *l, const char *url)
{
	const char *host =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	struct st_buf loc = ST_BUF_INIT;
	struct MHD_Response *r;
	enum MHD_Result ret = MHD_NO;
	size_t n;

	if (!host)
		host = "localhost";
	/* Drop the port: the HTTPS one is not the same. */
	n = strlen(host);
	if (host[0] == '[') {
		const char *e = strchr(host, ']');

		n = e ? (size_t)(e - host + 1) : 0;
	} else if (strchr(host, ':')) {
		n = (size_t)(strchr(host, ':') - host);
	}
	if (!host_ok(host, n))
		return send_text(c, l, MHD_HTTP_BAD_REQUEST, "bad Host\n");
	st_buf_addstr(&loc, "https://");
	st_buf_add(&loc, host, n);
	if (l->tls_port != 443)
		st_buf_addf(&loc, ":%u", l->tls_port);
	/* The path as received (still percent-encoded), without controls. */
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p > 0x20 && *p != 0x7f)
			st_buf_addch(&loc, *p);
	r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r) {
		MHD_add_response_header(r, "Location", loc.buf);
		add_security_headers(r, false);
		ret = MHD_queue_response(c, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
	}
	st_buf_release(&loc);
	return ret;
}

static void add_validators(struct MHD_Response *r,
			   const struct web_static_file *f)
{
	char date[40];

	web_static_http_date(date, sizeof(date), f->mtime);
	MHD_add_response_header(r, "ETag", f->etag);
	MHD_add_response_header(r, "Last-Modified", date);
	MHD_add_response_header(r, "Cache-Control", "public, max-age=300");
	if (f->vary)
		MHD_add_response_header(r, "Vary", "Accept-Encoding");
}

static enum MHD_Result send_file(struct MHD_Connection *c,
				 const struct listener *l, const char *url)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						     "Accept-Encoding");
	bool gz = web_static_accepts_gzip(ae);
	struct web_static_file f;
	struct MHD_Response *r;
	unsigned status = MHD_HTTP_OK;
	enum MHD_Result ret;

	if (web_static_open(&f, l->o->root, url, gz, NULL) < 0) {
		status = MHD_HTTP_NOT_FOUND;
		if (web_static_open(&f, l->o->root, "/404.html", gz, NULL) < 0)
			return send_text(c, l, status, "not found\n");
	} else if (web_static_not_modified(
			   &f,
			   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       "If-None-Match"),
			   MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						       "If-Modified-Since"))) {
		close(f.fd);
		r = MHD_create_response_from_buffer(0, NULL,
						    MHD_RESPMEM_PERSISTENT);
		if (!r)
			return MHD_NO;
		add_validators(r, &f);
		add_security_headers(r, l->tls);
		ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	/* The response owns the descriptor from here. */
	r = MHD_create_response_from_fd64(f.size, f.fd);
	if (!r) {
		close(f.fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", f.type);
	if (f.gzip)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	if (status == MHD_HTTP_OK)
		add_validators(r, &f);
	add_security_headers(r, l->tls);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	const struct listener *l = cls;
	bool get = !strcmp(method, MHD_HTTP_METHOD_GET);

	static int seen;

	if (!get && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return send_text(c, l, MHD_HTTP_METHOD_NOT_ALLOWED,
				 "method not allowed\n");
	/* Answer on the second call: a response queued on the first one
	 * makes libmicrohttpd close the connection (no keep-alive). */
	if (!*con_cls) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (l->redirect)
		return redirect(c, l, url);
	return send_file(c, l, url);
}

/* Keep the URL as received: static.c decodes it once, and must see an
 * encoded slash as such. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" to an address. */
static int parse_addr(struct sockaddr_storage *out, const char *s,
		      struct st_error *err)
{
	const char *colon = strrchr(s, ':');
	struct addrinfo hints, *res = NULL;
	struct st_buf host = ST_BUF_INIT;
	int64_t port;
	int rc;

	if (!colon)
		return st_error_set(err, ST_EUSAGE,
				    "address '%s' has no ':PORT'", s);
	rc = st_parse_int64(&port, colon + 1, 0, 65535, "port", err);
	if (rc < 0)
		return ST_EUSAGE;
	if (s[0] == '[' && colon > s && colon[-1] == ']')
		st_buf_add(&host, s + 1, (size_t)(colon - s - 2));
	else
		st_buf_add(&host, s, (size_t)(colon - s));
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host.len ? host.buf : "0.0.0.0", colon + 1, &hints,
			 &res);
	st_buf_release(&host);
	if (rc != 0 || !res)
		return st_error_set(err, ST_EUSAGE,
				    "bad address '%s' (give a numeric "
				    "HOST:PORT)",
				    s);
	memset(out, 0, sizeof(*out));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
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
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    path, strerror(errno));
	st_buf_init(&b, MAX_PEM);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (st_buf_add(&b, chunk, n) < 0) {
			rc = st_error_set(err, ST_ETOOBIG, "'%s' is too big",
					  path);
			break;
		}
	fclose(f);
	if (!rc)
		*out = st_buf_detach(&b, NULL);
	st_buf_release(&b);
	return rc;
}

static int start(struct listener *l, const char *addr, const char *cert,
		 const char *key, unsigned threads, struct st_error *err)
{
	struct sockaddr_storage sa;
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD;
	int rc = parse_addr(&sa, addr, err);

	if (rc < 0)
		return rc;
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (l->tls)
		flags |= MHD_USE_TLS;
	l->d = MHD_start_daemon(
		flags, 0, NULL, NULL, handle, l, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)256,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
		l->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert,
		MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_PRIORITIES,
		tls_priorities, MHD_OPTION_END);
	if (!l->d)
		return st_error_set(err, ST_ERROR, "cannot listen on '%s'%s",
				    addr,
				    l->tls ? " (or the certificate or key is "
					     "unusable)"
					   : "");
	return 0;
}

static unsigned port_of(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i =
		MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

/* "http://HOST:PORT" for what a listener is bound to. */
static void announce(FILE *f, const char *scheme, const char *addr,
		     unsigned port)
{
	const char *colon = strrchr(addr, ':');

	if (!f)
		return;
	fprintf(f, "serving on %s://%.*s:%u/\n", scheme, (int)(colon - addr),
		colon == addr ? "0.0.0.0" : addr, port);
	fflush(f);
}

int web_static_server_run(const struct web_serve_opts *o, struct st_error *err)
{
	struct listener tls = {o, true, false, 0, NULL};
	struct listener plain = {o, false, false, 0, NULL};
	unsigned threads = o->threads ? o->threads : 2;
	char *cert = NULL, *key = NULL;
	sigset_t set, old;
	struct stat st;
	int sig, rc = 0;

	if (!o->https_addr && !o->http_addr)
		return st_error_set(err, ST_EUSAGE,
				    "give --https ADDR or --http ADDR");
	if (o->https_addr && (!o->cert_file || !o->key_file))
		return st_error_set(err, ST_EUSAGE,
				    "--https needs --tls-cert and --tls-key");
	if (stat(o->root, &st) < 0 || !S_ISDIR(st.st_mode))
		return st_error_set(err, ST_ENOTFOUND, "no site folder '%s'",
				    o->root);
	if (o->https_addr) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			return st_error_set(err, ST_ERROR,
					    "libmicrohttpd has no TLS");
		rc = read_pem(&cert, o->cert_file, err);
		if (!rc)
			rc = read_pem(&key, o->key_file, err);
		if (rc < 0)
			goto out;
	}
	/* Block the signals before the threads start, so they inherit the
	 * mask and only sigwait below receives them. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (o->https_addr) {
		rc = start(&tls, o->https_addr, cert, key, threads, err);
		if (rc < 0)
			goto stop;
		plain.redirect = true;
		plain.tls_port = port_of(tls.d);
		announce(o->announce, "https", o->https_addr, plain.tls_port);
	}
	if (o->http_addr) {
		rc = start(&plain, o->http_addr, NULL, NULL, threads, err);
		if (rc < 0)
			goto stop;
		announce(o->announce, "http", o->http_addr, port_of(plain.d));
	}
	sigdelset(&set, SIGPIPE);
	sigwait(&set, &sig);
	st_log(ST_LOG_INFO, "web: signal %d, stopping", sig);
stop:
	if (plain.d)
		MHD_stop_daemon(plain.d);
	if (tls.d)
		MHD_stop_daemon(tls.d);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	free(cert);
	free(key);
	return rc;
}
