/*
 * static.c: URL path to file for the static server (see static.h).
 * Safety rests on two independent checks: the decoded path is refused
 * when it holds "..", and the real path of what would be opened must be
 * inside the real root.
 */
#include "static.h"

#include "common/buf.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_URL_PATH 2048

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".xml", "application/xml; charset=utf-8"},
	{".atom", "application/atom+xml; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".txt", "text/plain; charset=utf-8"},
	{".json", "application/json"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".pdf", "application/pdf"},
	{".woff2", "font/woff2"},
	{".gz", "application/gzip"},
	{".xz", "application/x-xz"},
	{".asc", "text/plain; charset=utf-8"},
	{".sig", "application/pgp-signature"},
	{".tar", "application/x-tar"},
};

const char *web_static_type(const char *name)
{
	size_t n = strlen(name);

	/* Feeds are XML files named atom.xml: say what they are. */
	if (n >= 8 && !strcmp(name + n - 8, "atom.xml") &&
	    (n == 8 || name[n - 9] == '/'))
		return "application/atom+xml; charset=utf-8";
	for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
		size_t e = strlen(types[i].ext);

		if (n >= e && !st_strncasecmp(name + n - e, types[i].ext, e))
			return types[i].type;
	}
	return "application/octet-stream";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode url into clean ("/a/b", segments checked); false when it must
 * be refused. dir is set when it ends in '/'.
 */
static bool clean_path(struct st_buf *clean, const char *url, bool decoded,
		       bool *dir)
{
	struct st_buf dec = ST_BUF_INIT;
	const char *seg;
	bool ok = false;

	if (url[0] != '/' || strlen(url) > MAX_URL_PATH)
		return false;
	for (const char *p = url; *p; p++) {
		int hi, lo;

		if (*p == '%' && !decoded) {
			if ((hi = hexval(p[1])) < 0 || (lo = hexval(p[2])) < 0)
				goto out;
			/* An encoded slash or NUL is never a file name. */
			if (hi * 16 + lo == '/' || hi * 16 + lo == 0 ||
			    hi * 16 + lo == '\\')
				goto out;
			st_buf_addch(&dec, hi * 16 + lo);
			p += 2;
		} else if (*p == '\\') {
			goto out;
		} else {
			st_buf_addch(&dec, *p);
		}
	}
	*dir = dec.buf[dec.len - 1] == '/';
	seg = dec.buf;
	while (*seg) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if (n == 2 && seg[0] == '.' && seg[1] == '.')
			goto out;
		/* Hidden files (the manifest) are not served. */
		if (n && seg[0] == '.' &&
		    !(n == 11 && !memcmp(seg, ".well-known", 11)) && !(n == 1))
			goto out;
		if (n && !(n == 1 && seg[0] == '.')) {
			st_buf_addch(clean, '/');
			st_buf_add(clean, seg, n);
		}
		if (!end)
			break;
		seg = end + 1;
	}
	ok = true;
out:
	st_buf_release(&dec);
	return ok;
}

/* realpath(path) is root_real or inside it. */
static bool inside(const char *root_real, const char *real)
{
	size_t n = strlen(root_real);

	return !strncmp(real, root_real, n) && (real[n] == '/' || real[n] == 0);
}

/* Open path when its real path is a regular file or a folder inside
 * root_real. */
static int open_inside(const char *root_real, const char *path, struct stat *st)
{
	char real[PATH_MAX];
	int fd;

	if (!realpath(path, real) || !inside(root_real, real))
		return -1;
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 ||
	    !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Where files are opened from: the root folder opened once per request
 * (so one request sees one build even while a new one is published), and
 * openat2(RESOLVE_BENEATH), which the kernel refuses to resolve outside
 * it: one call per file. Without openat2 (old kernels, seccomp), the
 * realpath check is used instead.
 */
struct opener {
	int rootfd;
	bool no_openat2;
	char root_real[PATH_MAX];
};

/* Open rel ("a/b.html", never "..") below the root; regular files and
 * folders only. -1 when missing or outside. */
static int open_rel(struct opener *o, const char *root, const char *rel,
		    struct stat *st)
{
	struct st_buf path = ST_BUF_INIT;
	int fd = -1;

#ifdef SYS_openat2
	if (!o->no_openat2) {
		struct open_how how;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, o->rootfd, *rel ? rel : ".",
				  &how, sizeof(how));
		if (fd < 0 && (errno == ENOSYS || errno == EPERM))
			o->no_openat2 = true;
		else if (fd < 0)
			return -1;
	}
#else
	o->no_openat2 = true;
#endif
	if (o->no_openat2) {
		if (!o->root_real[0] && !realpath(root, o->root_real))
			return -1;
		st_buf_addf(&path, "%s/%s", o->root_real, rel);
		fd = open_inside(o->root_real, path.buf, st);
		st_buf_release(&path);
		return fd;
	}
	if (fstat(fd, st) < 0 ||
	    !(S_ISREG(st->st_mode) || S_ISDIR(st->st_mode))) {
		close(fd);
		return -1;
	}
	return fd;
}

int web_static_open(struct web_static_file *out, const char *root,
		    const char *url_path, unsigned flags, struct st_error *err)
{
	bool accept_gzip = flags & WEB_STATIC_GZIP;
	struct st_buf clean = ST_BUF_INIT, rel = ST_BUF_INIT;
	struct opener o;
	struct stat st;
	bool dir = false;
	int fd = -1, rc = 0;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	memset(&o, 0, sizeof(o));
	o.rootfd = -1;
	o.no_openat2 = flags & WEB_STATIC_REALPATH;
	if (!clean_path(&clean, url_path, flags & WEB_STATIC_DECODED, &dir)) {
		rc = st_error_set(err, ST_ENOTFOUND, "refused path");
		goto out;
	}
	o.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o.rootfd < 0) {
		rc = st_error_set(err, ST_ERROR, "cannot open '%s': %s", root,
				  strerror(errno));
		goto out;
	}
	if (clean.len)
		st_buf_addstr(&rel, clean.buf + 1);
	if (dir || !clean.len) {
		st_buf_addstr(&rel, rel.len ? "/index.html" : "index.html");
		fd = open_rel(&o, root, rel.buf, &st);
	} else {
		fd = open_rel(&o, root, rel.buf, &st);
		if (fd >= 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			st_buf_addstr(&rel, "/index.html");
			fd = open_rel(&o, root, rel.buf, &st);
		}
	}
	if (fd >= 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		rc = st_error_set(err, ST_ENOTFOUND, "no such file");
		goto out;
	}
	out->type = web_static_type(rel.buf);
	out->vary = !strncmp(out->type, "text/", 5) ||
		    strstr(out->type, "xml") != NULL;
	if (accept_gzip && out->vary) {
		struct stat gst;
		int gfd;

		st_buf_addstr(&rel, ".gz");
		gfd = open_rel(&o, root, rel.buf, &gst);
		if (gfd >= 0 && S_ISREG(gst.st_mode)) {
			close(fd);
			fd = gfd;
			st = gst;
			out->gzip = true;
		} else if (gfd >= 0) {
			close(gfd);
		}
	}
	out->fd = fd;
	out->size = (uint64_t)st.st_size;
	out->mtime = st.st_mtim.tv_sec;
	snprintf(out->etag, sizeof(out->etag), "\"%llx-%llx-%llx%s\"",
		 (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			 (unsigned long long)st.st_mtim.tv_nsec,
		 out->gzip ? "-gz" : "");
out:
	if (o.rootfd >= 0)
		close(o.rootfd);
	st_buf_release(&clean);
	st_buf_release(&rel);
	return rc;
}

bool web_static_accepts_gzip(const char *ae)
{
	const char *p = ae;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		struct st_buf item = ST_BUF_INIT;
		const char *q;
		bool yes = false;

		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		st_buf_add(&item, p, n);
		if (!st_strncasecmp(item.buf, "gzip", 4) ||
		    item.buf[0] == '*') {
			size_t name = item.buf[0] == '*' ? 1 : 4;

			yes = item.buf[name] == 0 || item.buf[name] == ';' ||
			      item.buf[name] == ' ';
			/* "gzip;q=0" refuses it. */
			q = strstr(item.buf, "q=");
			if (yes && q && strtod(q + 2, NULL) <= 0.0)
				yes = false;
		}
		st_buf_release(&item);
		if (yes)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* A weak comparison of one entity tag in a list against etag. */
static bool etag_listed(const char *list, const char *etag)
{
	const char *p = list;

	while (*p) {
		const char *end;
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (*p != '"')
			return false;
		end = strchr(p + 1, '"');
		if (!end)
			return false;
		n = (size_t)(end - p + 1);
		if (n == strlen(etag) && !memcmp(p, etag, n))
			return true;
		p = end + 1;
	}
	return false;
}

bool web_static_not_modified(const struct web_static_file *f, const char *inm,
			     const char *ims)
{
	time_t t;

	/* RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since. */
	if (inm)
		return etag_listed(inm, f->etag);
	if (ims && web_static_parse_http_date(&t, ims) == 0)
		return f->mtime <= t;
	return false;
}

static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
				"Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void web_static_http_date(char *out, size_t size, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d GMT",
		 days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* n decimal digits at s. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int web_static_parse_http_date(time_t *out, const char *s)
{
	/* "Sun, 06 Nov 1994 08:49:37 GMT" */
	struct tm tm;
	int mon = -1;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT"))
		return ST_EINVALID;
	for (int i = 0; i < 12; i++)
		if (!memcmp(s + 8, months[i], 3))
			mon = i;
	tm.tm_mday = digits(s + 5, 2);
	tm.tm_year = digits(s + 12, 4) - 1900;
	tm.tm_hour = digits(s + 17, 2);
	tm.tm_min = digits(s + 20, 2);
	tm.tm_sec = digits(s + 23, 2);
	if (mon < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 70 ||
	    tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 ||
	    tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
		return ST_EINVALID;
	tm.tm_mon = mon;
	*out = timegm(&tm);
	return 0;
}
