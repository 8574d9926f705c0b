/* test-http-server.c: listen address parsing and URL decoding of the
 * HTTP server base, and what its page cache must never replay (pages
 * and the API are tested over real HTTP in tests/review-dash/). */
#include "common/http-server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static void test_listen(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	struct st_error err = ST_ERROR_INIT;
	static const char *const bad[] = {"",
					  "8080",
					  "127.0.0.1",
					  "127.0.0.1:",
					  "127.0.0.1:x",
					  "127.0.0.1:65536",
					  "127.0.0.1:-1",
					  "::1:8080",
					  "[::1]8080",
					  "[::1]:",
					  "[nope]:80",
					  "localhost:80",
					  "1.2.3.4:80x",
					  NULL};

	assert_int_equal(
		st_httpd_parse_listen(&ss, &len, "127.0.0.1:8080", &err), 0);
	assert_int_equal(in4->sin_family, AF_INET);
	assert_int_equal(ntohs(in4->sin_port), 8080);
	assert_int_equal(ntohl(in4->sin_addr.s_addr), 0x7f000001);
	assert_int_equal(len, sizeof(*in4));
	assert_int_equal(st_httpd_parse_listen(&ss, &len, "[::1]:443", &err),
			 0);
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 443);
	assert_true(IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr));
	assert_int_equal(st_httpd_parse_listen(&ss, &len, ":0", &err), 0);
	assert_int_equal(in4->sin_addr.s_addr, htonl(INADDR_ANY));
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(st_httpd_parse_listen(&ss, &len, bad[i], &err),
				 ST_EINVALID);
		assert_non_null(strstr(err.msg, "bad listen address"));
	}
}

static void test_url_decode(void **state)
{
	char a[] = "a%20b+c%2Fd";
	char b[] = "a%20b+c";
	char bad1[] = "%zz";
	char bad2[] = "x%2";
	char nul[] = "x%00y";

	assert_int_equal(st_httpd_url_decode(a, true), 0);
	assert_string_equal(a, "a b c/d");
	assert_int_equal(st_httpd_url_decode(b, false), 0);
	assert_string_equal(b, "a b+c");
	assert_int_equal(st_httpd_url_decode(bad1, true), ST_EINVALID);
	assert_int_equal(st_httpd_url_decode(bad2, true), ST_EINVALID);
	assert_int_equal(st_httpd_url_decode(nul, true), ST_EINVALID);
}

static void test_start_errors(void **state)
{
	static const struct st_httpd_route routes[] = {{NULL, NULL, NULL}};
	struct st_httpd_opts o = {0};
	struct st_httpd *h = NULL;
	struct st_error err = ST_ERROR_INIT;

	o.routes = routes;
	o.listen = "127.0.0.1:0";
	o.tls_cert = "/nonexistent/cert.pem";
	assert_int_equal(st_httpd_start(&h, &o, &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "certificate and a key"));
	o.tls_key = "/nonexistent/key.pem";
	assert_int_equal(st_httpd_start(&h, &o, &err), ST_EINVALID);
	assert_non_null(strstr(err.msg, "/nonexistent/cert.pem"));
	assert_null(h);
	/* Port 0: the kernel picks one, and we can read it back. */
	o.tls_cert = o.tls_key = NULL;
	assert_int_equal(st_httpd_start(&h, &o, &err), 0);
	assert_true(st_httpd_port(h) > 0);
	st_httpd_free(h);
}

/* ---- the page cache: what it must never replay ---- */

static int calls; /* handler calls; one worker thread, so no race */
static int thread_dummy;

static void *cache_thread_open(void *app, struct st_error *err)
{
	return &thread_dummy;
}

static uint64_t cache_generation(void *thread_data)
{
	return 1;
}

/* Replies with its call number, and Cache-Control cc unless NULL. */
static int reply_count(struct st_httpd_req *req, const char *cc)
{
	char body[32];
	int n = snprintf(body, sizeof(body), "call %d\n", ++calls);

	if (cc)
		st_httpd_add_header(req, "Cache-Control", cc);
	return st_httpd_reply(req, 200, "text/plain", body, (size_t)n);
}

static int h_public(struct st_httpd_req *req)
{
	return reply_count(req, NULL);
}

static int h_nostore(struct st_httpd_req *req)
{
	return reply_count(req, "no-store");
}

static int h_private(struct st_httpd_req *req)
{
	return reply_count(req, "private, max-age=60");
}

/* GET path from 127.0.0.1:port with an optional extra header line;
 * the body's call number, or -1. */
static int fetch(unsigned port, const char *path, const char *header)
{
	struct sockaddr_in a = {0};
	char req[512], resp[4096];
	size_t got = 0;
	ssize_t n;
	const char *body;
	int fd = socket(AF_INET, SOCK_STREAM, 0), call = -1;

	assert_true(fd >= 0);
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n%s%s\r\n", path,
		     header ? header : "", header ? "\r\n" : "");
	assert_true(n > 0 && (size_t)n < sizeof(req));
	assert_int_equal(write(fd, req, (size_t)n), n);
	while (got < sizeof(resp) - 1 &&
	       (n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	close(fd);
	body = strstr(resp, "\r\n\r\ncall ");
	for (const char *d = body ? body + 9 : ""; *d >= '0' && *d <= '9'; d++)
		call = (call < 0 ? 0 : call * 10) + (*d - '0');
	return call;
}

static void test_cache(void **state)
{
	static const struct st_httpd_route routes[] = {
		{"GET", "/public", h_public},
		{"GET", "/asked-with-token", h_public},
		{"GET", "/no-store", h_nostore},
		{"GET", "/private", h_private},
		{NULL, NULL, NULL},
	};
	struct st_httpd_opts o = {0};
	struct st_httpd *h = NULL;
	struct st_error err = ST_ERROR_INIT;
	unsigned port;

	o.routes = routes;
	o.listen = "127.0.0.1:0";
	o.threads = 1;
	o.thread_open = cache_thread_open;
	o.cache_ttl_s = 60;
	o.generation = cache_generation;
	assert_int_equal(st_httpd_start(&h, &o, &err), 0);
	port = st_httpd_port(h);
	/* The cache is on: a public page is replayed. */
	assert_int_equal(fetch(port, "/public", NULL), 1);
	assert_int_equal(fetch(port, "/public", NULL), 1);
	/* A response to a request with credentials is never stored. */
	assert_int_equal(
		fetch(port, "/asked-with-token", "Authorization: Token secret"),
		2);
	assert_int_equal(fetch(port, "/asked-with-token", NULL), 3);
	/* Nor one its handler marked no-store or private. */
	assert_int_equal(fetch(port, "/no-store", NULL), 4);
	assert_int_equal(fetch(port, "/no-store", NULL), 5);
	assert_int_equal(fetch(port, "/private", NULL), 6);
	assert_int_equal(fetch(port, "/private", NULL), 7);
	st_httpd_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_start_errors),
		cmocka_unit_test(test_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
