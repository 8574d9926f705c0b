/*
 * error.h: the one error scheme of Steward. A function returns 0 or a
 * negative ST_E* code and, when the caller passed one, fills a caller-owned
 * struct st_error with a one-line message a person can act on.
 */
#ifndef STEWARD_COMMON_ERROR_H
#define STEWARD_COMMON_ERROR_H

#include <stdarg.h>

enum st_error_code {
	ST_OK = 0,
	ST_ERROR = -1,     /* generic failure */
	ST_ENOTFOUND = -2, /* the named thing does not exist */
	ST_EEXISTS = -3,   /* the thing already exists */
	ST_EINVALID = -4,  /* malformed input */
	ST_ETOOBIG = -5,   /* input larger than its cap */
	ST_EBUSY = -6,     /* locked by someone else */
	ST_EUSAGE = -7,    /* bad command-line usage */
};

/* code 0: no error. msg is always NUL-terminated. */
struct st_error {
	int code;
	char msg[256];
};

#define ST_ERROR_INIT {0, {0}}

/*
 * Set err (which may be NULL) to code and the formatted message, replacing
 * control characters with '?' since messages quote hostile input.
 * Returns code, so callers can write `return st_error_set(err, ...)`.
 */
int st_error_set(struct st_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int st_error_setv(struct st_error *err, int code, const char *fmt,
		  va_list ap) __attribute__((format(printf, 3, 0)));

/* Reset err to "no error". NULL is a no-op. */
void st_error_clear(struct st_error *err);

/* A short name for code ("not found", "invalid", ...). */
const char *st_error_name(int code);

#endif
