/* xalloc.c: checked allocation wrappers. */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(size_t size)
{
	fprintf(stderr, "steward: out of memory allocating %zu bytes\n", size);
	abort();
}

void *st_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom(size);
	return p;
}

void *st_xcalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		die_oom(SIZE_MAX);
	p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die_oom(n * size);
	return p;
}

void *st_xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		die_oom(size);
	return q;
}

void *st_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die_oom(SIZE_MAX);
	return st_xrealloc(p, n * size);
}

char *st_xstrdup(const char *s)
{
	return st_xmemdupz(s, strlen(s));
}

char *st_xstrndup(const char *s, size_t n)
{
	return st_xmemdupz(s, strnlen(s, n));
}

char *st_xmemdupz(const void *p, size_t len)
{
	char *q;

	if (len == SIZE_MAX)
		die_oom(len);
	q = st_xmalloc(len + 1);
	if (len)
		memcpy(q, p, len);
	q[len] = '\0';
	return q;
}
