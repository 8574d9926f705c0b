/*
 * http-server.h: a tiny HTTP/1.1 server on 127.0.0.1 for tests, header
 * only (each test is one program). One thread accepts connections one at
 * a time, reads the request head and hands it to the test's handler,
 * which writes whatever canned (or broken) response it wants; the
 * connection is closed after each request. Loopback only, never in the
 * product.
 */
#ifndef STEWARD_TESTS_HTTP_SERVER_H
#define STEWARD_TESTS_HTTP_SERVER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct ts_request {
	char method[16];
	char path[1024];
	char head[16384]; /* the whole request head, NUL-terminated */
	char *body;	  /* bytes read past the head (POST), malloc'd */
	size_t body_len;
	int fd;
};

typedef void (*ts_handler)(struct ts_request *req, void *data);

struct ts_server {
	int listen_fd;
	int stop[2];
	int port;
	char base[64]; /* "http://127.0.0.1:PORT" */
	pthread_t thread;
	ts_handler handler;
	void *data;
	int requests; /* served so far */
};

static inline void ts_send(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = send(fd, c, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		c += n;
		len -= (size_t)n;
	}
}

static inline void ts_sendstr(int fd, const char *s)
{
	ts_send(fd, s, strlen(s));
}

/* Copy the value of header name into out; false when absent. */
static inline bool ts_header(const struct ts_request *req, const char *name,
			     char *out, size_t size)
{
	size_t nl = strlen(name);
	const char *p = strstr(req->head, "\r\n");

	while (p && p[2] != '\r') {
		const char *line = p + 2;
		const char *end = strstr(line, "\r\n");

		if (!end)
			return false;
		if ((size_t)(end - line) > nl && line[nl] == ':' &&
		    !strncasecmp(line, name, nl)) {
			const char *v = line + nl + 1;
			size_t len;

			while (*v == ' ')
				v++;
			len = (size_t)(end - v);
			if (len >= size)
				len = size - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

/* Send a complete response with a body and optional extra header lines
 * (each ending in "\r\n"). */
static inline void ts_respond(int fd, int status, const char *extra,
			      const void *body, size_t len)
{
	char head[1024];

	snprintf(head, sizeof(head),
		 "HTTP/1.1 %d X\r\nContent-Length: %zu\r\n"
		 "Connection: close\r\n%s\r\n",
		 status, len, extra ? extra : "");
	ts_sendstr(fd, head);
	if (len)
		ts_send(fd, body, len);
}

/* Wait until the client hangs up (or 5 s): a server that never answers. */
static inline void ts_hang(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c[256];

	while (poll(&p, 1, 5000) > 0 && recv(fd, c, sizeof(c), 0) > 0)
		;
}

static inline bool ts_read_head(struct ts_request *req)
{
	size_t len = 0;
	char *end = NULL;

	while (!end) {
		struct pollfd p = {req->fd, POLLIN, 0};
		ssize_t n;

		if (len + 1 >= sizeof(req->head) || poll(&p, 1, 5000) <= 0)
			return false;
		n = recv(req->fd, req->head + len, sizeof(req->head) - 1 - len,
			 0);
		if (n <= 0)
			return false;
		len += (size_t)n;
		req->head[len] = '\0';
		end = strstr(req->head, "\r\n\r\n");
	}
	end += 4;
	req->body_len = len - (size_t)(end - req->head);
	req->body = malloc(req->body_len + 1);
	if (!req->body)
		abort();
	memcpy(req->body, end, req->body_len);
	*end = '\0';
	{
		char *sp = strchr(req->head, ' ');
		char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
		size_t ml = sp ? (size_t)(sp - req->head) : 0;
		size_t pl = sp2 ? (size_t)(sp2 - sp - 1) : 0;

		if (!sp2 || ml >= sizeof(req->method) ||
		    pl >= sizeof(req->path))
			return false;
		memcpy(req->method, req->head, ml);
		req->method[ml] = '\0';
		memcpy(req->path, sp + 1, pl);
		req->path[pl] = '\0';
	}
	return true;
}

static inline void *ts_loop(void *arg)
{
	struct ts_server *s = arg;

	for (;;) {
		struct pollfd p[2] = {{s->listen_fd, POLLIN, 0},
				      {s->stop[0], POLLIN, 0}};
		struct ts_request *req;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		req = calloc(1, sizeof(*req));
		if (!req)
			abort();
		req->fd = accept(s->listen_fd, NULL, NULL);
		if (req->fd >= 0) {
			if (ts_read_head(req)) {
				s->requests++;
				s->handler(req, s->data);
			}
			close(req->fd);
		}
		free(req->body);
		free(req);
	}
	return NULL;
}

/* Start serving on an ephemeral loopback port. */
static inline void ts_start(struct ts_server *s, ts_handler handler, void *data)
{
	struct sockaddr_in a = {0};
	socklen_t alen = sizeof(a);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->handler = handler;
	s->data = data;
	s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->listen_fd < 0 || pipe(s->stop) != 0)
		abort();
	setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s->listen_fd, 16) != 0 ||
	    getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
		abort();
	s->port = ntohs(a.sin_port);
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
	if (pthread_create(&s->thread, NULL, ts_loop, s) != 0)
		abort();
}

static inline void ts_stop(struct ts_server *s)
{
	if (write(s->stop[1], "x", 1) != 1)
		abort();
	pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->stop[0]);
	close(s->stop[1]);
}

#endif
