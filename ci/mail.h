/*
 * mail.h: sending a plain-text report by SMTP through libcurl, for
 * failed scheduled jobs. Header values come from the configuration and
 * are refused when they hold a line break (header injection).
 */
#ifndef STEWARD_CI_MAIL_H
#define STEWARD_CI_MAIL_H

#include "common/error.h"

/*
 * Send a message from `from` to `to` with subject and body (UTF-8, LF
 * line ends; converted to CRLF here) through the SMTP server at url
 * ("smtp://host:port" or "smtps://..."), waiting at most timeout_s.
 * Returns 0, ST_EINVALID for an unusable address or subject, or
 * ST_ERROR with the server's or libcurl's reason.
 */
int ci_mail_send(const char *url, const char *from, const char *to,
		 const char *subject, const char *body, long timeout_s,
		 struct st_error *err);

#endif
