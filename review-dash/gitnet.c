/*
 * gitnet.c: a libgit2 socket stream whose every wait is bounded. Sockets
 * are non-blocking; each connect, read and write waits in poll() for at
 * most the timeout, and a wait that runs out fails the transfer with a
 * message naming the host.
 */
#define _GNU_SOURCE /* SOCK_CLOEXEC, SOCK_NONBLOCK */
#include "review-dash/gitnet.h"

#include "common/xalloc.h"

#include <git2.h>
#include <git2/sys/stream.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* libgit2 gives the stream constructor no payload: the limit lives here. */
static atomic_int timeout_ms = 300000;

struct tstream {
	git_stream parent;
	char *host;
	char *port;
	int fd;
};

static int fail(const struct tstream *t, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s %s:%s: %s", what, t->host, t->port,
		 strerror(errno));
	git_error_set_str(GIT_ERROR_NET, msg);
	return -1;
}

/* Wait until fd is ready for events; -1 with a message when it is not
 * within the timeout. */
static int wait_for(struct tstream *t, short events, const char *what)
{
	struct pollfd p = {t->fd, events, 0};
	int ms = atomic_load(&timeout_ms);
	int n;

	do
		n = poll(&p, 1, ms);
	while (n < 0 && errno == EINTR);
	if (n == 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s %s:%s: no answer in %d s", what,
			 t->host, t->port, ms / 1000);
		git_error_set_str(GIT_ERROR_NET, msg);
		return -1;
	}
	return n < 0 ? fail(t, what) : 0;
}

static int ts_connect(git_stream *s)
{
	struct tstream *t = (struct tstream *)s;
	struct addrinfo hints = {0}, *res = NULL;
	int e;

	git_error_clear(); /* so that git_error_last() is ours below */
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	e = getaddrinfo(t->host, t->port, &hints, &res);
	if (e != 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "cannot resolve %s: %s", t->host,
			 gai_strerror(e));
		git_error_set_str(GIT_ERROR_NET, msg);
		return -1;
	}
	errno = EADDRNOTAVAIL; /* when no address gives a socket */
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int soerr = 0;
		socklen_t len = sizeof(soerr);

		t->fd = socket(a->ai_family,
			       a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
			       a->ai_protocol);
		if (t->fd < 0)
			continue;
		if (connect(t->fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) {
			fail(t, "cannot connect to");
		} else if (wait_for(t, POLLOUT, "cannot connect to") == 0) {
			if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &soerr,
				       &len) == 0 &&
			    soerr == 0)
				break;
			errno = soerr ? soerr : errno;
			fail(t, "cannot connect to");
		}
		close(t->fd);
		t->fd = -1;
	}
	freeaddrinfo(res);
	if (t->fd >= 0)
		return 0;
	if (!git_error_last())
		fail(t, "cannot connect to");
	return -1;
}

static ssize_t ts_read(git_stream *s, void *buf, size_t len)
{
	struct tstream *t = (struct tstream *)s;

	for (;;) {
		ssize_t n = recv(t->fd, buf, len, 0);

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(t, "cannot read from");
		if (wait_for(t, POLLIN, "cannot read from") < 0)
			return -1;
	}
}

/* All of data, as libgit2's own socket stream does. */
static ssize_t ts_write(git_stream *s, const char *data, size_t len, int flags)
{
	struct tstream *t = (struct tstream *)s;
	size_t done = 0;

	(void)flags;
	while (done < len) {
		ssize_t n = send(t->fd, data + done, len - done, MSG_NOSIGNAL);

		if (n >= 0) {
			done += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(t, "cannot write to");
		if (wait_for(t, POLLOUT, "cannot write to") < 0)
			return -1;
	}
	return (ssize_t)done;
}

static int ts_close(git_stream *s)
{
	struct tstream *t = (struct tstream *)s;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	return 0;
}

static void ts_free(git_stream *s)
{
	struct tstream *t = (struct tstream *)s;

	ts_close(s);
	free(t->host);
	free(t->port);
	free(t);
}

static int ts_new(git_stream **out, const char *host, const char *port)
{
	struct tstream *t = st_xcalloc(1, sizeof(*t));

	t->parent.version = GIT_STREAM_VERSION;
	t->parent.connect = ts_connect;
	t->parent.read = ts_read;
	t->parent.write = ts_write;
	t->parent.close = ts_close;
	t->parent.free = ts_free;
	t->host = st_xstrdup(host);
	t->port = st_xstrdup(port);
	t->fd = -1;
	*out = &t->parent;
	return 0;
}

int rd_gitnet_set_timeout(long timeout_secs)
{
	static git_stream_registration reg = {GIT_STREAM_VERSION, ts_new, NULL};

	if (timeout_secs <= 0 || timeout_secs > 86400)
		timeout_secs = 300;
	atomic_store(&timeout_ms, (int)(timeout_secs * 1000));
	return git_stream_register(GIT_STREAM_STANDARD, &reg) < 0 ? -1 : 0;
}
