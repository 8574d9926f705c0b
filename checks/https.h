/*
 * https.h: the https check. For each URL, with libcurl: plain HTTP
 * redirects to HTTPS on the same host; the certificate is valid, its
 * chain trusted and its expiry far enough; TLS 1.0 and 1.1 are refused;
 * the security headers are there (HSTS of at least 180 days, CSP,
 * X-Content-Type-Options, X-Frame-Options or frame-ancestors,
 * Referrer-Policy); the page loads nothing over plain HTTP. Headers and
 * the redirect are graded as the Mozilla Observatory does: 100 points
 * less a penalty per missing protection, mapped to A+ .. F.
 *
 * [check "NAME"]
 *	kind = https
 *	url = https://xenproject.org/      (multi-valued)
 *	cainfo = /etc/ssl/test-ca.pem       CA bundle (default: the system's)
 *	http-url = http://host/             the plain-HTTP URL to try, for
 *	                                    every url (default: each URL
 *	                                    with http:// on port 80)
 *	timeout = 10                        seconds per request
 *	warn-days = 30                      warn when the certificate expires
 *	                                    sooner
 */
#ifndef STEWARD_CHECKS_HTTPS_H
#define STEWARD_CHECKS_HTTPS_H

#include "check.h"

#include <stdbool.h>

struct chk_https_opts {
	const char *cainfo;   /* NULL: the system's trust store */
	const char *http_url; /* NULL: derived from the URL */
	long timeout;	      /* seconds per request; 0: 10 */
	long warn_days;	      /* 0: 30 */
};

/* What one URL's probe found; findings are also added to the result. */
struct chk_https_report {
	int points;	   /* Observatory-style, 0..135 */
	char grade[3];	   /* "A+", "A", ... "F" */
	bool trusted;	   /* chain trusted and certificate valid */
	bool old_tls;	   /* TLS 1.0 or 1.1 accepted */
	long days_left;	   /* to the certificate's expiry; LONG_MIN unknown */
	int worst;	   /* enum chk_status of the worst finding */
	unsigned findings; /* how many findings */
};

/*
 * Probe url. Each finding is appended to res->details as an object
 * {"url", "id", "severity" (fail, warn, info), "text"}; ids are
 * no-redirect, redirect-off-host, cert-untrusted, cert-expired,
 * cert-expires-soon, old-tls, hsts-missing, hsts-short, csp-missing,
 * xcto-missing, xfo-missing, referrer-policy-missing, mixed-content,
 * mixed-content-active. Returns ST_ERROR (err set) only when the HTTPS
 * URL cannot be fetched at all.
 */
int chk_https_probe(struct chk_https_report *rep, struct chk_result *res,
		    const char *url, const struct chk_https_opts *o,
		    struct st_error *err);

/* The Observatory grade of points. */
const char *chk_https_grade(int points);

/*
 * Count the http:// subresources of an HTML page: *active gets scripts,
 * stylesheets, frames and objects, *passive images and media. Bounded by
 * len; never fails.
 */
void chk_https_mixed_content(const char *html, size_t len, unsigned *active,
			     unsigned *passive);

/* The check kind's run function (see check.h). */
int chk_https_run(struct chk_result *res, const struct chk_check *c,
		  struct st_error *err);

#endif
