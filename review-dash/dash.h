/*
 * dash.h: the review dashboard and REST API server (`steward serve`):
 * HTML pages for reviewers, maintainers and contributors, mbox downloads,
 * an Atom feed and a Patchwork 1.2 compatible REST API, all read from the
 * store. Built on common/http-server.
 */
#ifndef STEWARD_REVIEW_DASH_DASH_H
#define STEWARD_REVIEW_DASH_DASH_H

#include "common/error.h"

struct rd_dash_opts {
	const char *listen;   /* NULL: 127.0.0.1:8080 */
	const char *tls_cert; /* both or neither */
	const char *tls_key;
	unsigned threads;	 /* 0: 2 */
	const char *db_path;	 /* the store; must exist */
	const char *maintainers; /* a MAINTAINERS file, or NULL */
};

/*
 * Serve until SIGINT or SIGTERM, then stop gracefully. Prints
 * "listening on http(s)://ADDR:PORT/" on stdout once ready.
 * Errors: those of st_httpd_start and of opening the store.
 */
int rd_dash_serve(const struct rd_dash_opts *opts, struct st_error *err);

#endif
