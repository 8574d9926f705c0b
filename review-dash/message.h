/*
 * message.h: one mail parsed with GMime into what Steward stores: decoded
 * headers (RFC 2047, any charset to UTF-8), the plain-text body
 * (multipart/alternative: the plain part; text/x-patch and text/x-diff
 * attachments joined), and what the body is: a patch, a cover letter, a
 * pull request or a comment, with its diff, patch-id and trailers.
 * Bad input never crashes: it fails with ST_EINVALID and a reason.
 */
#ifndef STEWARD_REVIEW_MESSAGE_H
#define STEWARD_REVIEW_MESSAGE_H

#include "common/error.h"
#include "review-dash/diff.h"
#include "review-dash/patchid.h"
#include "review-dash/subject.h"
#include "review-dash/trailer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rd_kind {
	RD_KIND_COMMENT = 0,
	RD_KIND_PATCH,
	RD_KIND_COVER,
	RD_KIND_PULL,
};

/* Every string is UTF-8 and owned by the message. */
struct rd_message {
	char *message_id;  /* without <>; synthetic when missing or broken */
	bool synthetic_id;
	char *subject;     /* decoded */
	char *from_name;   /* may be "" */
	char *from_email;  /* lower-cased; "" when missing */
	int64_t date;      /* seconds since the epoch; clamped to a sane range */
	char *in_reply_to; /* NULL when none */
	char **references; /* oldest first */
	size_t nreferences;
	struct rd_subject subj;
	enum rd_kind kind;
	char *body;        /* plain text */
	char *commit_msg;  /* patch: text above the "---" line; else NULL */
	char *diff;        /* patch: the diff; else NULL */
	char patch_id[RD_PATCH_ID_HEXSZ]; /* "" without a diff */
	char *pull_url;    /* pull: the repository URL; else NULL */
	char *pull_branch; /* pull: the branch or tag; else NULL */
	struct rd_trailers trailers; /* unquoted trailers in the body */
	char *author_name;  /* patch author: the body's leading "From:"
			       (git send-email for another's patch), else
			       from_name; never NULL */
	char *author_email; /* likewise, lower-cased */
};

/* Size caps: a message over RD_MESSAGE_MAX is rejected (ST_ETOOBIG). */
#define RD_MESSAGE_MAX (64u << 20)

/*
 * Parse one raw message (RFC 5322 bytes, LF or CRLF; a leading mbox
 * "From " line is skipped). Caller owns *out; free with rd_message_free.
 * Returns 0, ST_EINVALID (no headers, undecodable) or ST_ETOOBIG, with
 * err's message the reason recorded for a rejected message. Thread-safe:
 * separate messages may be parsed on separate threads at once.
 */
int rd_message_parse(struct rd_message **out, const char *raw, size_t len,
		     struct st_error *err);
void rd_message_free(struct rd_message *m);

/* The kind's name: "patch", "cover", "pull", "comment". */
const char *rd_kind_name(enum rd_kind k);

#endif
