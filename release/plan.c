/*
 * plan.c: release settings from steward.conf. See plan.h.
 */
#include "plan.h"

#include "common/util.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rel_version_parse(struct rel_version *out, const char *s,
		      struct st_error *err)
{
	int64_t parts[3] = {0, 0, 0};
	const char *p = s;
	int n = 0;

	memset(out, 0, sizeof(*out));
	for (;;) {
		char num[24];
		size_t len = strspn(p, "0123456789");

		if (len == 0 || len >= sizeof(num))
			goto bad;
		memcpy(num, p, len);
		num[len] = '\0';
		if (st_parse_int64(&parts[n++], num, 0, 999999, "version",
				   NULL) < 0)
			goto bad;
		p += len;
		if (*p == '\0')
			break;
		if (*p != '.' || n == 3)
			goto bad;
		p++;
	}
	if (n < 2)
		goto bad;
	out->major = parts[0];
	out->minor = parts[1];
	out->patch = parts[2];
	snprintf(out->text, sizeof(out->text), "%lld.%lld.%lld",
		 (long long)out->major, (long long)out->minor,
		 (long long)out->patch);
	snprintf(out->series, sizeof(out->series), "%lld.%lld",
		 (long long)out->major, (long long)out->minor);
	return 0;
bad:
	return st_error_set(err, ST_EINVALID,
			    "bad version '%s' (expected X.Y.Z)", s);
}

void rel_plan_expand(struct st_buf *out, const char *fmt,
		     const struct rel_version *v)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			st_buf_addch(out, *p);
			continue;
		}
		switch (*++p) {
		case 'V':
			st_buf_addstr(out, v->text);
			break;
		case 'S':
			st_buf_addstr(out, v->series);
			break;
		case 'X':
			st_buf_addf(out, "%lld", (long long)v->major);
			break;
		case 'Y':
			st_buf_addf(out, "%lld", (long long)v->minor);
			break;
		case 'Z':
			st_buf_addf(out, "%lld", (long long)v->patch);
			break;
		case 'N':
			st_buf_addf(out, "%lld", (long long)v->rc);
			break;
		case '%':
			st_buf_addch(out, '%');
			break;
		default:
			st_buf_addch(out, '%');
			st_buf_addch(out, *p);
		}
	}
}

void rel_plan_get(struct st_buf *out, const struct st_config *c,
		  const struct rel_version *v, const char *key, const char *def)
{
	struct st_buf k = ST_BUF_INIT;
	char *val;

	st_buf_addf(&k, "release.%s.%s", v->series, key);
	val = st_config_get_string(c, k.buf, def);
	if (val)
		rel_plan_expand(out, val, v);
	free(val);
	st_buf_release(&k);
}

char *rel_plan_project(const struct st_config *c)
{
	return st_config_get_string(c, "core.project", "Project");
}

void rel_plan_tag_name(struct st_buf *out, const struct st_config *c,
		       const struct rel_version *v)
{
	if (v->rc > 0)
		rel_plan_get(out, c, v, "rc-tag-format", "%V-rc%N");
	else
		rel_plan_get(out, c, v, "tag-format", "RELEASE-%V");
}

int rel_plan_open_repo(git_repository **out, const struct st_config *c,
		       const struct rel_version *v, const char *path,
		       struct st_error *err)
{
	struct st_buf key = ST_BUF_INIT;
	char *p = NULL, *tree = NULL;
	const git_error *e;
	int rc = 0;

	*out = NULL;
	if (path) {
		p = st_xstrdup(path);
	} else {
		st_buf_addf(&key, "release.%s.repo", v->series);
		p = st_config_get_path(c, key.buf, NULL);
		st_buf_reset(&key);
		st_buf_addf(&key, "release.%s.tree", v->series);
		tree = st_config_get_string(c, key.buf, NULL);
		if (!p && tree) {
			st_buf_reset(&key);
			st_buf_addf(&key, "tree.%s.path", tree);
			p = st_config_get_path(c, key.buf, NULL);
		}
		if (!p)
			p = st_xstrdup(".");
	}
	if (git_repository_open_ext(out, p, GIT_REPOSITORY_OPEN_NO_SEARCH,
				    NULL) < 0) {
		e = git_error_last();
		rc = st_error_set(err, ST_ENOTFOUND,
				  "cannot open repository '%s': %s", p,
				  e && e->message ? e->message : "not found");
	}
	free(tree);
	free(p);
	st_buf_release(&key);
	return rc;
}
