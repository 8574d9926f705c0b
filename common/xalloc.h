/*
 * xalloc.h: allocation that cannot return NULL. Running out of memory
 * aborts with a message (git wrapper.c, Redis zmalloc): no caller carries
 * branches that no test reaches. Sizes from input must be capped before.
 */
#ifndef STEWARD_COMMON_XALLOC_H
#define STEWARD_COMMON_XALLOC_H

#include <stddef.h>

void *st_xmalloc(size_t size);
/* n * size, aborting on overflow; memory is zeroed. */
void *st_xcalloc(size_t n, size_t size);
void *st_xrealloc(void *p, size_t size);
/* realloc to n * size, aborting on overflow. */
void *st_xreallocarray(void *p, size_t n, size_t size);
char *st_xstrdup(const char *s);
char *st_xstrndup(const char *s, size_t n);
/* Copy of len bytes plus a NUL terminator. */
char *st_xmemdupz(const void *p, size_t len);

#endif
