/*
 * static-server.h: `steward web serve`, a static HTTP(S) server for a
 * built site on libmicrohttpd. It answers GET and HEAD from the files
 * static.h finds, with their content type, validators (304 answers),
 * gzip twins, the site's 404.html, and security headers on every answer
 * (CSP, X-Content-Type-Options, Referrer-Policy, frame-ancestors and
 * X-Frame-Options, HSTS over TLS). TLS is 1.2 or 1.3 with AEAD ciphers
 * and forward secrecy only (GnuTLS). With both listeners, the plain one
 * only redirects to HTTPS. Connections are limited in number and time.
 */
#ifndef STEWARD_WEB_STATIC_SERVER_H
#define STEWARD_WEB_STATIC_SERVER_H

#include "common/error.h"

#include <stdio.h>

struct web_serve_opts {
	const char *root;	/* the site (a build folder or its link) */
	const char *https_addr; /* "HOST:PORT", NULL: no TLS listener */
	const char *cert_file;	/* PEM chain, with https_addr */
	const char *key_file;	/* PEM key, with https_addr */
	const char *http_addr;	/* "HOST:PORT", NULL: none */
	unsigned threads;	/* worker threads per listener, 0: 2 */
	FILE *announce;		/* the listening URLs are printed here */
};

/*
 * Serve until SIGINT or SIGTERM, then return 0. Port 0 picks a free
 * port; the URLs printed to o->announce say which. Errors before serving
 * starts: ST_EUSAGE (no listener, a bad address, TLS without its files),
 * ST_ENOTFOUND (root, cert or key missing), ST_ERROR (cannot listen).
 */
int web_static_server_run(const struct web_serve_opts *o, struct st_error *err);

#endif
