/* progress.c: throttled terminal progress line. */
#include "progress.h"

#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct st_progress {
	char label[64];
	uint64_t total;
	uint64_t done;
	struct timespec last; /* when the line was last drawn */
};

struct st_progress *st_progress_new(const char *label, uint64_t total)
{
	struct st_progress *p;

	if (!isatty(STDERR_FILENO))
		return NULL;
	p = st_xcalloc(1, sizeof(*p));
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->total = total;
	return p;
}

static void draw(const struct st_progress *p)
{
	if (p->total)
		fprintf(stderr, "\r%s: %3u%% (%llu/%llu)", p->label,
			(unsigned)(p->done * 100 / p->total),
			(unsigned long long)p->done,
			(unsigned long long)p->total);
	else
		fprintf(stderr, "\r%s: %llu", p->label,
			(unsigned long long)p->done);
}

void st_progress_update(struct st_progress *p, uint64_t done)
{
	struct timespec now;

	if (!p)
		return;
	p->done = done;
	clock_gettime(CLOCK_MONOTONIC, &now);
	/* Redraw at most five times a second: a terminal is slow. */
	if ((now.tv_sec - p->last.tv_sec) * 1000000000L +
		    (now.tv_nsec - p->last.tv_nsec) <
	    200000000L)
		return;
	p->last = now;
	draw(p);
}

void st_progress_free(struct st_progress *p)
{
	if (!p)
		return;
	draw(p);
	fputs(", done.\n", stderr);
	free(p);
}
