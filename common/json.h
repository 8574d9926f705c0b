/*
 * json.h: the small glue between jansson and Steward's output. JSON is
 * always built with jansson, never by hand.
 */
#ifndef STEWARD_COMMON_JSON_H
#define STEWARD_COMMON_JSON_H

#include "error.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* Print v to f as one compact line followed by a newline (JSON Lines), or
 * indented when pretty. Returns 0 or ST_ERROR. Does not take v. */
int st_json_print(FILE *f, const json_t *v, int pretty);

/* A new JSON string from s, or null when s is NULL. Invalid UTF-8 is
 * replaced, so hostile mail never makes output fail. Caller owns. */
json_t *st_json_str(const char *s);

/* Set key of obj to a string (or null), stealing nothing the caller keeps.
 */
void st_json_set_str(json_t *obj, const char *key, const char *s);
void st_json_set_int(json_t *obj, const char *key, int64_t v);

#endif
