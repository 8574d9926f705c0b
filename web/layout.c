/*
 * layout.c: the default page layout, the template filler and the
 * stylesheet. Every value that is not our own HTML goes through
 * st_html_text or st_html_href.
 */
#include "layout.h"

#include "common/html.h"

#include <string.h>

static const char stylesheet[] =
	":root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--mute:#666;"
	"--acc:#0b57d0;--line:#ddd}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#151515;"
	"--mute:#aaa;--acc:#8ab4f8;--line:#333}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;font:16px/1.55 sans-serif;color:var(--fg);"
	"background:var(--bg)}\n"
	"header,main,footer{max-width:52rem;margin:0 auto;padding:0 1rem}\n"
	"header{border-bottom:1px solid var(--line)}\n"
	"nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;"
	"padding:0;margin:.8rem 0}\n"
	"nav a{font-weight:600}\n"
	"a{color:var(--acc)}\n"
	"pre,code{font-family:ui-monospace,monospace;font-size:.92em}\n"
	"pre{overflow-x:auto;padding:.6rem;border:1px solid var(--line)}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{text-align:left;padding:.3rem .5rem;"
	"border-bottom:1px solid var(--line)}\n"
	".date,footer{color:var(--mute)}\n"
	"footer{border-top:1px solid var(--line);margin-top:2rem;"
	"padding:1rem}\n"
	".badge{display:inline-block;padding:0 .45rem;border-radius:.3rem;"
	"font-size:.85em;color:#fff;background:#777}\n"
	".badge.pass{background:#1e7e34}.badge.fail{background:#c62828}\n"
	".badge.warn{background:#b26a00}\n";

const char *web_layout_stylesheet(void)
{
	return stylesheet;
}

int web_layout_nav(struct st_buf *out, const struct web_nav_item *nav, size_t n)
{
	int rc = st_buf_addstr(out, "<ul>");

	for (size_t i = 0; i < n && !rc; i++) {
		rc = st_buf_addstr(out, "<li><a href=\"");
		if (!rc)
			rc = st_html_href(out, nav[i].href);
		if (!rc)
			rc = st_buf_addstr(out, "\">");
		if (!rc)
			rc = st_html_text(out, nav[i].label);
		if (!rc)
			rc = st_buf_addstr(out, "</a></li>");
	}
	if (!rc)
		rc = st_buf_addstr(out, "</ul>");
	return rc;
}

static int add_date(struct st_buf *out, const char *date)
{
	int rc;

	if (!date)
		return 0;
	rc = st_buf_addstr(out, "<p class=\"date\"><time datetime=\"");
	if (!rc)
		rc = st_html_attr(out, date);
	if (!rc)
		rc = st_buf_addstr(out, "\">");
	if (!rc)
		rc = st_html_text(out, date);
	if (!rc)
		rc = st_buf_addstr(out, "</time></p>\n");
	return rc;
}

static int render_default(struct st_buf *out, const struct web_layout_vars *v,
			  const char *site, const char *title)
{
	int rc = st_buf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n"
				    "<head>\n<meta charset=\"utf-8\">\n"
				    "<meta name=\"viewport\" content=\""
				    "width=device-width,initial-scale=1\">\n"
				    "<title>");

	if (!rc)
		rc = st_html_text(out, title);
	if (!rc && strcmp(title, site)) {
		rc = st_buf_addstr(out, " - ");
		if (!rc)
			rc = st_html_text(out, site);
	}
	if (!rc)
		rc = st_buf_addstr(out, "</title>\n<link rel=\"stylesheet\" "
					"href=\"/style.css\">\n");
	if (!rc && v->head)
		rc = st_buf_addstr(out, v->head);
	if (!rc)
		rc = st_buf_addstr(out, "</head>\n<body>\n<header><nav "
					"aria-label=\"site\">");
	if (!rc)
		rc = web_layout_nav(out, v->nav, v->nav_len);
	if (!rc)
		rc = st_buf_addstr(out, "</nav></header>\n<main>\n<h1>");
	if (!rc)
		rc = st_html_text(out, title);
	if (!rc)
		rc = st_buf_addstr(out, "</h1>\n");
	if (!rc)
		rc = add_date(out, v->date);
	if (!rc)
		rc = st_buf_add(out, v->content, v->content_len);
	if (!rc)
		rc = st_buf_addstr(out, "</main>\n<footer>");
	if (!rc)
		rc = st_html_text(out, site);
	if (!rc)
		rc = st_buf_addstr(out, "</footer>\n</body>\n</html>\n");
	return rc;
}

/* Fill tmpl's placeholders. */
static int render_template(struct st_buf *out, const char *tmpl,
			   const struct web_layout_vars *v, const char *site,
			   const char *title)
{
	const char *p = tmpl;
	int rc = 0;

	while (!rc && *p) {
		const char *open = strstr(p, "{{");
		const char *close;
		size_t n;

		if (!open)
			return st_buf_addstr(out, p);
		rc = st_buf_add(out, p, (size_t)(open - p));
		close = rc ? NULL : strstr(open + 2, "}}");
		if (rc || !close) {
			if (!rc)
				rc = st_buf_addstr(out, open);
			break;
		}
		n = (size_t)(close - open - 2);
		if (n == 5 && !memcmp(open + 2, "title", 5))
			rc = st_html_text(out, title);
		else if (n == 4 && !memcmp(open + 2, "date", 4))
			rc = v->date ? st_html_text(out, v->date) : 0;
		else if (n == 4 && !memcmp(open + 2, "site", 4))
			rc = st_html_text(out, site);
		else if (n == 3 && !memcmp(open + 2, "nav", 3))
			rc = web_layout_nav(out, v->nav, v->nav_len);
		else if (n == 7 && !memcmp(open + 2, "content", 7))
			rc = st_buf_add(out, v->content, v->content_len);
		else
			rc = st_buf_add(out, open, n + 4);
		p = close + 2;
	}
	return rc;
}

int web_layout_render(struct st_buf *out, const char *tmpl,
		      const struct web_layout_vars *v, struct st_error *err)
{
	const char *site = v->site ? v->site : "Steward";
	const char *title = v->title ? v->title : "Untitled";
	int rc;

	if (tmpl)
		rc = render_template(out, tmpl, v, site, title);
	else
		rc = render_default(out, v, site, title);
	if (rc < 0)
		st_error_set(err, rc, "page '%s' is too big", title);
	return rc;
}
