/* error.c: setting and naming st_error values. */
#include "error.h"

#include <stdio.h>
#include <string.h>

int st_error_setv(struct st_error *err, int code, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	/* A subject line or a path is hostile input: never let it move the
	 * cursor or ring the terminal bell (git usage.c does the same). */
	for (char *p = err->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return code;
}

int st_error_set(struct st_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_error_setv(err, code, fmt, ap);
	va_end(ap);
	return code;
}

void st_error_clear(struct st_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

const char *st_error_name(int code)
{
	switch (code) {
	case ST_OK:
		return "ok";
	case ST_ENOTFOUND:
		return "not found";
	case ST_EEXISTS:
		return "exists";
	case ST_EINVALID:
		return "invalid";
	case ST_ETOOBIG:
		return "too big";
	case ST_EBUSY:
		return "busy";
	case ST_EUSAGE:
		return "usage";
	default:
		return "error";
	}
}
