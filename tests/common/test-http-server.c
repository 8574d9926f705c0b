/* test-http-server.c: listen address parsing and URL decoding of the
 * HTTP server base (requests themselves are tested over real HTTP in
 * tests/review-dash/test-serve.sh). */
#include "common/http-server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_url_decode),
		cmocka_unit_test(test_start_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
