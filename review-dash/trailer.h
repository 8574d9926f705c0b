/*
 * trailer.h: review trailers (Signed-off-by, Reviewed-by, Acked-by,
 * Tested-by, Reported-by, Suggested-by, Release-Acked-by, Fixes ...) in a
 * mail body or a commit message. Quoted lines ("> Acked-by: ...") are not
 * trailers. Kinds are matched case-insensitively and tolerate common
 * misspellings ("Reviewed-By", "Reviewd-by", "Acked-By", "Release-acked-by",
 * "Release-Ack-by"); out comes the canonical spelling.
 */
#ifndef STEWARD_REVIEW_TRAILER_H
#define STEWARD_REVIEW_TRAILER_H

#include <stddef.h>

struct rd_trailer {
	char *kind;  /* canonical: "Reviewed-by", "Fixes" ... */
	char *value; /* as written after the colon, trimmed, without "# area" */
	char *name;  /* person's name, NULL when the value has none */
	char *email; /* person's address, NULL for Fixes and the like */
	char *area;  /* "# area" or "[area]" suffix, NULL when absent */
};

struct rd_trailers {
	struct rd_trailer *items;
	size_t n;
};

/* Find the trailers in text (len bytes, UTF-8). Never fails on bad input.
 * Release with rd_trailers_release. */
void rd_trailers_parse(struct rd_trailers *out, const char *text, size_t len);
void rd_trailers_release(struct rd_trailers *t);

/* The canonical kind for a written one ("reviewed-By" -> "Reviewed-by"),
 * or NULL when it is not a known trailer kind. Static string. */
const char *rd_trailer_canonical_kind(const char *kind, size_t len);

#endif
