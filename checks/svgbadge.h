/*
 * svgbadge.h: a flat two-part SVG badge in the manner of shields.io
 * ("label | message"), for a check's or the project's latest status. All
 * text is XML-escaped; no script, no external reference.
 */
#ifndef STEWARD_CHECKS_SVGBADGE_H
#define STEWARD_CHECKS_SVGBADGE_H

#include "check.h"

#include "common/buf.h"

/* The colour of a status: green, yellow, red, grey. */
const char *chk_svgbadge_color(enum chk_status s);

/*
 * Append the SVG of a badge to out. label and message are any text (cut
 * at 64 characters); color is a "#rrggbb" value. Returns 0, ST_EINVALID
 * for a malformed colour, or ST_ETOOBIG.
 */
int chk_svgbadge(struct st_buf *out, const char *label, const char *message,
		 const char *color, struct st_error *err);

#endif
