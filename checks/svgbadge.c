/* svgbadge.c: shields-like flat SVG badges. */
#include "svgbadge.h"

#include "common/html.h"

#include <ctype.h>
#include <string.h>

#define MAX_TEXT 64

const char *chk_svgbadge_color(enum chk_status s)
{
	switch (s) {
	case CHK_PASS:
		return "#4c1";
	case CHK_WARN:
		return "#dfb317";
	case CHK_FAIL:
		return "#e05d44";
	default:
		return "#9f9f9f";
	}
}

/* Width of text in Verdana 11px, roughly: 7px per character, counting
 * UTF-8 sequences as one character. */
static int text_width(const char *s, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n * 7;
}

static bool color_ok(const char *c)
{
	size_t n = strlen(c);

	if (c[0] != '#' || (n != 4 && n != 7))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isxdigit((unsigned char)c[i]))
			return false;
	return true;
}

/* The text cut at MAX_TEXT bytes on a character boundary. */
static size_t cut(const char *s)
{
	size_t n = strlen(s);

	if (n <= MAX_TEXT)
		return n;
	n = MAX_TEXT;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

int chk_svgbadge(struct st_buf *out, const char *label, const char *message,
		 const char *color, struct st_error *err)
{
	size_t ln = cut(label), mn = cut(message);
	int lw = text_width(label, ln) + 10, mw = text_width(message, mn) + 10;
	int w = lw + mw, rc = 0;

	if (!color_ok(color))
		return st_error_set(err, ST_EINVALID, "bad badge colour '%s'",
				    color);
	rc |= st_buf_addf(out,
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			  "width=\"%d\" height=\"20\" role=\"img\" "
			  "aria-label=\"",
			  w);
	rc |= st_html_text_n(out, label, ln);
	rc |= st_buf_addstr(out, ": ");
	rc |= st_html_text_n(out, message, mn);
	rc |= st_buf_addstr(out, "\"><title>");
	rc |= st_html_text_n(out, label, ln);
	rc |= st_buf_addstr(out, ": ");
	rc |= st_html_text_n(out, message, mn);
	rc |= st_buf_addf(
		out,
		"</title>\n<linearGradient id=\"s\" x2=\"0\" "
		"y2=\"100%%\"><stop offset=\"0\" stop-color=\"#bbb\" "
		"stop-opacity=\".1\"/><stop offset=\"1\" "
		"stop-opacity=\".1\"/></linearGradient>\n"
		"<clipPath id=\"r\"><rect width=\"%d\" height=\"20\" "
		"rx=\"3\" fill=\"#fff\"/></clipPath>\n"
		"<g clip-path=\"url(#r)\"><rect width=\"%d\" "
		"height=\"20\" fill=\"#555\"/><rect x=\"%d\" "
		"width=\"%d\" height=\"20\" fill=\"%s\"/>"
		"<rect width=\"%d\" height=\"20\" "
		"fill=\"url(#s)\"/></g>\n"
		"<g fill=\"#fff\" text-anchor=\"middle\" "
		"font-family=\"Verdana,Geneva,DejaVu Sans,sans-serif\" "
		"font-size=\"11\">"
		"<text x=\"%d\" y=\"14\">",
		w, lw, lw, mw, color, w, lw / 2);
	rc |= st_html_text_n(out, label, ln);
	rc |= st_buf_addf(out, "</text><text x=\"%d\" y=\"14\">", lw + mw / 2);
	rc |= st_html_text_n(out, message, mn);
	rc |= st_buf_addstr(out, "</text></g>\n</svg>\n");
	if (rc)
		return st_error_set(err, ST_ETOOBIG, "badge too big");
	return 0;
}
