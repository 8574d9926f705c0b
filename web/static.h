/*
 * static.h: deciding what file answers a request for a static site,
 * without any HTTP library: URL path to file (never outside the root),
 * content type, precompressed variant, validators (ETag, Last-Modified)
 * and conditional requests. static-server.c puts it on the wire.
 *
 * The root is resolved again for every request (realpath), so a site
 * published by switching a link (see site.h) is picked up at once, and a
 * request is answered from one build only.
 */
#ifndef STEWARD_WEB_STATIC_H
#define STEWARD_WEB_STATIC_H

#include "common/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct web_static_file {
	int fd;		  /* open read-only; the caller closes (or hands it
			     to the response) */
	uint64_t size;	  /* bytes to send */
	time_t mtime;	  /* of the file, for Last-Modified */
	const char *type; /* Content-Type, static storage */
	bool gzip;	  /* fd is the .gz twin: Content-Encoding: gzip */
	bool vary;	  /* a .gz twin may exist: Vary: Accept-Encoding */
	char etag[80];	  /* strong validator, quoted */
};

enum web_static_flags {
	WEB_STATIC_GZIP = 1 << 0,     /* the client accepts gzip */
	WEB_STATIC_DECODED = 1 << 1,  /* the path is already percent-decoded
					 (by the HTTP library) */
	WEB_STATIC_REALPATH = 1 << 2, /* check with realpath(3), not
					 openat2(RESOLVE_BENEATH): the
					 fallback for kernels without it */
};

/*
 * Find the file for URL path (without the query; percent-encoded unless
 * WEB_STATIC_DECODED) under root. A path ending in '/' or naming a
 * folder means its index.html. With WEB_STATIC_GZIP, a regular
 * "<file>.gz" beside a text file is used instead. Refused (ST_ENOTFOUND,
 * like a missing file, so nothing is revealed): "..", encoded slashes or
 * NUL bytes, backslashes, names starting with '.' (but .well-known), and
 * anything whose real path leaves the root, such as a link pointing out.
 * The root is opened once, so the whole answer comes from one build even
 * while a new one is published. On success out->fd is open.
 */
int web_static_open(struct web_static_file *out, const char *root,
		    const char *url_path, unsigned flags, struct st_error *err);

/* The Content-Type for a file name, by extension. */
const char *web_static_type(const char *name);

/* True when an Accept-Encoding header value (may be NULL) accepts gzip
 * (not with q=0). */
bool web_static_accepts_gzip(const char *accept_encoding);

/*
 * True when the request's validators (either may be NULL) show the
 * client's copy is current, so the answer is 304: If-None-Match
 * matching f->etag (weak comparison, or "*"), else If-Modified-Since not
 * older than f->mtime.
 */
bool web_static_not_modified(const struct web_static_file *f,
			     const char *if_none_match,
			     const char *if_modified_since);

/* Format t as an HTTP date (IMF-fixdate) into out (>= 30 bytes). */
void web_static_http_date(char *out, size_t size, time_t t);

/* Parse an HTTP date (IMF-fixdate only). 0 or ST_EINVALID. */
int web_static_parse_http_date(time_t *out, const char *s);

#endif
