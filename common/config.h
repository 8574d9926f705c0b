/*
 * config.h: steward.conf, in git-config syntax, read through libgit2's
 * config API. Every lookup has a default, so Steward runs with no file at
 * all. Keys are "section.key" or "section.subsection.key", e.g.
 * "core.db" or "tree.xen.branch".
 */
#ifndef STEWARD_COMMON_CONFIG_H
#define STEWARD_COMMON_CONFIG_H

#include "error.h"

#include <stdbool.h>
#include <stdint.h>

struct st_config;

/* The file read when no --config is given, if it exists. */
#define ST_CONFIG_DEFAULT_PATH "steward.conf"

/*
 * Load path. With path NULL, load ST_CONFIG_DEFAULT_PATH when it exists
 * and an empty configuration otherwise. A named file that does not exist
 * is ST_ENOTFOUND; a syntax error is ST_EINVALID naming file and line.
 * Caller owns *out; free with st_config_free.
 */
int st_config_load(struct st_config **out, const char *path,
		   struct st_error *err);
void st_config_free(struct st_config *c);

/* The file this configuration came from (NULL when none), borrowed. */
const char *st_config_path(const struct st_config *c);

/* The directory relative paths in the file are resolved against: the
 * file's directory, or "." without a file. Borrowed. */
const char *st_config_dir(const struct st_config *c);

/* The value of key (last one wins), or def when unset. Caller frees the
 * result with free(); NULL only when def is NULL and key is unset. */
char *st_config_get_string(const struct st_config *c, const char *key,
			   const char *def);

/* Like get_string, with a relative path resolved against
 * st_config_dir. Caller frees. */
char *st_config_get_path(const struct st_config *c, const char *key,
			 const char *def);

/* Integer and boolean values; ST_EINVALID with a message when the value
 * is there but malformed. */
int st_config_get_int(const struct st_config *c, const char *key,
		      int64_t def, int64_t *out, struct st_error *err);
int st_config_get_bool(const struct st_config *c, const char *key, bool def,
		       bool *out, struct st_error *err);

/* Call fn for each value of a multi-valued key, in file order. A non-zero
 * return from fn stops the walk and is returned. */
typedef int (*st_config_value_fn)(const char *value, void *data);
int st_config_get_all(const struct st_config *c, const char *key,
		      st_config_value_fn fn, void *data);

/* Call fn once for each distinct subsection name of section, in file
 * order: for [list "a"] and [list "b"], fn("a") then fn("b"). */
typedef int (*st_config_section_fn)(const char *subsection, void *data);
int st_config_foreach_subsection(const struct st_config *c,
				 const char *section, st_config_section_fn fn,
				 void *data);

/*
 * Write key = value to the configuration's file (creating it when the
 * configuration had none: then at ST_CONFIG_DEFAULT_PATH). add appends a
 * value to a multi-valued key instead of replacing.
 */
int st_config_set_string(struct st_config *c, const char *key,
			 const char *value, bool add, struct st_error *err);

#endif
