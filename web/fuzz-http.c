/*
 * fuzz-http.c: the request headers the static server parses
 * (Accept-Encoding, If-None-Match, If-Modified-Since). The input is three
 * NUL-separated values.
 */
#include "web/static.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 3);
	const char *v[3];
	struct web_static_file f;
	size_t at = 0;
	time_t t;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = copy[size + 1] = copy[size + 2] = 0;
	for (int i = 0; i < 3; i++) {
		v[i] = copy + at;
		at += strlen(copy + at) + 1;
		if (at > size + 2)
			at = size + 2;
	}
	memset(&f, 0, sizeof(f));
	memcpy(f.etag, "\"1-2-3\"", 8);
	f.mtime = 784111777;
	web_static_accepts_gzip(v[0]);
	web_static_not_modified(&f, v[1], v[2]);
	web_static_not_modified(&f, NULL, v[2]);
	if (web_static_parse_http_date(&t, v[2]) == 0) {
		char back[40];

		web_static_http_date(back, sizeof(back), t);
	}
	free(copy);
	return 0;
}
