/*
 * mailfmt.c: text formatting for generated mails (see mailfmt.h): header
 * values as mailers write them, dates, wrapping, diffstats.
 */
#include "mailfmt.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed",
				    "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Append tmpl with its one "%s" replaced by arg. */
void ci_mailfmt_template(struct st_buf *b, const char *tmpl, const char *arg)
{
	const char *hole = strstr(tmpl, "%s");

	if (!hole) {
		st_buf_addstr(b, tmpl);
		return;
	}
	st_buf_add(b, tmpl, (size_t)(hole - tmpl));
	st_buf_addstr(b, arg);
	st_buf_addstr(b, hole + 2);
}

/* Append text wrapped at 72 columns (words never split). */
void ci_mailfmt_wrap(struct st_buf *b, const char *text)
{
	size_t col = 0;
	const char *p = text;

	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t wl = sp ? (size_t)(sp - p) : strlen(p);

		if (col && col + 1 + wl > 72) {
			st_buf_addch(b, '\n');
			col = 0;
		} else if (col) {
			st_buf_addch(b, ' ');
			col++;
		}
		st_buf_add(b, p, wl);
		col += wl;
		p += wl;
		while (*p == ' ')
			p++;
	}
	st_buf_addch(b, '\n');
}

static void add_base64(struct st_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		st_buf_addch(b, tab[(v >> 18) & 63]);
		st_buf_addch(b, tab[(v >> 12) & 63]);
		st_buf_addch(b, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		st_buf_addch(b, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* One RFC 2047 encoded word for the n bytes at p. */
static void add_encoded_word(struct st_buf *b, const char *p, size_t n,
			     enum ci_mailfmt_enc enc)
{
	if (enc == CI_MAILFMT_B) {
		st_buf_addstr(b, "=?UTF-8?B?");
		add_base64(b, (const unsigned char *)p, n);
	} else {
		st_buf_addstr(b, "=?UTF-8?Q?");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];

			if (c == ' ')
				st_buf_addch(b, '_');
			else if ((c >= 'a' && c <= 'z') ||
				 (c >= 'A' && c <= 'Z') ||
				 (c >= '0' && c <= '9'))
				st_buf_addch(b, c);
			else
				st_buf_addf(b, "=%02X", c);
		}
	}
	st_buf_addstr(b, "?=");
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/*
 * "Name <email>" as a header writes it. Names with non-ASCII letters are
 * RFC 2047 encoded for people whose mailer does so, one encoded word per
 * name part (the space goes inside the word, RFC 2047 section 6.2), folded
 * when there are several.
 */
void ci_mailfmt_address(struct st_buf *b, const char *name, const char *email,
			enum ci_mailfmt_enc enc)
{
	const char *s = name;

	if (enc == CI_MAILFMT_RAW || is_ascii(s)) {
		if (strchr(s, '\''))
			st_buf_addf(b, "\"%s\" <%s>", s, email);
		else
			st_buf_addf(b, "%s <%s>", s, email);
		return;
	}
	while (*s) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) + 1 : strlen(s);

		add_encoded_word(b, s, n, enc);
		s += n;
		if (*s)
			st_buf_addstr(b, "\n ");
	}
	st_buf_addf(b, " <%s>", email);
}

void ci_mailfmt_date(struct st_buf *b, int64_t t, int tz)
{
	time_t lt = (time_t)(t + (int64_t)tz * 60);
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	gmtime_r(&lt, &tm);
	st_buf_addf(b, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
		    wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    tz < 0 ? '-' : '+', a / 60, a % 60);
}

/* Header "Subject: ..." folded before 78 columns, as git does. */
void ci_mailfmt_subject(struct st_buf *b, const char *subject)
{
	size_t col = 9;
	const char *p = subject;

	st_buf_addstr(b, "Subject:");
	while (*p) {
		const char *sp = strchr(p, ' ');
		size_t wl = sp ? (size_t)(sp - p) : strlen(p);

		if (col > 9 && col + 1 + wl > 77) {
			st_buf_addstr(b, "\n");
			col = 0;
		}
		st_buf_addch(b, ' ');
		st_buf_add(b, p, wl);
		col += wl + 1;
		p += wl;
		while (*p == ' ')
			p++;
	}
	st_buf_addch(b, '\n');
}

/* "<id>" references: space-separated, folded one per line. */
void ci_mailfmt_refs(struct st_buf *b, const char *const *ids, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (!ids[i] || !ids[i][0])
			continue;
		st_buf_addstr(b, first ? "References: " : "\n ");
		st_buf_addstr(b, ids[i]);
		first = false;
	}
	if (!first)
		st_buf_addch(b, '\n');
}

void ci_mailfmt_short_date(struct st_buf *b, int64_t t, int tz)
{
	time_t lt = (time_t)(t + (int64_t)tz * 60);
	struct tm tm;

	gmtime_r(&lt, &tm);
	st_buf_addf(b, "%02d/%02d/%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1,
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

void ci_mailfmt_git_date(struct st_buf *b, int64_t t, int tz)
{
	time_t lt = (time_t)(t + (int64_t)tz * 60);
	struct tm tm;
	int a = tz < 0 ? -tz : tz;

	gmtime_r(&lt, &tm);
	st_buf_addf(b, "%04d-%02d-%02d %02d:%02d:%02d %c%02d%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, tz < 0 ? '-' : '+', a / 60, a % 60);
}

void ci_mailfmt_diffstat(struct st_buf *b, const struct ci_mailfmt_stat *sl,
			 size_t n)
{
	size_t w = 0, add = 0, del = 0;

	for (size_t i = 0; i < n; i++)
		if (strlen(sl[i].path) > w)
			w = strlen(sl[i].path);
	for (size_t i = 0; i < n; i++) {
		st_buf_addf(b, " %-*s | %zu ", (int)w, sl[i].path,
			    sl[i].add + sl[i].del);
		for (size_t j = 0; j < sl[i].add; j++)
			st_buf_addch(b, '+');
		for (size_t j = 0; j < sl[i].del; j++)
			st_buf_addch(b, '-');
		st_buf_addch(b, '\n');
		add += sl[i].add;
		del += sl[i].del;
	}
	st_buf_addf(b, " %zu file%s changed", n, n == 1 ? "" : "s");
	if (add)
		st_buf_addf(b, ", %zu insertion%s(+)", add,
			    add == 1 ? "" : "s");
	if (del)
		st_buf_addf(b, ", %zu deletion%s(-)", del, del == 1 ? "" : "s");
	st_buf_addch(b, '\n');
}

void ci_mailfmt_mbox_from(struct st_buf *b, const char *addr, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	st_buf_addf(b, "From %s %s %s %2d %02d:%02d:%02d %d\n", addr,
		    wdays[tm.tm_wday], months[tm.tm_mon], tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}
