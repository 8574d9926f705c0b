/* cmd-series.c: `steward series list|show`, series as ingest built them. */
#include "commands.h"

#include "common/json.h"
#include "common/util.h"
#include "review-dash/series.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: steward series list [--list NAME] [--limit N] [--json]\n"
	"       steward series show ID [--json]\n"
	"\n"
	"List series newest first, or show one: version, patches received of\n"
	"total, cover letter, each patch with its state and trailers (those\n"
	"given to the cover letter count for every patch), and the series it\n"
	"supersedes and the one superseding it.\n";

static void print_series_line(json_t *o)
{
	const char *sub = json_string_value(json_object_get(o, "submitter"));
	json_t *sup = json_object_get(o, "superseded_by");

	printf("%6lld v%-2lld %3lld/%-3lld %-10s %s <%s>%s\n",
	       (long long)json_integer_value(json_object_get(o, "id")),
	       (long long)json_integer_value(json_object_get(o, "version")),
	       (long long)json_integer_value(json_object_get(o, "received")),
	       (long long)json_integer_value(json_object_get(o, "total")),
	       json_string_value(json_object_get(o, "state")),
	       json_string_value(json_object_get(o, "name")), sub ? sub : "",
	       json_is_integer(sup) ? " (superseded)" : "");
}

static void print_series_detail(json_t *o)
{
	json_t *patches = json_object_get(o, "patches"), *p, *v;
	size_t i, k;

	print_series_line(o);
	v = json_object_get(o, "cover");
	printf("cover: %s\n", json_is_string(v) ? json_string_value(v) : "-");
	v = json_object_get(o, "supersedes");
	if (json_is_integer(v))
		printf("supersedes: %lld\n", (long long)json_integer_value(v));
	v = json_object_get(o, "superseded_by");
	if (json_is_integer(v))
		printf("superseded by: %lld\n",
		       (long long)json_integer_value(v));
	json_array_foreach(patches, i, p)
	{
		json_t *t;

		printf("  [%lld] %-12s %s <%s>\n",
		       (long long)json_integer_value(
			       json_object_get(p, "number")),
		       json_string_value(json_object_get(p, "state")),
		       json_string_value(json_object_get(p, "name")),
		       json_string_value(json_object_get(p, "message_id")));
		json_array_foreach(json_object_get(p, "trailers"), k, t)
		{
			printf("      %s: %s\n",
			       json_string_value(json_object_get(t, "kind")),
			       json_string_value(json_object_get(t, "value")));
		}
	}
}

int cmd_series(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"list", required_argument, NULL, 'l'},
		{"limit", required_argument, NULL, 'n'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *list = NULL, *sub;
	int64_t limit = 0, id = 0;
	bool json = false;
	struct st_store *s;
	json_t *out = NULL;
	int c, rc;

	if (argc < 2)
		return st_ctx_usage_error(ctx, usage, "which: list or show?");
	sub = argv[1];
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help"))
		return st_opt_help(usage);
	if (strcmp(sub, "list") && strcmp(sub, "show"))
		return st_ctx_usage_error(ctx, usage, "unknown subcommand '%s'",
					  sub);
	argc--;
	argv++;
	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS_ANY_ORDER "l:n:j",
				opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return st_opt_help(usage);
		case 'l':
			list = optarg;
			break;
		case 'n':
			if (st_parse_int64(&limit, optarg, 1, INT64_MAX,
					   "--limit", &ctx->err) < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			break;
		case 'j':
			json = true;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
		}
	}
	if (!strcmp(sub, "show")) {
		if (optind + 1 != argc)
			return st_ctx_usage_error(ctx, usage,
						  "show needs one series ID");
		if (st_parse_int64(&id, argv[optind], 1, INT64_MAX, "ID",
				   &ctx->err) < 0)
			return st_ctx_usage_error(ctx, usage, "%s",
						  ctx->err.msg);
	} else if (optind < argc) {
		return st_ctx_usage_error(ctx, usage, "unexpected argument '%s'",
					  argv[optind]);
	}
	s = st_ctx_store(ctx, true);
	if (!s)
		return ctx->err.code;
	rc = id ? rd_series_show(s, id, &out, &ctx->err)
		: rd_series_list(s, list, limit, &out, &ctx->err);
	if (rc < 0)
		return rc;
	if (json) {
		st_json_print(stdout, out, 1);
	} else if (id) {
		print_series_detail(out);
	} else {
		size_t i;
		json_t *o;

		json_array_foreach(out, i, o) print_series_line(o);
	}
	json_decref(out);
	return 0;
}
