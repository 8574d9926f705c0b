/* json.c: jansson helpers for printing and for hostile strings. */
#include "json.h"

#include "buf.h"

#include <string.h>

int st_json_print(FILE *f, const json_t *v, int pretty)
{
	size_t flags = JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT);

	if (json_dumpf(v, f, flags) < 0 || fputc('\n', f) == EOF)
		return ST_ERROR;
	return 0;
}

json_t *st_json_str(const char *s)
{
	struct st_buf b = ST_BUF_INIT;
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (v)
		return v;
	/* Not valid UTF-8: keep ASCII, replace every other byte. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			st_buf_addch(&b, *p);
		else
			st_buf_addstr(&b, "\xef\xbf\xbd");
	}
	v = json_string(b.buf);
	st_buf_release(&b);
	return v ? v : json_string("");
}

void st_json_set_str(json_t *obj, const char *key, const char *s)
{
	json_object_set_new(obj, key, st_json_str(s));
}

void st_json_set_int(json_t *obj, const char *key, int64_t v)
{
	json_object_set_new(obj, key, json_integer((json_int_t)v));
}
