/*
 * message-priv.h: rd_message_parse's internals, for its differential unit
 * test and fuzz target only (tests/review-dash/test-message-fast.c,
 * review-dash/fuzz-message-fast.c). Production code uses message.h.
 *
 * rd_message_parse takes a fast path for plain single-part mail: GMime
 * parses only the header fields Steward reads, and the body bytes are
 * taken as they are. Everything else goes through GMime's full parse.
 * The two must give equal messages; these calls let a test prove it.
 */
#ifndef STEWARD_REVIEW_MESSAGE_PRIV_H
#define STEWARD_REVIEW_MESSAGE_PRIV_H

#include "review-dash/message.h"

#include <stddef.h>

enum rd_message_flags {
	RD_MESSAGE_GMIME_ONLY = 1 << 0, /* never the fast path */
};

/* How a message was parsed. */
enum rd_message_path {
	RD_MESSAGE_PATH_GMIME = 0, /* GMime parsed all of it */
	RD_MESSAGE_PATH_HEADERS,   /* GMime parsed the fields read; the
				      body was taken as it is */
	RD_MESSAGE_PATH_PLAIN,	   /* plain fields and body: GMime only
				      decoded the values */
};

/*
 * rd_message_parse with flags (enum rd_message_flags). *path (may be
 * NULL) tells which way the message was made. Same returns.
 */
int rd_message_parse_flags(struct rd_message **out, const char *raw, size_t len,
			   unsigned int flags, enum rd_message_path *path,
			   struct st_error *err);

/*
 * NULL when a and b are equal in every field (strings by content, lists
 * item by item), else the name of the first field that differs.
 */
const char *rd_message_diff(const struct rd_message *a,
			    const struct rd_message *b);

#endif
