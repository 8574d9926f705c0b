/* mail.c: a plain-text message by SMTP with libcurl. */
#include "mail.h"

#include "common/buf.h"
#include "common/util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BODY_MAX (256 * 1024)

struct upload {
	const char *p;
	size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *data)
{
	struct upload *u = data;
	size_t len = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, len);
	u->p += len;
	u->left -= len;
	return len;
}

static bool header_ok(const char *s)
{
	return s && *s && !strpbrk(s, "\r\n");
}

static bool address_ok(const char *s)
{
	return header_ok(s) && strchr(s, '@') && !strpbrk(s, "<> \t,");
}

int ci_mail_send(const char *url, const char *from, const char *to,
		 const char *subject, const char *body, long timeout_s,
		 struct st_error *err)
{
	struct st_buf msg = ST_BUF_INIT, addr = ST_BUF_INIT;
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", date[64];
	struct upload up;
	struct tm tm;
	time_t now = st_time_now();
	CURL *h = NULL;
	CURLcode cc;
	int rc = 0;

	if (!address_ok(from) || !address_ok(to)) {
		rc = st_error_set(err, ST_EINVALID,
				  "mail addresses '%s' and '%s' must be plain "
				  "user@host",
				  from ? from : "", to ? to : "");
		goto out;
	}
	if (!header_ok(subject)) {
		rc = st_error_set(err, ST_EINVALID, "bad mail subject");
		goto out;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	st_buf_init(&msg, BODY_MAX + 4096);
	st_buf_addf(&msg,
		    "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
		    "Message-ID: <steward.%lld.%ld@steward.invalid>\r\n"
		    "MIME-Version: 1.0\r\n"
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: 8bit\r\n\r\n",
		    from, to, subject, date, (long long)now, (long)getpid());
	/* CRLF line ends; libcurl does the SMTP dot-stuffing. */
	for (const char *p = body; *p && msg.len < BODY_MAX; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			st_buf_addch(&msg, '\r');
		st_buf_addch(&msg, *p);
	}
	if (msg.len < 2 || strcmp(msg.buf + msg.len - 2, "\r\n") != 0)
		st_buf_addstr(&msg, "\r\n");
	h = curl_easy_init();
	if (!h) {
		rc = st_error_set(err, ST_ERROR, "cannot start libcurl");
		goto out;
	}
	st_buf_addf(&addr, "<%s>", to);
	rcpt = curl_slist_append(rcpt, addr.buf);
	st_buf_reset(&addr);
	st_buf_addf(&addr, "<%s>", from);
	up.p = msg.buf;
	up.left = msg.len;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, addr.buf);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s : 30L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK)
		rc = st_error_set(err, ST_ERROR,
				  "cannot mail '%s' via '%s': %s", to, url,
				  errbuf[0] ? errbuf : curl_easy_strerror(cc));
out:
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	st_buf_release(&msg);
	st_buf_release(&addr);
	return rc;
}
