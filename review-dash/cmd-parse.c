/* cmd-parse.c: `steward parse`, parse mail without storing it. */
#include "commands.h"

#include "common/buf.h"
#include "common/json.h"
#include "review-dash/message.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: steward parse [--json] FILE...\n"
	"\n"
	"Parse each FILE (one message, or an mbox of many) the way ingest\n"
	"would, and print what was read, without storing anything.\n"
	"\n"
	"  --json        print one JSON object per message (JSON Lines)\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

static json_t *str_array(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, st_json_str(v[i]));
	return a;
}

static json_t *message_json(const struct rd_message *m, const char *file)
{
	json_t *o = json_object();
	json_t *tr = json_array();

	st_json_set_str(o, "file", file);
	st_json_set_str(o, "message_id", m->message_id);
	json_object_set_new(o, "synthetic_id", json_boolean(m->synthetic_id));
	st_json_set_str(o, "subject", m->subject);
	st_json_set_str(o, "name", m->subj.name);
	json_object_set_new(o, "prefixes",
			    str_array(m->subj.prefixes, m->subj.nprefixes));
	st_json_set_int(o, "version", m->subj.version);
	st_json_set_int(o, "number", m->subj.number);
	st_json_set_int(o, "total", m->subj.total);
	json_object_set_new(o, "is_reply", json_boolean(m->subj.is_reply));
	json_object_set_new(o, "is_rfc", json_boolean(m->subj.is_rfc));
	json_object_set_new(o, "is_resend", json_boolean(m->subj.is_resend));
	st_json_set_str(o, "kind", rd_kind_name(m->kind));
	st_json_set_str(o, "from_name", m->from_name);
	st_json_set_str(o, "from_email", m->from_email);
	st_json_set_int(o, "date", m->date);
	st_json_set_str(o, "in_reply_to", m->in_reply_to);
	json_object_set_new(o, "references",
			    str_array(m->references, m->nreferences));
	st_json_set_str(o, "pull_url", m->pull_url);
	st_json_set_str(o, "pull_branch", m->pull_branch);
	st_json_set_str(o, "body", m->body);
	st_json_set_str(o, "commit_msg", m->commit_msg);
	st_json_set_str(o, "diff", m->diff);
	st_json_set_str(o, "patch_id", m->patch_id[0] ? m->patch_id : NULL);
	for (size_t i = 0; i < m->trailers.n; i++) {
		const struct rd_trailer *t = &m->trailers.items[i];
		json_t *x = json_object();

		st_json_set_str(x, "kind", t->kind);
		st_json_set_str(x, "value", t->value);
		st_json_set_str(x, "name", t->name);
		st_json_set_str(x, "email", t->email);
		st_json_set_str(x, "area", t->area);
		json_array_append_new(tr, x);
	}
	json_object_set_new(o, "trailers", tr);
	json_object_set_new(o, "error", json_null());
	return o;
}

/* Parse one raw message and print it. Returns 0, or 1 when rejected. */
static int print_one(const char *raw, size_t len, const char *file, bool json)
{
	struct st_error err = ST_ERROR_INIT;
	struct rd_message *m = NULL;
	json_t *o;
	int rc = rd_message_parse(&m, raw, len, &err);

	if (rc < 0) {
		o = json_object();
		st_json_set_str(o, "file", file);
		st_json_set_str(o, "message_id", NULL);
		json_object_set_new(o, "error", st_json_str(err.msg));
	} else {
		o = message_json(m, file);
	}
	if (json) {
		st_json_print(stdout, o, 0);
	} else if (m) {
		printf("%-7s v%d %d/%d %s  <%s>  %zu trailer(s)\n",
		       rd_kind_name(m->kind), m->subj.version, m->subj.number,
		       m->subj.total, m->subj.name, m->message_id,
		       m->trailers.n);
	} else {
		printf("error   %s: %s\n", file, err.msg);
	}
	json_decref(o);
	rd_message_free(m);
	return rc < 0 ? 1 : 0;
}

/*
 * An mbox starts with a "From " line; messages split at each "From "
 * line after a blank line. Anything else is one message.
 */
static int parse_text(const char *text, size_t len, const char *file, bool json)
{
	size_t at = 0;
	int bad = 0;

	if (len < 5 || memcmp(text, "From ", 5))
		return print_one(text, len, file, json);
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t start = nl ? (size_t)(nl - text) + 1 : len, end = start;

		/* Find the next "\n\nFrom " (or "\n\r\nFrom "). */
		for (;;) {
			const char *p = memchr(text + end, '\n', len - end);

			if (!p) {
				end = len;
				break;
			}
			end = (size_t)(p - text) + 1;
			if (len - end >= 5 && !memcmp(text + end, "From ", 5) &&
			    end >= 2 &&
			    (text[end - 2] == '\n' ||
			     (end >= 3 && text[end - 2] == '\r' &&
			      text[end - 3] == '\n')))
				break;
		}
		bad |= print_one(text + start, end - start, file, json);
		at = end;
	}
	return bad;
}

static int read_file(struct st_buf *b, const char *path, struct st_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return st_error_set(err, ST_ENOTFOUND, "cannot read '%s': %s",
				    path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		rc = st_buf_add(b, chunk, n);
		if (rc < 0) {
			st_error_set(err, rc, "'%s' is too big", path);
			goto out;
		}
	}
	if (ferror(f))
		rc = st_error_set(err, ST_ERROR, "cannot read '%s': %s", path,
				  strerror(errno));
out:
	fclose(f);
	return rc;
}

int cmd_parse(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct st_buf b = ST_BUF_INIT;
	bool json = false;
	int c, rc = 0;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS "j", opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(usage);
		if (c == 'j')
			json = true;
		else if (!st_opt_is_common(c))
			return st_opt_error(ctx, usage, c, argv);
	}
	if (optind >= argc)
		return st_ctx_usage_error(ctx, usage, "no file to parse");
	/* mbox files can be big; cap what one file may hold. */
	st_buf_init(&b, (size_t)4 << 30);
	for (int i = optind; i < argc; i++) {
		st_buf_reset(&b);
		rc = read_file(&b, argv[i], &ctx->err);
		if (rc < 0)
			goto out;
		rc |= parse_text(b.buf, b.len, argv[i], json);
	}
out:
	st_buf_release(&b);
	return rc;
}
