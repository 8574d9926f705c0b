/*
 * test-http-client.c: the libcurl wrapper against a canned HTTP server on
 * 127.0.0.1: validators and 304, retries, the size cap, a server that
 * hangs, one that hangs up halfway, redirects and files.
 */
#include "common/buf.h"
#include "common/error.h"
#include "common/http-client.h"

#include "../http-server.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

struct canned {
	int flaky_left;	 /* /flaky answers 500 this many times */
	int broken_left; /* /broken hangs up halfway this many times */
};

static void handle(struct ts_request *req, void *data)
{
	struct canned *c = data;
	char v[256];

	if (!strcmp(req->path, "/etag")) {
		if (ts_header(req, "If-None-Match", v, sizeof(v)) &&
		    !strcmp(v, "\"v1\"")) {
			ts_sendstr(req->fd, "HTTP/1.1 304 Not Modified\r\n"
					    "ETag: \"v1\"\r\n"
					    "Connection: close\r\n\r\n");
			return;
		}
		ts_respond(req->fd, 200,
			   "ETag: \"v1\"\r\n"
			   "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\n"
			   "Content-Type: text/plain\r\n",
			   "hello\n", 6);
	} else if (!strcmp(req->path, "/lastmod")) {
		if (ts_header(req, "If-Modified-Since", v, sizeof(v)) &&
		    !strcmp(v, "Wed, 21 Oct 2015 07:28:00 GMT")) {
			ts_sendstr(req->fd, "HTTP/1.1 304 Not Modified\r\n"
					    "Connection: close\r\n\r\n");
			return;
		}
		ts_respond(req->fd, 200,
			   "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\n",
			   "dated\n", 6);
	} else if (!strcmp(req->path, "/flaky")) {
		if (c->flaky_left > 0) {
			c->flaky_left--;
			ts_respond(req->fd, 500, NULL, "oops", 4);
			return;
		}
		ts_respond(req->fd, 200, NULL, "fine", 4);
	} else if (!strcmp(req->path, "/big")) {
		static char big[10000];

		memset(big, 'x', sizeof(big));
		ts_respond(req->fd, 200, NULL, big, sizeof(big));
	} else if (!strcmp(req->path, "/chunked-big")) {
		/* No Content-Length: only the running count can stop it. */
		char chunk[1024];

		memset(chunk, 'y', sizeof(chunk));
		ts_sendstr(req->fd, "HTTP/1.1 200 OK\r\nConnection: close\r\n"
				    "\r\n");
		for (int i = 0; i < 20; i++)
			ts_send(req->fd, chunk, sizeof(chunk));
	} else if (!strcmp(req->path, "/hang")) {
		ts_hang(req->fd);
	} else if (!strcmp(req->path, "/broken")) {
		if (c->broken_left > 0) {
			c->broken_left--;
			ts_sendstr(req->fd, "HTTP/1.1 200 OK\r\n"
					    "Content-Length: 1000\r\n\r\n"
					    "only the first part");
			return;
		}
		ts_respond(req->fd, 200, NULL, "whole", 5);
	} else if (!strcmp(req->path, "/range")) {
		static const char digits[] = "0123456789";
		char extra[128];
		long from;

		if (!ts_header(req, "Range", v, sizeof(v)) ||
		    strncmp(v, "bytes=", 6)) {
			ts_respond(req->fd, 200, NULL, digits, 10);
			return;
		}
		from = strtol(v + 6, NULL, 10);
		if (from < 0 || from > 9) {
			ts_respond(req->fd, 416, NULL, NULL, 0);
			return;
		}
		snprintf(extra, sizeof(extra),
			 "Content-Range: bytes %ld-9/10\r\n", from);
		ts_respond(req->fd, 206, extra, digits + from,
			   (size_t)(10 - from));
	} else if (!strcmp(req->path, "/redirect")) {
		ts_respond(req->fd, 302, "Location: /etag\r\n", NULL, 0);
	} else if (!strcmp(req->path, "/redirect-ftp")) {
		ts_respond(req->fd, 302, "Location: ftp://127.0.0.1/x\r\n",
			   NULL, 0);
	} else {
		ts_respond(req->fd, 404, NULL, "no", 2);
	}
}

struct fixture {
	struct ts_server srv;
	struct canned canned;
	struct st_http_opts opts;
	char url[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_start(&f->srv, handle, &f->canned);
	f->opts.retry_delay_ms = 1;
	f->opts.timeout_ms = 5000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ts_stop(&f->srv);
	free(f);
	return 0;
}

static const char *url(struct fixture *f, const char *path)
{
	snprintf(f->url, sizeof(f->url), "%s%s", f->srv.base, path);
	return f->url;
}

static void test_etag_then_not_modified(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	assert_int_equal(
		st_http_get(&r, url(f, "/etag"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 200);
	assert_false(r.not_modified);
	assert_string_equal(body.buf, "hello\n");
	assert_int_equal(r.size, 6);
	assert_string_equal(r.etag, "\"v1\"");
	assert_string_equal(r.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
	assert_string_equal(r.content_type, "text/plain");

	f->opts.etag = "\"v1\"";
	st_http_response_release(&r);
	assert_int_equal(
		st_http_get(&r, url(f, "/etag"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 304);
	assert_true(r.not_modified);
	assert_int_equal(body.len, 0);
	assert_string_equal(r.etag, "\"v1\"");

	/* A stale validator brings the full body again. */
	f->opts.etag = "\"v0\"";
	st_http_response_release(&r);
	assert_int_equal(
		st_http_get(&r, url(f, "/etag"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(body.buf, "hello\n");
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_if_modified_since(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;

	f->opts.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
	assert_int_equal(
		st_http_get(&r, url(f, "/lastmod"), &f->opts, &body, NULL), 0);
	assert_true(r.not_modified);
	st_http_response_release(&r);
	f->opts.last_modified = NULL;
	assert_int_equal(
		st_http_get(&r, url(f, "/lastmod"), &f->opts, &body, NULL), 0);
	assert_false(r.not_modified);
	assert_string_equal(body.buf, "dated\n");
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_retry_after_500(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	f->canned.flaky_left = 2;
	f->opts.retries = 1;
	assert_int_equal(
		st_http_get(&r, url(f, "/flaky"), &f->opts, &body, &err),
		ST_ERROR);
	assert_int_equal(r.status, 500);
	assert_int_equal(r.attempts, 2);
	assert_non_null(strstr(err.msg, "500"));
	assert_non_null(strstr(err.msg, "/flaky"));
	st_http_response_release(&r);

	f->canned.flaky_left = 2;
	f->opts.retries = 3;
	assert_int_equal(
		st_http_get(&r, url(f, "/flaky"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.attempts, 3);
	assert_string_equal(body.buf, "fine");
	assert_int_equal(err.code, 0);
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_size_cap(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_buf capped;
	struct st_error err = ST_ERROR_INIT;

	f->opts.max_size = 1000;
	f->opts.retries = 3;
	assert_int_equal(st_http_get(&r, url(f, "/big"), &f->opts, &body, &err),
			 ST_ETOOBIG);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(err.msg, "1000"));
	st_http_response_release(&r);
	assert_int_equal(
		st_http_get(&r, url(f, "/chunked-big"), &f->opts, &body, &err),
		ST_ETOOBIG);
	assert_true(body.len <= 1000);
	st_http_response_release(&r);

	/* The buffer's own cap counts too. */
	f->opts.max_size = 0;
	st_buf_init(&capped, 100);
	assert_int_equal(
		st_http_get(&r, url(f, "/big"), &f->opts, &capped, &err),
		ST_ETOOBIG);
	st_http_response_release(&r);
	st_buf_release(&capped);
	assert_int_equal(st_http_get(&r, url(f, "/big"), &f->opts, &body, &err),
			 0);
	assert_int_equal(body.len, 10000);
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_timeout(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	f->opts.timeout_ms = 200;
	f->opts.retries = 1;
	assert_int_equal(
		st_http_get(&r, url(f, "/hang"), &f->opts, &body, &err),
		ST_ERROR);
	assert_int_equal(r.attempts, 2);
	assert_non_null(strstr(err.msg, "/hang"));
	assert_non_null(strstr(err.msg, "timed out"));
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_hangup_halfway(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	f->canned.broken_left = 5;
	assert_int_equal(
		st_http_get(&r, url(f, "/broken"), &f->opts, &body, &err),
		ST_ERROR);
	assert_int_equal(r.attempts, 1);
	assert_non_null(strstr(err.msg, "/broken"));
	st_http_response_release(&r);

	/* A retry starts the body afresh: no half copy stays in front. */
	f->canned.broken_left = 1;
	f->opts.retries = 2;
	assert_int_equal(
		st_http_get(&r, url(f, "/broken"), &f->opts, &body, &err), 0);
	assert_string_equal(body.buf, "whole");
	assert_int_equal(r.attempts, 2);
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_redirects_and_errors(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	/* Not followed: an error status that names the target. */
	assert_int_equal(
		st_http_get(&r, url(f, "/redirect"), &f->opts, &body, &err),
		ST_ERROR);
	assert_int_equal(r.status, 302);
	assert_string_equal(r.location, "/etag");
	st_http_response_release(&r);

	f->opts.follow_redirects = true;
	assert_int_equal(
		st_http_get(&r, url(f, "/redirect"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(body.buf, "hello\n");
	assert_string_equal(r.etag, "\"v1\"");
	assert_null(r.location);
	st_http_response_release(&r);

	/* Redirects to other protocols are refused. */
	assert_int_equal(
		st_http_get(&r, url(f, "/redirect-ftp"), &f->opts, &body, &err),
		ST_ERROR);
	st_http_response_release(&r);

	assert_int_equal(
		st_http_get(&r, url(f, "/missing"), &f->opts, &body, &err),
		ST_ENOTFOUND);
	assert_int_equal(r.status, 404);
	st_http_response_release(&r);

	assert_int_equal(
		st_http_get(&r, "file:///etc/passwd", &f->opts, &body, &err),
		ST_EINVALID);
	assert_int_equal(body.len, 0);
	st_http_response_release(&r);

	f->opts.etag = "\"x\"\r\nX-Evil: 1";
	assert_int_equal(
		st_http_get(&r, url(f, "/etag"), &f->opts, &body, &err),
		ST_EINVALID);
	st_http_response_release(&r);

	/* Nothing listens there. */
	f->opts.etag = NULL;
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:1/x");
	assert_int_equal(st_http_get(&r, f->url, &f->opts, &body, &err),
			 ST_ERROR);
	assert_non_null(strstr(err.msg, "127.0.0.1:1"));
	st_http_response_release(&r);
	st_buf_release(&body);
}

static void test_to_file(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_error err = ST_ERROR_INIT;
	char dir[] = "/tmp/steward-http-XXXXXX";
	char path[256], tmp[300];
	struct stat st;
	FILE *fp;
	char got[64] = {0};

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(
		st_http_get_file(&r, url(f, "/etag"), &f->opts, path, &err), 0);
	st_http_response_release(&r);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(got, 1, sizeof(got) - 1, fp), 6);
	fclose(fp);
	assert_string_equal(got, "hello\n");

	/* 304 and failures leave the previous download alone. */
	f->opts.etag = "\"v1\"";
	assert_int_equal(
		st_http_get_file(&r, url(f, "/etag"), &f->opts, path, &err), 0);
	assert_true(r.not_modified);
	st_http_response_release(&r);
	f->opts.max_size = 10;
	assert_int_equal(
		st_http_get_file(&r, url(f, "/big"), &f->opts, path, &err),
		ST_ETOOBIG);
	st_http_response_release(&r);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 6);
	assert_int_not_equal(stat(tmp, &st), 0);
	unlink(path);
	rmdir(dir);
}

static void test_range(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_buf body = ST_BUF_INIT;
	struct st_error err = ST_ERROR_INIT;

	f->opts.range = "4-";
	assert_int_equal(
		st_http_get(&r, url(f, "/range"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 206);
	assert_string_equal(body.buf, "456789");
	assert_string_equal(r.content_range, "bytes 4-9/10");
	st_http_response_release(&r);
	f->opts.range = "12-";
	assert_int_equal(
		st_http_get(&r, url(f, "/range"), &f->opts, &body, &err),
		ST_ERROR);
	assert_int_equal(r.status, 416);
	st_http_response_release(&r);
	f->opts.range = NULL;
	assert_int_equal(
		st_http_get(&r, url(f, "/range"), &f->opts, &body, &err), 0);
	assert_int_equal(r.status, 200);
	assert_null(r.content_range);
	assert_string_equal(body.buf, "0123456789");
	st_http_response_release(&r);
	st_buf_release(&body);
}

static int count_cb(void *data, const char *p, size_t len, struct st_error *err)
{
	size_t *n = data;

	*n += len;
	if (*n > 5000)
		return st_error_set(err, ST_EINVALID, "enough");
	return 0;
}

static void test_callback(void **state)
{
	struct fixture *f = *state;
	struct st_http_response r;
	struct st_error err = ST_ERROR_INIT;
	size_t n = 0;

	assert_int_equal(st_http_get_cb(&r, url(f, "/etag"), &f->opts, count_cb,
					&n, &err),
			 0);
	assert_int_equal(n, 6);
	st_http_response_release(&r);
	n = 0;
	assert_int_equal(st_http_get_cb(&r, url(f, "/big"), &f->opts, count_cb,
					&n, &err),
			 ST_EINVALID);
	assert_string_equal(err.msg, "enough");
	st_http_response_release(&r);

	/* Bytes already handed over cannot be retried. */
	f->canned.broken_left = 1;
	f->opts.retries = 3;
	n = 0;
	assert_int_equal(st_http_get_cb(&r, url(f, "/broken"), &f->opts,
					count_cb, &n, &err),
			 ST_ERROR);
	assert_int_equal(r.attempts, 1);
	st_http_response_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_etag_then_not_modified,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_if_modified_since, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_retry_after_500, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_size_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hangup_halfway, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_redirects_and_errors,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_to_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
