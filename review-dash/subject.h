/*
 * subject.h: parsing mail subjects the way list developers write them:
 * "Re: [PATCH v3 02/10] xen/arm: fix foo", "[RFC PATCH for-4.19 0 of 5]",
 * "[XEN PATCH RESEND]", "[GIT PULL] ...". Pure text in, fields out.
 */
#ifndef STEWARD_REVIEW_SUBJECT_H
#define STEWARD_REVIEW_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

struct rd_subject {
	char *name;      /* subject with Re:/Fwd: and bracket groups removed */
	char *norm_name; /* name lower-cased, white space folded: for matching */
	char **prefixes; /* every tag of every bracket group except the
			    version and n/N, in order: "PATCH", "RFC", "XEN",
			    "for-4.19" ... */
	size_t nprefixes;
	int version;  /* vN, 1 when absent */
	int number;   /* n of n/N, 0 when not numbered */
	int total;    /* N of n/N, 0 when not numbered */
	bool is_reply;   /* Re:/Aw:/Sv: ... at the start */
	bool is_forward; /* Fwd:/Fw: */
	bool is_patch;   /* a PATCH tag (or RFC alone) was present */
	bool is_rfc;
	bool is_resend;
	bool is_pull;    /* [GIT PULL] / [PULL] */
};

/* Parse subject s (UTF-8, any length) into out. Never fails on bad
 * input; out must be released with rd_subject_release. */
void rd_subject_parse(struct rd_subject *out, const char *s, size_t len);
void rd_subject_release(struct rd_subject *s);

/* Normalise a subject for matching: lower case, runs of white space to one
 * space, trimmed. Caller frees. */
char *rd_subject_normalise(const char *s);

#endif
