/*
 * mailfmt.h: text formatting for the mails `steward demo-data` writes:
 * addresses (raw UTF-8 or RFC 2047 encoded), dates as mailers and git
 * print them, folded headers, wrapped paragraphs and diffstats. Every
 * function appends to a caller's st_buf; none fails (st_buf has no cap
 * here) and none reads the clock or the locale.
 */
#ifndef STEWARD_CI_MAILFMT_H
#define STEWARD_CI_MAILFMT_H

#include "common/buf.h"

#include <stddef.h>
#include <stdint.h>

/* How a mailer writes a display name that is not ASCII. */
enum ci_mailfmt_enc {
	CI_MAILFMT_RAW, /* 8-bit UTF-8 */
	CI_MAILFMT_B,	/* =?UTF-8?B?...?= */
	CI_MAILFMT_Q,	/* =?UTF-8?Q?...?= */
};

/* One line of a diffstat. */
struct ci_mailfmt_stat {
	const char *path;
	size_t add;
	size_t del;
};

/* Append tmpl with its one "%s" replaced by arg (no other conversion). */
void ci_mailfmt_template(struct st_buf *b, const char *tmpl, const char *arg);

/* Append text wrapped at 72 columns, words never split, and a newline. */
void ci_mailfmt_wrap(struct st_buf *b, const char *text);

/*
 * Append "Name <email>" as a header value. A non-ASCII name is encoded as
 * enc says, one encoded word per name part (the space inside the word,
 * RFC 2047 section 6.2), folded between words; a name with a quote is
 * quoted.
 */
void ci_mailfmt_address(struct st_buf *b, const char *name, const char *email,
			enum ci_mailfmt_enc enc);

/* Append t (UTC seconds) in zone tz (minutes east) as RFC 2822 does:
 * "Mon, 6 Jan 2025 12:00:00 +0100". */
void ci_mailfmt_date(struct st_buf *b, int64_t t, int tz);

/* Append "2025-01-06 12:00:00 +0100", as git prints dates. */
void ci_mailfmt_git_date(struct st_buf *b, int64_t t, int tz);

/* Append "06/01/2025 12:00", for "On ..., X wrote:" lines. */
void ci_mailfmt_short_date(struct st_buf *b, int64_t t, int tz);

/* Append a "Subject:" header line folded before 78 columns, as git does. */
void ci_mailfmt_subject(struct st_buf *b, const char *subject);

/* Append a "References:" header line of the non-empty ids[0..n), one per
 * line; nothing when there are none. */
void ci_mailfmt_refs(struct st_buf *b, const char *const *ids, size_t n);

/* Append a diffstat of sl[0..n) with its summary line, as git prints it
 * for small changes. */
void ci_mailfmt_diffstat(struct st_buf *b, const struct ci_mailfmt_stat *sl,
			 size_t n);

/* Append an mbox "From " separator line for addr at t (UTC, asctime). */
void ci_mailfmt_mbox_from(struct st_buf *b, const char *addr, int64_t t);

#endif
