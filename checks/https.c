/* https.c: HTTPS configuration of a site, probed with libcurl. */
#include "https.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BODY_MAX    (1024 * 1024)
#define HEADERS_MAX (64 * 1024)
#define HSTS_MIN    15552000 /* 180 days, the Observatory's threshold */

/* One fetch: the final response's headers (lower-cased names, repeated
 * headers joined with ", ") and up to BODY_MAX bytes of body. */
struct fetch {
	json_t *headers;
	size_t header_bytes;
	struct st_buf body;
	long code;
	char errbuf[CURL_ERROR_SIZE];
};

static void fetch_init(struct fetch *f)
{
	memset(f, 0, sizeof(*f));
	f->headers = json_object();
	st_buf_init(&f->body, BODY_MAX);
}

static void fetch_release(struct fetch *f)
{
	json_decref(f->headers);
	st_buf_release(&f->body);
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
	struct fetch *f = data;
	size_t len = size * n, nl, vs, ve;
	char name[64];
	const char *old;

	f->header_bytes += len;
	if (f->header_bytes > HEADERS_MAX)
		return 0;
	/* A status line starts a new response (after a redirect or a 100). */
	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		json_object_clear(f->headers);
		return len;
	}
	for (nl = 0; nl < len && p[nl] != ':'; nl++)
		;
	if (nl == len || nl == 0 || nl >= sizeof(name))
		return len;
	for (size_t i = 0; i < nl; i++)
		name[i] = (char)tolower((unsigned char)p[i]);
	name[nl] = '\0';
	for (vs = nl + 1; vs < len && (p[vs] == ' ' || p[vs] == '\t'); vs++)
		;
	for (ve = len; ve > vs && isspace((unsigned char)p[ve - 1]); ve--)
		;
	old = json_string_value(json_object_get(f->headers, name));
	if (old) {
		struct st_buf b = ST_BUF_INIT;

		st_buf_addf(&b, "%s, %.*s", old, (int)(ve - vs), p + vs);
		json_object_set_new(f->headers, name, st_json_str(b.buf));
		st_buf_release(&b);
	} else {
		struct st_buf b = ST_BUF_INIT;

		st_buf_add(&b, p + vs, ve - vs);
		json_object_set_new(f->headers, name, st_json_str(b.buf));
		st_buf_release(&b);
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct fetch *f = data;
	size_t len = size * n, room = BODY_MAX - f->body.len;

	/* Keep the first BODY_MAX bytes; read and drop the rest. */
	st_buf_add(&f->body, p, len < room ? len : room);
	return len;
}

static const char *header(const struct fetch *f, const char *name)
{
	return json_string_value(json_object_get(f->headers, name));
}

enum fetch_flags {
	FETCH_FOLLOW = 1 << 0,	 /* follow redirects */
	FETCH_NOVERIFY = 1 << 1, /* accept any certificate */
	FETCH_OLD_TLS = 1 << 2,	 /* offer only TLS 1.0 and 1.1 */
	FETCH_CERTINFO = 1 << 3, /* collect the certificate chain */
};

static CURL *easy_new(const char *url, const struct chk_https_opts *o,
		      unsigned flags, struct fetch *f)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, o->timeout > 0 ? o->timeout : 10L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "steward-check/1");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, f->errbuf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, f);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	if (flags & FETCH_FOLLOW) {
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	}
	if (o->cainfo)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->cainfo);
	if (flags & FETCH_NOVERIFY) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (flags & FETCH_OLD_TLS)
		curl_easy_setopt(h, CURLOPT_SSLVERSION,
				 (long)(CURL_SSLVERSION_TLSv1_0 |
					CURL_SSLVERSION_MAX_TLSv1_1));
	if (flags & FETCH_CERTINFO)
		curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
	return h;
}

static void finding(struct chk_https_report *rep, struct chk_result *res,
		    const char *url, const char *id, enum chk_status sev,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void finding(struct chk_https_report *rep, struct chk_result *res,
		    const char *url, const char *id, enum chk_status sev,
		    const char *fmt, ...)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *o = json_object();
	va_list ap;

	va_start(ap, fmt);
	st_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	st_json_set_str(o, "url", url);
	st_json_set_str(o, "id", id);
	st_json_set_str(o, "severity",
			sev == CHK_FAIL	  ? "fail"
			: sev == CHK_WARN ? "warn"
					  : "info");
	st_json_set_str(o, "text", b.buf);
	chk_result_add_obj(res, o);
	st_buf_release(&b);
	rep->findings++;
	if ((int)sev > rep->worst)
		rep->worst = (int)sev;
}

/* The host of url, lower-cased, or NULL. Caller frees. */
static char *url_part(const char *url, CURLUPart part)
{
	CURLU *u = curl_url();
	char *v = NULL, *copy = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, part, &v, 0) == CURLUE_OK) {
		copy = st_xstrdup(v);
		for (char *p = copy; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	}
	curl_free(v);
	curl_url_cleanup(u);
	return copy;
}

/* url with scheme http and the default port. Caller frees. */
static char *plain_url(const char *url)
{
	CURLU *u = curl_url();
	char *v = NULL, *copy = NULL;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_SCHEME, "http", 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PORT, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &v, 0) == CURLUE_OK)
		copy = st_xstrdup(v);
	curl_free(v);
	curl_url_cleanup(u);
	return copy;
}

static void probe_redirect(struct chk_https_report *rep, struct chk_result *res,
			   const char *url, const struct chk_https_opts *o)
{
	struct fetch f;
	char *http = o->http_url ? st_xstrdup(o->http_url) : plain_url(url);
	char *host = url_part(url, CURLUPART_HOST);
	char *to_scheme = NULL, *to_host = NULL;
	char *loc = NULL;
	CURL *h = NULL;
	CURLcode cc;

	fetch_init(&f);
	if (!http || !host)
		goto out;
	h = easy_new(http, o, 0, &f);
	if (!h)
		goto out;
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		/* No plain HTTP at all is safe: nothing to downgrade to. */
		finding(rep, res, url, "http-unreachable", CHK_PASS,
			"plain HTTP at %s not served: %s", http,
			f.errbuf[0] ? f.errbuf : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &f.code);
	curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
	if (f.code < 300 || f.code > 399 || !loc) {
		rep->points -= 20;
		finding(rep, res, url, "no-redirect", CHK_WARN,
			"plain HTTP at %s answers %ld without redirecting to "
			"HTTPS",
			http, f.code);
		goto out;
	}
	to_scheme = url_part(loc, CURLUPART_SCHEME);
	to_host = url_part(loc, CURLUPART_HOST);
	if (!to_scheme || strcmp(to_scheme, "https") != 0) {
		rep->points -= 20;
		finding(rep, res, url, "no-redirect", CHK_WARN,
			"plain HTTP at %s redirects to '%s', not to HTTPS",
			http, loc);
	} else if (!to_host || strcmp(to_host, host) != 0) {
		rep->points -= 5;
		finding(rep, res, url, "redirect-off-host", CHK_WARN,
			"plain HTTP at %s redirects to another host: '%s'",
			http, loc);
	}
out:
	curl_easy_cleanup(h);
	fetch_release(&f);
	free(http);
	free(host);
	free(to_scheme);
	free(to_host);
}

/* n decimal digits at p, or -1. */
static int digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* "YYYY-MM-DD HH:MM:SS", as curl prints certificate dates, in UTC. */
static time_t parse_cert_time(const char *s)
{
	struct tm tm;

	while (*s == ' ')
		s++;
	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != ' ' ||
	    s[13] != ':' || s[16] != ':')
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits(s, 4) - 1900;
	tm.tm_mon = digits(s + 5, 2) - 1;
	tm.tm_mday = digits(s + 8, 2);
	tm.tm_hour = digits(s + 11, 2);
	tm.tm_min = digits(s + 14, 2);
	tm.tm_sec = digits(s + 17, 2);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0 ||
	    tm.tm_hour < 0 || tm.tm_min < 0 || tm.tm_sec < 0)
		return -1;
	return timegm(&tm);
}

/* The "Expire date:" of the server certificate, or -1. */
static time_t cert_expiry(CURL *h)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *l;

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci ||
	    ci->num_of_certs < 1)
		return -1;
	/* "Expire date:" or "Expire Date:" depending on the TLS backend. */
	for (l = ci->certinfo[0]; l; l = l->next)
		if (!st_strncasecmp(l->data, "Expire date:", 12))
			return parse_cert_time(l->data + 12);
	return -1;
}

static void probe_old_tls(struct chk_https_report *rep, struct chk_result *res,
			  const char *url, const struct chk_https_opts *o)
{
	struct fetch f;
	CURL *h;
	CURLcode cc;

	fetch_init(&f);
	h = easy_new(url, o, FETCH_NOVERIFY | FETCH_OLD_TLS, &f);
	if (!h)
		goto out;
	curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	cc = curl_easy_perform(h);
	if (cc == CURLE_OK) {
		rep->old_tls = true;
		finding(rep, res, url, "old-tls", CHK_FAIL,
			"the server accepts TLS 1.0 or 1.1");
	}
out:
	curl_easy_cleanup(h);
	fetch_release(&f);
}

/* max-age of an HSTS value, or -1 when absent or malformed. */
static int64_t hsts_max_age(const char *v)
{
	const char *p;
	char digits[24];
	size_t n = 0;
	int64_t age;

	for (p = v; *p; p++) {
		if (st_strncasecmp(p, "max-age", 7) != 0)
			continue;
		p += 7;
		while (*p == ' ')
			p++;
		if (*p++ != '=')
			return -1;
		while (*p == ' ' || *p == '"')
			p++;
		while (isdigit((unsigned char)*p) && n < sizeof(digits) - 1)
			digits[n++] = *p++;
		digits[n] = '\0';
		if (st_parse_int64(&age, digits, 0, INT64_MAX, "max-age",
				   NULL) < 0)
			return -1;
		return age;
	}
	return -1;
}

static bool has_token(const char *v, const char *tok)
{
	size_t n = strlen(tok);

	for (const char *p = v; *p; p++)
		if (!st_strncasecmp(p, tok, n))
			return true;
	return false;
}

static void grade_headers(struct chk_https_report *rep, struct chk_result *res,
			  const char *url, const struct fetch *f)
{
	const char *hsts = header(f, "strict-transport-security");
	const char *csp = header(f, "content-security-policy");
	const char *xcto = header(f, "x-content-type-options");
	const char *xfo = header(f, "x-frame-options");
	const char *rp = header(f, "referrer-policy");
	bool frame_ancestors = csp && has_token(csp, "frame-ancestors");
	int bonus = 0;
	unsigned active = 0, passive = 0;

	if (!csp) {
		rep->points -= 25;
		finding(rep, res, url, "csp-missing", CHK_WARN,
			"no Content-Security-Policy header");
	}
	if (!hsts) {
		rep->points -= 20;
		finding(rep, res, url, "hsts-missing", CHK_WARN,
			"no Strict-Transport-Security header");
	} else {
		int64_t age = hsts_max_age(hsts);

		if (age < HSTS_MIN) {
			rep->points -= age < 0 ? 20 : 10;
			finding(rep, res, url, "hsts-short", CHK_WARN,
				"Strict-Transport-Security max-age %" PRId64
				" is under %d (180 days)",
				age, HSTS_MIN);
		}
	}
	if (!xcto || st_strncasecmp(xcto, "nosniff", 8) != 0) {
		rep->points -= 5;
		finding(rep, res, url, "xcto-missing", CHK_WARN,
			"no X-Content-Type-Options: nosniff");
	}
	if (frame_ancestors) {
		bonus += 5;
	} else if (!xfo || (st_strncasecmp(xfo, "deny", 5) != 0 &&
			    st_strncasecmp(xfo, "sameorigin", 11) != 0)) {
		rep->points -= 20;
		finding(rep, res, url, "xfo-missing", CHK_WARN,
			"neither X-Frame-Options nor CSP frame-ancestors");
	}
	if (!rp) {
		finding(rep, res, url, "referrer-policy-missing", CHK_WARN,
			"no Referrer-Policy header");
	} else if (has_token(rp, "no-referrer") ||
		   has_token(rp, "same-origin") ||
		   has_token(rp, "strict-origin")) {
		bonus += 5;
	}
	chk_https_mixed_content(f->body.buf, f->body.len, &active, &passive);
	if (active) {
		rep->points -= 50;
		finding(rep, res, url, "mixed-content-active", CHK_FAIL,
			"the page loads %u script(s), style sheet(s) or "
			"frame(s) over plain HTTP",
			active);
	}
	if (passive) {
		rep->points -= 10;
		finding(rep, res, url, "mixed-content", CHK_WARN,
			"the page loads %u image(s) or media over plain HTTP",
			passive);
	}
	/* The Observatory gives bonuses only to sites already at A. */
	if (rep->points >= 90)
		rep->points += bonus;
	if (rep->points < 0)
		rep->points = 0;
}

static void check_cert(struct chk_https_report *rep, struct chk_result *res,
		       const char *url, const struct chk_https_opts *o, CURL *h)
{
	time_t exp = cert_expiry(h);
	long warn = o->warn_days > 0 ? o->warn_days : 30;

	if (exp < 0)
		return;
	rep->days_left = (long)((exp - st_time_now()) / 86400);
	if (exp < st_time_now()) {
		rep->trusted = false;
		finding(rep, res, url, "cert-expired", CHK_FAIL,
			"the certificate expired %ld day(s) ago",
			-rep->days_left);
	} else if (rep->days_left < warn) {
		finding(rep, res, url, "cert-expires-soon", CHK_WARN,
			"the certificate expires in %ld day(s)",
			rep->days_left);
	}
}

int chk_https_probe(struct chk_https_report *rep, struct chk_result *res,
		    const char *url, const struct chk_https_opts *o,
		    struct st_error *err)
{
	struct fetch f;
	char *scheme = url_part(url, CURLUPART_SCHEME);
	CURL *h = NULL;
	CURLcode cc;
	int rc = 0;

	memset(rep, 0, sizeof(*rep));
	rep->points = 100;
	rep->days_left = LONG_MIN;
	fetch_init(&f);
	if (!scheme || strcmp(scheme, "https") != 0) {
		rc = st_error_set(err, ST_EINVALID, "not an https URL: '%s'",
				  url);
		goto out;
	}
	h = easy_new(url, o, FETCH_FOLLOW | FETCH_CERTINFO, &f);
	if (!h) {
		rc = st_error_set(err, ST_ERROR, "cannot start libcurl");
		goto out;
	}
	cc = curl_easy_perform(h);
	rep->trusted = cc == CURLE_OK;
	if (cc == CURLE_PEER_FAILED_VERIFICATION ||
	    cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_SSL_CERTPROBLEM ||
	    cc == CURLE_SSL_INVALIDCERTSTATUS) {
		finding(rep, res, url, "cert-untrusted", CHK_FAIL,
			"certificate not valid or not trusted: %s",
			f.errbuf[0] ? f.errbuf : curl_easy_strerror(cc));
		/* Grade the rest anyway, without verification. */
		curl_easy_cleanup(h);
		fetch_release(&f);
		fetch_init(&f);
		h = easy_new(url, o,
			     FETCH_FOLLOW | FETCH_CERTINFO | FETCH_NOVERIFY,
			     &f);
		cc = h ? curl_easy_perform(h) : CURLE_FAILED_INIT;
	}
	if (cc != CURLE_OK) {
		rc = st_error_set(err, ST_ERROR, "cannot fetch '%s': %s", url,
				  f.errbuf[0] ? f.errbuf
					      : curl_easy_strerror(cc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &f.code);
	check_cert(rep, res, url, o, h);
	probe_old_tls(rep, res, url, o);
	probe_redirect(rep, res, url, o);
	grade_headers(rep, res, url, &f);
	if (!rep->trusted)
		rep->points = 0;
	snprintf(rep->grade, sizeof(rep->grade), "%s",
		 chk_https_grade(rep->points));
out:
	curl_easy_cleanup(h);
	fetch_release(&f);
	free(scheme);
	return rc;
}

const char *chk_https_grade(int points)
{
	static const struct {
		int min;
		const char *grade;
	} grades[] = {
		{100, "A+"}, {90, "A"},	 {85, "A-"}, {80, "B+"},
		{70, "B"},   {65, "B-"}, {60, "C+"}, {50, "C"},
		{45, "C-"},  {40, "D+"}, {30, "D"},  {25, "D-"},
	};

	for (size_t i = 0; i < sizeof(grades) / sizeof(grades[0]); i++)
		if (points >= grades[i].min)
			return grades[i].grade;
	return "F";
}

/* Subresource tags; active ones can run code or restyle the page. */
static int tag_kind(const char *name, size_t n)
{
	static const struct {
		const char *name;
		int active;
	} tags[] = {
		{"script", 1}, {"link", 1},   {"iframe", 1}, {"frame", 1},
		{"object", 1}, {"embed", 1},  {"img", 0},    {"audio", 0},
		{"video", 0},  {"source", 0}, {"track", 0},
	};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i].name) == n &&
		    !st_strncasecmp(tags[i].name, name, n))
			return tags[i].active;
	return -1;
}

void chk_https_mixed_content(const char *html, size_t len, unsigned *active,
			     unsigned *passive)
{
	const char *p = html, *end = html + len;

	*active = *passive = 0;
	while (p < end) {
		const char *name;
		size_t n;
		int kind;
		bool is_link, stylesheet = false, insecure = false;

		p = memchr(p, '<', (size_t)(end - p));
		if (!p)
			break;
		p++;
		if (end - p >= 3 && !memcmp(p, "!--", 3)) {
			/* Skip a comment. */
			for (p += 3; p + 3 <= end && memcmp(p, "-->", 3); p++)
				;
			continue;
		}
		name = p;
		while (p < end && isalpha((unsigned char)*p))
			p++;
		n = (size_t)(p - name);
		kind = tag_kind(name, n);
		if (kind < 0)
			continue;
		is_link = n == 4;
		/* Attributes up to '>'. */
		while (p < end && *p != '>') {
			const char *an, *v;
			size_t anl, vl;

			while (p < end &&
			       (isspace((unsigned char)*p) || *p == '/'))
				p++;
			an = p;
			while (p < end && !isspace((unsigned char)*p) &&
			       *p != '=' && *p != '>')
				p++;
			anl = (size_t)(p - an);
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p >= end || *p != '=') {
				if (anl == 0 && p < end && *p != '>')
					p++;
				continue;
			}
			p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			if (p < end && (*p == '"' || *p == '\'')) {
				char q = *p++;

				v = p;
				while (p < end && *p != q)
					p++;
				vl = (size_t)(p - v);
				if (p < end)
					p++;
			} else {
				v = p;
				while (p < end && !isspace((unsigned char)*p) &&
				       *p != '>')
					p++;
				vl = (size_t)(p - v);
			}
			if ((anl == 3 && !st_strncasecmp(an, "src", 3)) ||
			    (anl == 4 && !st_strncasecmp(an, "href", 4)) ||
			    (anl == 4 && !st_strncasecmp(an, "data", 4))) {
				if (vl >= 7 && !st_strncasecmp(v, "http://", 7))
					insecure = true;
			} else if (anl == 3 && !st_strncasecmp(an, "rel", 3)) {
				for (size_t i = 0; i + 10 <= vl; i++)
					if (!st_strncasecmp(v + i, "stylesheet",
							    10))
						stylesheet = true;
			}
		}
		/* A link is a subresource only as a style sheet. */
		if (!insecure || (is_link && !stylesheet))
			continue;
		if (kind)
			(*active)++;
		else
			(*passive)++;
	}
}

static int add_url(const char *v, void *data)
{
	json_array_append_new(data, st_json_str(v));
	return 0;
}

int chk_https_run(struct chk_result *res, const struct chk_check *c,
		  struct st_error *err)
{
	struct chk_https_opts o = {0};
	char *cainfo = chk_check_get_path(c, "cainfo", NULL);
	char *http = chk_check_get(c, "http-url", NULL);
	json_t *urls = json_array(), *u;
	int64_t timeout, warn;
	int rc, worst = CHK_PASS, min_points = INT_MAX;
	const char *min_grade = "F";
	size_t i;

	rc = chk_check_get_int(c, "timeout", 10, &timeout, err);
	if (rc == 0)
		rc = chk_check_get_int(c, "warn-days", 30, &warn, err);
	if (rc < 0)
		goto out;
	o.cainfo = cainfo;
	o.http_url = http;
	o.timeout = (long)timeout;
	o.warn_days = (long)warn;
	chk_check_get_all(c, "url", add_url, urls);
	if (json_array_size(urls) == 0) {
		rc = st_error_set(err, ST_EINVALID,
				  "check '%s': no url configured", c->name);
		goto out;
	}
	json_array_foreach(urls, i, u)
	{
		struct chk_https_report rep;
		json_t *sum = json_object();

		rc = chk_https_probe(&rep, res, json_string_value(u), &o, err);
		if (rc < 0) {
			json_decref(sum);
			goto out;
		}
		st_json_set_str(sum, "url", json_string_value(u));
		st_json_set_str(sum, "grade", rep.grade);
		st_json_set_int(sum, "points", rep.points);
		json_object_set_new(sum, "trusted", json_boolean(rep.trusted));
		json_object_set_new(sum, "old_tls", json_boolean(rep.old_tls));
		if (rep.days_left != LONG_MIN)
			st_json_set_int(sum, "days_left", rep.days_left);
		chk_result_add_obj(res, sum);
		if (rep.points < 50 && rep.worst < CHK_FAIL)
			rep.worst = CHK_FAIL;
		if (rep.worst > worst)
			worst = rep.worst;
		if (rep.points < min_points) {
			min_points = rep.points;
			min_grade = chk_https_grade(rep.points);
		}
	}
	{
		int score = min_points / 10 > 10 ? 10 : min_points / 10;

		if (worst == CHK_FAIL && score > 4)
			score = 4;
		chk_result_set(res, (enum chk_status)worst, score,
			       "grade %s (%d points)%s", min_grade, min_points,
			       worst == CHK_PASS ? "" : ", see the findings");
	}
out:
	json_decref(urls);
	free(cainfo);
	free(http);
	return rc;
}
