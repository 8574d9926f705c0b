/* html.c: context-specific escaping for HTML text, attributes and URLs. */
#include "html.h"

#include "error.h"
#include "util.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (of at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range points are invalid. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int st_html_text_n(struct st_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		unsigned char c = p[i];
		size_t n;

		switch (c) {
		case '&':
			rc = st_buf_addstr(out, "&amp;");
			break;
		case '<':
			rc = st_buf_addstr(out, "&lt;");
			break;
		case '>':
			rc = st_buf_addstr(out, "&gt;");
			break;
		case '"':
			rc = st_buf_addstr(out, "&quot;");
			break;
		case '\'':
			rc = st_buf_addstr(out, "&#39;");
			break;
		case '\t':
		case '\n':
			rc = st_buf_addch(out, c);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				rc = st_buf_addstr(out, "\xef\xbf\xbd");
				break;
			}
			n = utf8_len(p + i, len - i);
			if (!n) {
				rc = st_buf_addstr(out, "\xef\xbf\xbd");
				break;
			}
			rc = st_buf_add(out, p + i, n);
			i += n;
			continue;
		}
		i++;
	}
	return rc;
}

int st_html_text(struct st_buf *out, const char *s)
{
	return st_html_text_n(out, s, strlen(s));
}

int st_html_attr(struct st_buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	size_t i = 0;
	int rc = 0;

	while (i < len && rc == 0) {
		size_t n;

		if (isalnum(p[i])) {
			rc = st_buf_addch(out, p[i]);
			i++;
			continue;
		}
		if (p[i] >= 0x80 && (n = utf8_len(p + i, len - i)) > 0) {
			rc = st_buf_add(out, p + i, n);
			i += n;
			continue;
		}
		if (p[i] < 0x20 || p[i] >= 0x7f)
			rc = st_buf_addstr(out, "&#xFFFD;");
		else
			rc = st_buf_addf(out, "&#x%02X;", p[i]);
		i++;
	}
	return rc;
}

int st_url_escape(struct st_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p && !rc;
	     p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			rc = st_buf_addch(out, *p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};

			rc = st_buf_add(out, e, 3);
		}
	}
	return rc;
}

static bool href_is_safe(const char *url)
{
	const char *colon = strchr(url, ':');
	const char *slash = strchr(url, '/');

	for (const char *p = url; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	/* No scheme at all (or a colon only after a slash): relative. */
	if (!colon || (slash && slash < colon))
		return true;
	return st_strncasecmp(url, "http:", 5) == 0 ||
	       st_strncasecmp(url, "https:", 6) == 0 ||
	       st_strncasecmp(url, "mailto:", 7) == 0;
}

int st_html_href(struct st_buf *out, const char *url)
{
	if (!href_is_safe(url))
		return st_buf_addch(out, '#');
	return st_html_attr(out, url);
}
