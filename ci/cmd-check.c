/*
 * cmd-check.c: `steward check list|run|history|badge`. It lives in ci/,
 * above every component, because the kinds of release/ (release rules,
 * advisory coverage) join the built-in ones here.
 */
#include "commands.h"

#include "checks/check.h"
#include "checks/svgbadge.h"
#include "release/checkkinds.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: steward check list [--json] [--kinds]\n"
	"       steward check run [--json] [--no-store] [--export FILE] "
	"[NAME...]\n"
	"       steward check history [--json] [-n COUNT] NAME\n"
	"       steward check badge (NAME | --all) -o FILE\n"
	"\n"
	"Run the checks configured as [check \"NAME\"] sections (kind = "
	"https,\n"
	"build, badge or branch-lag) and keep their results with history.\n"
	"`run` runs every configured check when no NAME is given and exits 1\n"
	"when a check fails or cannot run. `badge` writes an SVG badge of the\n"
	"latest result of NAME, or of all checks with --all.\n"
	"\n"
	"  --json        print JSON (Scorecard-shaped results)\n"
	"  --kinds       list the kinds of check instead\n"
	"  --no-store    do not record the results\n"
	"  --export FILE run: where the one check named writes its export\n"
	"                (badge: the .bestpractices.json criteria)\n"
	"  -n COUNT      history: at most COUNT runs (default 20)\n"
	"  -o FILE       badge: write the SVG to FILE\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

struct check_opts {
	bool json;
	bool kinds;
	bool no_store;
	bool all;
	int64_t count;
	const char *export_path;
	const char *output;
};

static int parse(int argc, char **argv, struct st_ctx *ctx,
		 struct check_opts *o)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"export", required_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		{"kinds", no_argument, NULL, 'k'},
		{"no-store", no_argument, NULL, 'S'},
		{"output", required_argument, NULL, 'o'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	/* Leaf commands take options after their arguments too: no '+'. */
	const char *leaf_short = (ST_COMMON_SHORT_OPTIONS "n:o:") + 1;
	int c;

	memset(o, 0, sizeof(*o));
	o->count = 20;
	st_opt_reset();
	while ((c = getopt_long(argc, argv, leaf_short, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return st_opt_help(usage) + 1;
		case 'a':
			o->all = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'k':
			o->kinds = true;
			break;
		case 'S':
			o->no_store = true;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'e':
			o->export_path = optarg;
			break;
		case 'n':
			if (st_parse_int64(&o->count, optarg, 1, 100000, "-n",
					   &ctx->err) < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
		}
	}
	return 0;
}

static int add_name(const char *name, void *data)
{
	json_array_append_new(data, st_json_str(name));
	return 0;
}

/* Add each listed check's latest stored run as "last", when the store
 * exists (listing never creates it). */
static void add_latest(json_t *list, struct st_ctx *ctx)
{
	struct st_store *store = st_ctx_store(ctx, true);
	size_t i;
	json_t *e;

	if (!store) {
		st_error_clear(&ctx->err);
		return;
	}
	json_array_foreach(list, i, e)
	{
		json_t *h = NULL, *r;

		if (chk_store_history(
			    &h, store,
			    json_string_value(json_object_get(e, "name")), 1,
			    NULL) < 0)
			continue;
		r = json_array_get(h, 0);
		json_object_set_new(
			e, "last",
			json_pack("{s:O,s:O,s:O}", "status",
				  json_object_get(r, "status"), "score",
				  json_object_get(r, "score"), "started",
				  json_object_get(r, "started")));
		json_decref(h);
	}
}

static int check_list(int argc, char **argv, struct st_ctx *ctx)
{
	struct check_opts o;
	json_t *out = json_array(), *names = json_array(), *n;
	size_t i;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		goto out;
	if (optind < argc) {
		rc = st_ctx_usage_error(ctx, usage, "unexpected argument '%s'",
					argv[optind]);
		goto out;
	}
	if (o.kinds) {
		const struct chk_kind_set *x = rel_check_kinds();
		size_t nk, nall;
		const struct chk_kind *k = chk_kinds(&nk);

		nall = nk + x->n;
		for (i = 0; i < nall; i++) {
			const struct chk_kind *ki =
				i < nk ? &k[i] : &x->v[i - nk];
			json_t *e = json_object();

			st_json_set_str(e, "kind", ki->name);
			st_json_set_str(e, "summary", ki->summary);
			st_json_set_str(e, "documentation", ki->documentation);
			json_array_append_new(out, e);
		}
	} else {
		chk_foreach_name(ctx->config, add_name, names);
		json_array_foreach(names, i, n)
		{
			struct chk_check *c = NULL;
			struct st_error err = ST_ERROR_INIT;
			json_t *e = json_object();

			st_json_set_str(e, "name", json_string_value(n));
			if (chk_check_load_in(&c, ctx->config,
					      rel_check_kinds(),
					      json_string_value(n), &err) < 0) {
				st_json_set_str(e, "kind", NULL);
				st_json_set_str(e, "error", err.msg);
			} else {
				st_json_set_str(e, "kind", c->kind->name);
			}
			chk_check_free(c);
			json_array_append_new(out, e);
		}
		add_latest(out, ctx);
	}
	if (o.json) {
		st_json_print(stdout, out, 1);
		goto out;
	}
	json_array_foreach(out, i, n)
	{
		const char *a = json_string_value(
			json_object_get(n, o.kinds ? "kind" : "name"));
		const char *b = json_string_value(
			json_object_get(n, o.kinds ? "summary" : "kind"));
		const char *e = json_string_value(json_object_get(n, "error"));

		json_t *last = json_object_get(n, "last");

		if (e)
			printf("%-20s %s\n", a, e);
		else if (last)
			printf("%-20s %-10s %s %d/10 %s\n", a, b,
			       json_string_value(
				       json_object_get(last, "status")),
			       (int)json_integer_value(
				       json_object_get(last, "score")),
			       json_string_value(
				       json_object_get(last, "started")));
		else
			printf("%-20s %s\n", a, b);
	}
out:
	json_decref(names);
	json_decref(out);
	return rc > 0 ? 0 : rc;
}

static void print_result(const struct chk_check *c, const struct chk_result *r)
{
	size_t i;
	json_t *d;

	printf("%s: %s %d/10: %s\n", c->name, chk_status_name(r->status),
	       r->score < 0 ? 0 : r->score, r->reason);
	json_array_foreach(r->details, i, d)
	{
		const char *text =
			json_string_value(json_object_get(d, "text"));

		if (json_is_string(d))
			printf("  %s\n", json_string_value(d));
		else if (text)
			printf("  %s: %s\n",
			       json_string_value(
				       json_object_get(d, "severity")),
			       text);
	}
}

static int check_run(int argc, char **argv, struct st_ctx *ctx)
{
	struct check_opts o;
	struct st_store *store = NULL;
	json_t *names = json_array(), *out = json_array(), *n;
	bool failed = false;
	size_t i;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0) {
		rc = rc > 0 ? 0 : rc;
		goto out;
	}
	for (int a = optind; a < argc; a++)
		json_array_append_new(names, st_json_str(argv[a]));
	if (optind == argc)
		chk_foreach_name(ctx->config, add_name, names);
	if (json_array_size(names) == 0) {
		rc = st_error_set(&ctx->err, ST_ENOTFOUND,
				  "no check configured");
		goto out;
	}
	if (o.export_path && argc - optind != 1) {
		rc = st_ctx_usage_error(
			ctx, usage, "--export needs exactly one check name");
		goto out;
	}
	/* Load every check first: a typo fails before anything runs. */
	json_array_foreach(names, i, n)
	{
		struct chk_check *c = NULL;

		rc = chk_check_load_in(&c, ctx->config, rel_check_kinds(),
				       json_string_value(n), &ctx->err);
		chk_check_free(c);
		if (rc < 0)
			goto out;
	}
	if (!o.no_store) {
		store = st_ctx_store(ctx, false);
		if (!store) {
			rc = ctx->err.code ? ctx->err.code : ST_ERROR;
			goto out;
		}
	}
	json_array_foreach(names, i, n)
	{
		struct chk_check *c = NULL;
		struct chk_result r;

		chk_check_load_in(&c, ctx->config, rel_check_kinds(),
				  json_string_value(n), NULL);
		c->export_path = o.export_path;
		chk_run(&r, c);
		if (r.status == CHK_FAIL || r.status == CHK_ERROR)
			failed = true;
		if (store)
			rc = chk_store_save(store, c, &r, NULL, &ctx->err);
		if (o.json)
			json_array_append_new(out, chk_result_json(c, &r));
		else
			print_result(c, &r);
		chk_result_release(&r);
		chk_check_free(c);
		if (rc < 0)
			goto out;
	}
	if (o.json)
		st_json_print(stdout, out, 1);
	rc = failed ? 1 : 0;
out:
	json_decref(names);
	json_decref(out);
	return rc;
}

static int check_history(int argc, char **argv, struct st_ctx *ctx)
{
	struct check_opts o;
	struct st_store *store;
	json_t *h = NULL, *e;
	size_t i;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage,
					  "history takes one check name");
	store = st_ctx_store(ctx, true);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	rc = chk_store_history(&h, store, argv[optind], (int)o.count,
			       &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json) {
		st_json_print(stdout, h, 1);
	} else {
		json_array_foreach(h, i, e)
		{
			printf("%s %-5s %2d/10 %6" JSON_INTEGER_FORMAT
			       "ms %s\n",
			       json_string_value(json_object_get(e, "started")),
			       json_string_value(json_object_get(e, "status")),
			       (int)json_integer_value(
				       json_object_get(e, "score")),
			       json_integer_value(
				       json_object_get(e, "duration_ms")),
			       json_string_value(json_object_get(e, "reason")));
		}
	}
	json_decref(h);
	return 0;
}

/* The latest status of check name, or ST_ENOTFOUND. */
static int latest(enum chk_status *st, int *score, struct st_store *store,
		  const char *name, struct st_error *err)
{
	json_t *h = NULL, *e;
	int rc;

	rc = chk_store_history(&h, store, name, 1, err);
	if (rc < 0)
		return rc;
	e = json_array_get(h, 0);
	rc = chk_status_parse(
		st, json_string_value(json_object_get(e, "status")), err);
	*score = (int)json_integer_value(json_object_get(e, "score"));
	json_decref(h);
	return rc;
}

static int write_file(const char *path, const struct st_buf *b,
		      struct st_error *err)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				    path, strerror(errno));
	if (fwrite(b->buf, 1, b->len, f) != b->len) {
		fclose(f);
		return st_error_set(err, ST_ERROR, "cannot write '%s'", path);
	}
	if (fclose(f) != 0)
		return st_error_set(err, ST_ERROR, "cannot write '%s': %s",
				    path, strerror(errno));
	return 0;
}

static int check_badge(int argc, char **argv, struct st_ctx *ctx)
{
	struct check_opts o;
	struct st_store *store;
	struct st_buf svg = ST_BUF_INIT, msg = ST_BUF_INIT;
	enum chk_status st = CHK_PASS;
	json_t *names = json_array(), *n;
	const char *label;
	int rc, score = 0;
	size_t i, passing = 0;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		goto out;
	if (!o.output || (o.all ? optind != argc : optind + 1 != argc)) {
		rc = st_ctx_usage_error(
			ctx, usage, "badge takes NAME or --all, and -o FILE");
		goto out;
	}
	store = st_ctx_store(ctx, true);
	if (!store) {
		rc = ctx->err.code ? ctx->err.code : ST_ERROR;
		goto out;
	}
	if (o.all) {
		label = "checks";
		chk_foreach_name(ctx->config, add_name, names);
		json_array_foreach(names, i, n)
		{
			enum chk_status s = CHK_ERROR;

			/* A check that never ran counts as an error. */
			latest(&s, &score, store, json_string_value(n), NULL);
			if (s == CHK_PASS)
				passing++;
			if (s > st)
				st = s;
		}
		if (json_array_size(names) == 0)
			st = CHK_ERROR;
		st_buf_addf(&msg, "%zu/%zu passing", passing,
			    json_array_size(names));
	} else {
		label = argv[optind];
		rc = latest(&st, &score, store, label, &ctx->err);
		if (rc < 0)
			goto out;
		st_buf_addf(&msg, "%s %d/10", chk_status_name(st),
			    score < 0 ? 0 : score);
	}
	rc = chk_svgbadge(&svg, label, msg.buf, chk_svgbadge_color(st),
			  &ctx->err);
	if (rc == 0)
		rc = write_file(o.output, &svg, &ctx->err);
out:
	json_decref(names);
	st_buf_release(&svg);
	st_buf_release(&msg);
	return rc > 0 ? 0 : rc;
}

/* Sorted by name. */
static const struct st_subcommand subcommands[] = {
	{"badge", check_badge},
	{"history", check_history},
	{"list", check_list},
	{"run", check_run},
};

int cmd_check(int argc, char **argv, struct st_ctx *ctx)
{
	return st_opt_dispatch(ctx, usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv);
}
