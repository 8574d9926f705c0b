/* config.c: steward.conf through libgit2's config API. */
#include "config.h"

#include "buf.h"
#include "xalloc.h"

#include <errno.h>
#include <git2.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct st_config {
	git_config *cfg;
	char *path; /* NULL when no file was read */
	char *dir;
};

static int git_fail(struct st_error *err, int code, const char *what)
{
	const git_error *e = git_error_last();

	return st_error_set(err, code, "%s: %s", what,
			    e && e->message ? e->message : "unknown error");
}

int st_config_load(struct st_config **out, const char *path,
		   struct st_error *err)
{
	struct st_config *c = st_xcalloc(1, sizeof(*c));
	struct stat sb;
	int rc = 0;

	*out = NULL;
	if (!path && stat(ST_CONFIG_DEFAULT_PATH, &sb) == 0)
		path = ST_CONFIG_DEFAULT_PATH;
	if (path) {
		char *tmp;

		if (stat(path, &sb) < 0) {
			rc = st_error_set(err, ST_ENOTFOUND,
					  "cannot read config '%s': %s", path,
					  strerror(errno));
			goto out;
		}
		if (git_config_open_ondisk(&c->cfg, path) < 0) {
			rc = git_fail(err, ST_EINVALID, path);
			goto out;
		}
		c->path = st_xstrdup(path);
		tmp = st_xstrdup(path);
		c->dir = st_xstrdup(dirname(tmp));
		free(tmp);
	} else {
		if (git_config_new(&c->cfg) < 0) {
			rc = git_fail(err, ST_ERROR, "config");
			goto out;
		}
		c->dir = st_xstrdup(".");
	}
out:
	if (rc < 0) {
		st_config_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void st_config_free(struct st_config *c)
{
	if (!c)
		return;
	git_config_free(c->cfg);
	free(c->path);
	free(c->dir);
	free(c);
}

const char *st_config_path(const struct st_config *c)
{
	return c->path;
}

const char *st_config_dir(const struct st_config *c)
{
	return c->dir;
}

char *st_config_get_string(const struct st_config *c, const char *key,
			   const char *def)
{
	git_buf b = {0};
	char *s;

	if (git_config_get_string_buf(&b, c->cfg, key) < 0) {
		git_error_clear();
		return def ? st_xstrdup(def) : NULL;
	}
	s = st_xstrdup(b.ptr ? b.ptr : "");
	git_buf_dispose(&b);
	return s;
}

char *st_config_get_path(const struct st_config *c, const char *key,
			 const char *def)
{
	char *v = st_config_get_string(c, key, def);
	struct st_buf b = ST_BUF_INIT;

	if (!v || v[0] == '/' || strstr(v, "://") || !strcmp(c->dir, "."))
		return v;
	st_buf_addf(&b, "%s/%s", c->dir, v);
	free(v);
	return st_buf_detach(&b, NULL);
}

int st_config_get_int(const struct st_config *c, const char *key,
		      int64_t def, int64_t *out, struct st_error *err)
{
	git_config_entry *e = NULL;
	int64_t v;

	if (git_config_get_entry(&e, c->cfg, key) < 0 || !e) {
		git_error_clear();
		*out = def;
		return 0;
	}
	git_config_entry_free(e);
	if (git_config_get_int64(&v, c->cfg, key) < 0)
		return git_fail(err, ST_EINVALID, key);
	*out = v;
	return 0;
}

int st_config_get_bool(const struct st_config *c, const char *key, bool def,
		       bool *out, struct st_error *err)
{
	git_config_entry *e = NULL;
	int v;

	if (git_config_get_entry(&e, c->cfg, key) < 0 || !e) {
		git_error_clear();
		*out = def;
		return 0;
	}
	git_config_entry_free(e);
	if (git_config_get_bool(&v, c->cfg, key) < 0)
		return git_fail(err, ST_EINVALID, key);
	*out = v != 0;
	return 0;
}

struct multivar_ctx {
	st_config_value_fn fn;
	void *data;
	int ret;
};

static int multivar_cb(const git_config_entry *e, void *payload)
{
	struct multivar_ctx *m = payload;

	m->ret = m->fn(e->value ? e->value : "", m->data);
	return m->ret ? 1 : 0;
}

int st_config_get_all(const struct st_config *c, const char *key,
		      st_config_value_fn fn, void *data)
{
	struct multivar_ctx m = {fn, data, 0};

	if (git_config_get_multivar_foreach(c->cfg, key, NULL, multivar_cb,
					    &m) < 0)
		git_error_clear();
	return m.ret;
}

int st_config_foreach_subsection(const struct st_config *c,
				 const char *section, st_config_section_fn fn,
				 void *data)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t plen = strlen(section);
	char **seen = NULL;
	size_t nseen = 0;
	int ret = 0;

	if (git_config_iterator_new(&it, c->cfg) < 0) {
		git_error_clear();
		return 0;
	}
	while (ret == 0 && git_config_next(&e, it) == 0) {
		const char *name = e->name, *sub, *dot;
		size_t slen;
		bool dup = false;

		/* Section names are case-insensitive and come lower-cased;
		 * the subsection may itself contain dots ("release.4.20.x"),
		 * so it runs up to the last dot. */
		if (strncmp(name, section, plen) || name[plen] != '.')
			continue;
		sub = name + plen + 1;
		dot = strrchr(sub, '.');
		if (!dot || dot == sub)
			continue;
		slen = (size_t)(dot - sub);
		for (size_t i = 0; i < nseen && !dup; i++)
			dup = strlen(seen[i]) == slen &&
			      !memcmp(seen[i], sub, slen);
		if (dup)
			continue;
		seen = st_xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen] = st_xmemdupz(sub, slen);
		ret = fn(seen[nseen++], data);
	}
	git_error_clear();
	git_config_iterator_free(it);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return ret;
}

int st_config_set_string(struct st_config *c, const char *key,
			 const char *value, bool add, struct st_error *err)
{
	git_config *file = NULL;
	const char *path = c->path ? c->path : ST_CONFIG_DEFAULT_PATH;
	int rc = 0;

	if (git_config_open_ondisk(&file, path) < 0)
		return git_fail(err, ST_ERROR, path);
	/* "^$" matches no existing value, so multivar adds a new line. */
	if ((add ? git_config_set_multivar(file, key, "^$", value)
		 : git_config_set_string(file, key, value)) < 0) {
		rc = git_fail(err, ST_ERROR, path);
		goto out;
	}
	/* Keep the in-memory view in step with the file. */
	git_config_free(c->cfg);
	c->cfg = NULL;
	if (git_config_open_ondisk(&c->cfg, path) < 0) {
		rc = git_fail(err, ST_ERROR, path);
		goto out;
	}
	if (!c->path)
		c->path = st_xstrdup(path);
out:
	git_config_free(file);
	return rc;
}
