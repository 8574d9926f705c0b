/*
 * mbox-split.c: throughput of the mbox source (review-dash/source.h) on a
 * generated archive: messages/s, MB/s and peak memory, plain and gzip.
 * Not a test. Build after the main build (from the repository root):
 *
 *   cc -O2 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. \
 *      bench/mbox-split.c build/libsteward_review.a build/libsteward_common.a \
 *      $(pkg-config --libs libgit2 libcurl zlib liblzma sqlite3 jansson) \
 *      -lpthread -o build/bench-mbox-split
 *   build/bench-mbox-split [MB [DIR]]     (default 100 MB in /tmp)
 */
#include "review-dash/source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

static const char *const words[] = {
	"the",	"of",	  "and",  "patch", "xen",    "hypervisor", "memory",
	"page", "fault",  "vcpu", "to",	   "domain", "is",	   "for",
	"this", "static", "int",  "void",  "return", "struct",
};

/* A deterministic mbox of about mb megabytes; returns the message count. */
static size_t generate(const char *path, const char *gzpath, size_t mb)
{
	FILE *f = fopen(path, "wb");
	gzFile gz = gzopen(gzpath, "wb1");
	char msg[16384];
	uint32_t seed = 42;
	size_t total = 0, n = 0;

	if (!f || !gz) {
		perror(path);
		exit(1);
	}
	while (total < mb << 20) {
		int len = snprintf(msg, sizeof(msg),
				   "From user%zu@example.org Mon Jan  1 "
				   "00:00:00 2024\n"
				   "From: User %zu <user%zu@example.org>\n"
				   "Subject: [PATCH v2 %zu/9] area: change\n"
				   "Message-ID: <%zu@example.org>\n"
				   "Date: Mon, 1 Jan 2024 00:00:00 +0000\n\n",
				   n, n, n, n % 9, n);
		int lines;

		seed = seed * 1103515245u + 12345u;
		lines = 5 + (int)((seed >> 16) % 60);
		for (int l = 0; l < lines; l++) {
			int w = 3 + l % 10;

			for (int k = 0; k < w; k++) {
				seed = seed * 1103515245u + 12345u;
				len += snprintf(msg + len, sizeof(msg) - len,
						"%s%s", k ? " " : "",
						words[(seed >> 16) % 20]);
			}
			len += snprintf(msg + len, sizeof(msg) - len, "\n");
		}
		if (n % 10 == 0)
			len += snprintf(msg + len, sizeof(msg) - len,
					"From the body, no separator\n");
		if (n % 13 == 0)
			len += snprintf(msg + len, sizeof(msg) - len,
					">From escaped\n");
		len += snprintf(msg + len, sizeof(msg) - len, "\n");
		if (fwrite(msg, 1, (size_t)len, f) != (size_t)len ||
		    gzwrite(gz, msg, (unsigned)len) != len) {
			perror(path);
			exit(1);
		}
		total += (size_t)len;
		n++;
	}
	if (fclose(f) != 0 || gzclose(gz) != Z_OK) {
		perror(path);
		exit(1);
	}
	return n;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run(const char *path, size_t want)
{
	struct rd_source_opts o = {0};
	struct st_error err = ST_ERROR_INIT;
	struct rd_source *s;
	const char *raw, *pos;
	size_t len, n = 0, bytes = 0;
	double t0 = now(), t;
	int rc;

	if (rd_source_open(&s, path, &o, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	while ((rc = rd_source_next(s, &raw, &len, &pos, &err)) > 0) {
		n++;
		bytes += len;
	}
	if (rc < 0 || n != want) {
		fprintf(stderr, "%s: %zu of %zu messages: %s\n", path, n, want,
			err.msg);
		exit(1);
	}
	t = now() - t0;
	printf("%-28s %zu messages, %.0f MB in %.3f s: %.0f messages/s, "
	       "%.0f MB/s\n",
	       path, n, (double)bytes / 1e6, t, (double)n / t,
	       (double)bytes / 1e6 / t);
	rd_source_free(s);
}

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 100;
	const char *dir = argc > 2 ? argv[2] : "/tmp";
	char path[512], gzpath[520];
	struct rusage ru;
	size_t n;

	snprintf(path, sizeof(path), "%s/bench-mbox-split.mbox", dir);
	snprintf(gzpath, sizeof(gzpath), "%s.gz", path);
	n = generate(path, gzpath, mb);
	for (int i = 0; i < 3; i++)
		run(path, n);
	run(gzpath, n);
	getrusage(RUSAGE_SELF, &ru);
	printf("peak RSS %ld KB\n", ru.ru_maxrss);
	unlink(path);
	unlink(gzpath);
	return 0;
}
