/*
 * test-https.c: the https check against real HTTPS servers on 127.0.0.1
 * (libmicrohttpd with GnuTLS), with a CA and certificates made here by
 * certtool: a good configuration, one without HSTS, one with an expired
 * certificate, one that accepts TLS 1.0, plain HTTP without redirect.
 */
#include "checks/check.h"
#include "checks/https.h"

#include "common/buf.h"
#include "common/config.h"

#include <arpa/inet.h>
#include <git2.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static char dir[64];
static char *ca_pem, *srv_key, *srv_pem, *old_pem, *soon_pem;

/* A header set and body a server answers with. */
struct site {
	const char *const *headers; /* name, value, ..., NULL */
	const char *body;
	const char *redirect; /* plain HTTP: Location, or NULL for a 200 */
};

static const char *const good_headers[] = {
	"Strict-Transport-Security",
	"max-age=31536000; includeSubDomains",
	"Content-Security-Policy",
	"default-src 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options",
	"nosniff",
	"Referrer-Policy",
	"no-referrer",
	NULL,
};
static const char *const no_hsts_headers[] = {
	"Content-Security-Policy",
	"default-src 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options",
	"nosniff",
	"X-Frame-Options",
	"DENY",
	"Referrer-Policy",
	"no-referrer",
	NULL,
};
static const char *const short_hsts_headers[] = {
	"Strict-Transport-Security",
	"max-age=3600",
	"Content-Security-Policy",
	"default-src 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options",
	"nosniff",
	"Referrer-Policy",
	"no-referrer",
	NULL,
};
static const char *const no_headers[] = {NULL};

static const char good_body[] =
	"<!doctype html><html><head>"
	"<link rel=\"canonical\" href=\"http://example.org/\">"
	"<link rel=stylesheet href=\"https://example.org/s.css\">"
	"<script src='/app.js'></script></head><body>"
	"<a href=\"http://example.org/\">a plain link is fine</a>"
	"<!-- <img src=\"http://example.org/commented.png\"> -->"
	"<img src=\"https://example.org/x.png\"></body></html>";
static const char mixed_body[] =
	"<html><head><SCRIPT SRC=\"http://cdn.example.org/x.js\"></SCRIPT>"
	"<link href=\"http://example.org/s.css\" rel=\"stylesheet\">"
	"</head><body><img alt=x src=http://example.org/a.png>"
	"<img src=\"HTTP://example.org/b.png\"/></body></html>";

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	const struct site *s = cls;
	const char *body = s->body ? s->body : "<html></html>";
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	for (size_t i = 0; s->headers && s->headers[i]; i += 2)
		MHD_add_response_header(r, s->headers[i], s->headers[i + 1]);
	if (s->redirect)
		MHD_add_response_header(r, "Location", s->redirect);
	ret = MHD_queue_response(conn, s->redirect ? 301 : 200, r);
	MHD_destroy_response(r);
	return ret;
}

static struct MHD_Daemon *start(const struct site *s, const char *cert,
				const char *prio, unsigned *port)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa;

	/* Loopback only. */
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cert)
		d = MHD_start_daemon(
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS, 0, NULL,
			NULL, answer, (void *)s, MHD_OPTION_HTTPS_MEM_KEY,
			srv_key, MHD_OPTION_HTTPS_MEM_CERT, cert,
			MHD_OPTION_HTTPS_PRIORITIES, prio, MHD_OPTION_SOCK_ADDR,
			&sa, MHD_OPTION_END);
	else
		d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
				     NULL, answer, (void *)s,
				     MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
	assert_non_null(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	*port = info->port;
	return d;
}

static char *slurp(const char *name)
{
	char path[128];
	FILE *f;
	char *buf = calloc(1, 65536);
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/steward-test-https-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	if (sh("(cd %s && "
	       "printf 'cn = \"Steward Test CA\"\\nca\\ncert_signing_key\\n"
	       "expiration_days = 30\\n' >ca.tmpl && "
	       "printf 'cn = \"127.0.0.1\"\\nip_address = \"127.0.0.1\"\\n"
	       "dns_name = \"localhost\"\\ntls_www_server\\nsigning_key\\n"
	       "encryption_key\\nexpiration_days = 365\\n' >srv.tmpl && "
	       "printf 'cn = \"127.0.0.1\"\\nip_address = \"127.0.0.1\"\\n"
	       "tls_www_server\\nsigning_key\\nencryption_key\\n"
	       "activation_date = \"2020-01-01 00:00:00\"\\n"
	       "expiration_date = \"2020-02-01 00:00:00\"\\n' >old.tmpl && "
	       "printf 'cn = \"127.0.0.1\"\\nip_address = \"127.0.0.1\"\\n"
	       "tls_www_server\\nsigning_key\\nencryption_key\\n"
	       "expiration_days = 10\\n' >soon.tmpl && "
	       "certtool -p --key-type ecdsa --outfile ca.key && "
	       "certtool -s --load-privkey ca.key --template ca.tmpl "
	       "--outfile ca.pem && "
	       "certtool -p --key-type ecdsa --outfile srv.key && "
	       "for c in srv old soon; do certtool -c --load-privkey srv.key "
	       "--load-ca-certificate ca.pem --load-ca-privkey ca.key "
	       "--template $c.tmpl --outfile $c.pem || exit 1; done && "
	       "certtool -p --key-type ecdsa --outfile other.key && "
	       "certtool -s --load-privkey other.key --template ca.tmpl "
	       "--outfile other-ca.pem) >%s/certtool.log 2>&1",
	       dir, dir) != 0)
		return -1;
	ca_pem = slurp("ca.pem");
	srv_key = slurp("srv.key");
	srv_pem = slurp("srv.pem");
	old_pem = slurp("old.pem");
	soon_pem = slurp("soon.pem");
	return ca_pem && srv_key && srv_pem && old_pem && soon_pem ? 0 : -1;
}

static int teardown(void **state)
{
	free(ca_pem);
	free(srv_key);
	free(srv_pem);
	free(old_pem);
	free(soon_pem);
	return sh("rm -rf '%s'", dir) == 0 ? 0 : -1;
}

static const char modern[] = "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1";

/* Does the result hold a finding with id? */
static bool has(const struct chk_result *res, const char *id)
{
	size_t i;
	json_t *d;

	json_array_foreach(res->details, i, d)
	{
		const char *v = json_string_value(json_object_get(d, "id"));

		if (v && !strcmp(v, id))
			return true;
	}
	return false;
}

/* Count warn and fail findings. */
static size_t bad(const struct chk_result *res)
{
	size_t i, n = 0;
	json_t *d;

	json_array_foreach(res->details, i, d)
	{
		const char *v =
			json_string_value(json_object_get(d, "severity"));

		if (v && strcmp(v, "info") != 0)
			n++;
	}
	return n;
}

/* Probe an HTTPS server with site s and cert, plus a plain HTTP server
 * redirecting to it (or not, when plain_ok). */
static int probe(struct chk_https_report *rep, struct chk_result *res,
		 const struct site *s, const char *cert, const char *prio,
		 bool redirect, const char *ca)
{
	struct chk_https_opts o = {0};
	struct st_error err = ST_ERROR_INIT;
	struct MHD_Daemon *d, *p;
	struct site plain = {NULL, "plain", NULL};
	char url[64], http[64], loc[64], cafile[128];
	unsigned port, pport;
	int rc;

	d = start(s, cert, prio, &port);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", port);
	snprintf(loc, sizeof(loc), "https://127.0.0.1:%u/", port);
	if (redirect)
		plain.redirect = loc;
	p = start(&plain, NULL, NULL, &pport);
	snprintf(http, sizeof(http), "http://127.0.0.1:%u/", pport);
	snprintf(cafile, sizeof(cafile), "%s/%s", dir, ca);
	o.cainfo = cafile;
	o.http_url = http;
	o.timeout = 5;
	chk_result_init(res);
	rc = chk_https_probe(rep, res, url, &o, &err);
	if (rc < 0)
		print_message("probe: %s\n", err.msg);
	MHD_stop_daemon(p);
	MHD_stop_daemon(d);
	return rc;
}

static void dump(const struct chk_result *res)
{
	char *s = json_dumps(res->details, JSON_INDENT(1));

	print_message("%s\n", s);
	free(s);
}

static void test_good(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(probe(&rep, &res, &s, srv_pem, modern, true, "ca.pem"),
			 0);
	if (bad(&res))
		dump(&res);
	assert_int_equal(bad(&res), 0);
	assert_true(rep.trusted);
	assert_false(rep.old_tls);
	assert_string_equal(rep.grade, "A+");
	assert_int_equal(rep.points, 110); /* frame-ancestors, referrer */
	assert_in_range(rep.days_left, 363, 365);
	chk_result_release(&res);
}

static void test_no_hsts(void **state)
{
	struct site s = {no_hsts_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(probe(&rep, &res, &s, srv_pem, modern, true, "ca.pem"),
			 0);
	assert_true(has(&res, "hsts-missing"));
	assert_int_equal(bad(&res), 1);
	assert_int_equal(rep.points, 80);
	assert_string_equal(rep.grade, "B+");
	chk_result_release(&res);

	s.headers = short_hsts_headers;
	assert_int_equal(probe(&rep, &res, &s, srv_pem, modern, true, "ca.pem"),
			 0);
	assert_true(has(&res, "hsts-short"));
	assert_false(has(&res, "hsts-missing"));
	assert_int_equal(rep.points, 90 + 10);
	chk_result_release(&res);
}

static void test_no_headers(void **state)
{
	struct site s = {no_headers, mixed_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(probe(&rep, &res, &s, srv_pem, modern, true, "ca.pem"),
			 0);
	assert_true(has(&res, "csp-missing"));
	assert_true(has(&res, "hsts-missing"));
	assert_true(has(&res, "xcto-missing"));
	assert_true(has(&res, "xfo-missing"));
	assert_true(has(&res, "referrer-policy-missing"));
	assert_true(has(&res, "mixed-content-active"));
	assert_true(has(&res, "mixed-content"));
	assert_int_equal(rep.points, 0);
	assert_string_equal(rep.grade, "F");
	assert_int_equal(rep.worst, CHK_FAIL);
	chk_result_release(&res);
}

static void test_expired(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(probe(&rep, &res, &s, old_pem, modern, true, "ca.pem"),
			 0);
	assert_true(has(&res, "cert-untrusted"));
	assert_true(has(&res, "cert-expired"));
	assert_false(rep.trusted);
	assert_true(rep.days_left < -2000);
	assert_string_equal(rep.grade, "F");
	/* The headers were still graded. */
	assert_false(has(&res, "hsts-missing"));
	chk_result_release(&res);
}

static void test_expires_soon(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(
		probe(&rep, &res, &s, soon_pem, modern, true, "ca.pem"), 0);
	assert_true(has(&res, "cert-expires-soon"));
	assert_true(rep.trusted);
	assert_in_range(rep.days_left, 9, 10);
	assert_int_equal(bad(&res), 1);
	chk_result_release(&res);
}

static void test_untrusted_ca(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(
		probe(&rep, &res, &s, srv_pem, modern, true, "other-ca.pem"),
		0);
	assert_true(has(&res, "cert-untrusted"));
	assert_false(has(&res, "cert-expired"));
	assert_false(rep.trusted);
	chk_result_release(&res);
}

static void test_old_tls(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(probe(&rep, &res, &s, srv_pem,
			       "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1", true,
			       "ca.pem"),
			 0);
	if (!has(&res, "old-tls"))
		dump(&res);
	assert_true(has(&res, "old-tls"));
	assert_true(rep.old_tls);
	assert_int_equal(rep.worst, CHK_FAIL);
	chk_result_release(&res);
}

static void test_no_redirect(void **state)
{
	struct site s = {good_headers, good_body, NULL};
	struct chk_https_report rep;
	struct chk_result res;

	assert_int_equal(
		probe(&rep, &res, &s, srv_pem, modern, false, "ca.pem"), 0);
	assert_true(has(&res, "no-redirect"));
	assert_int_equal(bad(&res), 1);
	/* 100 - 20; bonuses count only from 90 up. */
	assert_int_equal(rep.points, 80);
	chk_result_release(&res);
}

static void test_unreachable(void **state)
{
	struct chk_https_opts o = {0};
	struct chk_https_report rep;
	struct chk_result res;
	struct st_error err = ST_ERROR_INIT;
	struct MHD_Daemon *d;
	struct site s = {NULL, NULL, NULL};
	char url[64];
	unsigned port;

	/* A port that was just free: nothing listens there now. */
	d = start(&s, NULL, NULL, &port);
	MHD_stop_daemon(d);
	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", port);
	o.timeout = 2;
	chk_result_init(&res);
	assert_int_equal(chk_https_probe(&rep, &res, url, &o, &err), ST_ERROR);
	assert_non_null(strstr(err.msg, "cannot fetch"));
	assert_int_equal(chk_https_probe(&rep, &res, "http://x.org/", &o, &err),
			 ST_EINVALID);
	chk_result_release(&res);
}

/* The kind through the framework, configured from a file. */
static void run_kind(struct chk_result *res, const char *cert, const char *prio)
{
	struct site s = {good_headers, good_body, NULL};
	struct site plain = {NULL, "plain", NULL};
	struct st_error err = ST_ERROR_INIT;
	struct st_config *cfg = NULL;
	struct chk_check *c = NULL;
	struct MHD_Daemon *d, *p;
	char path[128], loc[64];
	unsigned port, pport;
	FILE *f;

	d = start(&s, cert, prio, &port);
	snprintf(loc, sizeof(loc), "https://127.0.0.1:%u/", port);
	plain.redirect = loc;
	p = start(&plain, NULL, NULL, &pport);
	snprintf(path, sizeof(path), "%s/steward.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"[check \"site\"]\n\tkind = https\n\turl = %s\n"
		"\tcainfo = ca.pem\n\thttp-url = http://127.0.0.1:%u/\n"
		"\ttimeout = 5\n",
		loc, pport);
	assert_int_equal(fclose(f), 0);
	if (st_config_load(&cfg, path, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(chk_check_load(&c, cfg, "site", &err), 0);
	chk_run(res, c);
	chk_check_free(c);
	st_config_free(cfg);
	MHD_stop_daemon(p);
	MHD_stop_daemon(d);
}

static void test_run_kind(void **state)
{
	struct chk_result res;

	run_kind(&res, srv_pem, modern);
	assert_int_equal(res.status, CHK_PASS);
	assert_int_equal(res.score, 10);
	assert_string_equal(res.reason, "grade A+ (110 points)");
	chk_result_release(&res);
	run_kind(&res, old_pem, modern);
	assert_int_equal(res.status, CHK_FAIL);
	assert_int_equal(res.score, 0);
	assert_string_equal(res.reason, "grade F (0 points), see the findings");
	chk_result_release(&res);
	run_kind(&res, srv_pem, "NORMAL:+VERS-TLS1.0:+VERS-TLS1.1");
	assert_int_equal(res.status, CHK_FAIL);
	assert_int_equal(res.score, 4);
	chk_result_release(&res);
}

static void test_mixed_content(void **state)
{
	unsigned a, p;

	chk_https_mixed_content(good_body, strlen(good_body), &a, &p);
	assert_int_equal(a, 0);
	assert_int_equal(p, 0);
	chk_https_mixed_content(mixed_body, strlen(mixed_body), &a, &p);
	assert_int_equal(a, 2);
	assert_int_equal(p, 2);
	/* Cut anywhere: never reads past len. */
	for (size_t n = 0; n < sizeof(mixed_body); n++)
		chk_https_mixed_content(mixed_body, n, &a, &p);
	chk_https_mixed_content("<img src=", 9, &a, &p);
	assert_int_equal(p, 0);
	chk_https_mixed_content("<!-- <img src=http://x>", 23, &a, &p);
	assert_int_equal(p, 0);
}

static void test_grades(void **state)
{
	assert_string_equal(chk_https_grade(135), "A+");
	assert_string_equal(chk_https_grade(100), "A+");
	assert_string_equal(chk_https_grade(99), "A");
	assert_string_equal(chk_https_grade(85), "A-");
	assert_string_equal(chk_https_grade(75), "B");
	assert_string_equal(chk_https_grade(50), "C");
	assert_string_equal(chk_https_grade(30), "D");
	assert_string_equal(chk_https_grade(24), "F");
	assert_string_equal(chk_https_grade(0), "F");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grades),
		cmocka_unit_test(test_mixed_content),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_no_hsts),
		cmocka_unit_test(test_no_headers),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_expires_soon),
		cmocka_unit_test(test_untrusted_ca),
		cmocka_unit_test(test_old_tls),
		cmocka_unit_test(test_no_redirect),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_run_kind),
	};

	int rc;

	git_libgit2_init();
	rc = cmocka_run_group_tests(tests, setup, teardown);
	git_libgit2_shutdown();
	return rc;
}
