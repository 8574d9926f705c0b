/* cmd-trees.c: `steward trees add|list|sync|where`, git trees. */
#include "commands.h"

#include "common/buf.h"
#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/match.h"
#include "review-dash/tree.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: steward trees add NAME PATH-OR-URL [--branch B]...\n"
	"       steward trees list [--json]\n"
	"       steward trees match [--full] [--json]\n"
	"       steward trees sync [NAME] [--json]\n"
	"       steward trees where MSGID-OR-OID [--json]\n"
	"\n"
	"Index git trees and find where posted patches landed.\n"
	"\n"
	"  add      add [tree \"NAME\"] to the configuration; the first\n"
	"           --branch is the main one (default: the current branch)\n"
	"  list     the configured trees and their branches\n"
	"  match    match posted patches to indexed commits again (after\n"
	"           ingest; --full looks at every patch and commit)\n"
	"  sync     index new commits of one tree (default: all), then\n"
	"           match posted patches to commits\n"
	"  where    every branch that carries a patch or a commit, directly\n"
	"           or as a backport\n"
	"\n"
	"  --branch B    a branch to index (add; repeatable)\n"
	"  --full        match everything, not only what is new (match)\n"
	"  --json        print JSON\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

struct trees_opts {
	bool json;
	bool full;
	const char **branches;
	size_t nbranches;
};

/* Parse options after the subcommand; leaves optind at the operands. */
static int parse(int argc, char **argv, struct st_ctx *ctx,
		 struct trees_opts *o, bool branches)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"branch", required_argument, NULL, 'b'},
		{"full", no_argument, NULL, 'f'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int c;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ":vqhjfb:", opts, NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(usage) + 1;
		if (c == 'j') {
			o->json = true;
		} else if (c == 'f') {
			o->full = true;
		} else if (c == 'b' && branches) {
			o->branches =
				st_xreallocarray(o->branches, o->nbranches + 1,
						 sizeof(*o->branches));
			o->branches[o->nbranches++] = optarg;
		} else if (!st_opt_is_common(c)) {
			return st_opt_error(ctx, usage, c, argv);
		}
	}
	return 0;
}

static bool is_url(const char *s)
{
	return strstr(s, "://") || !strncmp(s, "git@", 4);
}

static int trees_add(int argc, char **argv, struct st_ctx *ctx)
{
	struct trees_opts o = {0};
	struct st_buf key = ST_BUF_INIT;
	const char *name, *where;
	int rc = parse(argc, argv, ctx, &o, true);

	if (rc)
		goto out;
	if (argc - optind != 2) {
		rc = st_ctx_usage_error(ctx, usage,
					"trees add needs NAME and PATH-OR-URL");
		goto out;
	}
	name = argv[optind];
	where = argv[optind + 1];
	if (!*name || strpbrk(name, "\"\\/\n ")) {
		rc = st_ctx_usage_error(ctx, usage, "bad tree name '%s'", name);
		goto out;
	}
	st_buf_addf(&key, "tree.%s.%s", name, is_url(where) ? "url" : "path");
	rc = st_config_set_string(ctx->config, key.buf, where, false,
				  &ctx->err);
	st_buf_reset(&key);
	st_buf_addf(&key, "tree.%s.branch", name);
	for (size_t i = 0; rc == 0 && i < o.nbranches; i++)
		rc = st_config_set_string(ctx->config, key.buf, o.branches[i],
					  true, &ctx->err);
	if (rc == 0)
		printf("added tree '%s'\n", name);
out:
	st_buf_release(&key);
	free(o.branches);
	return rc > 0 ? 0 : rc;
}

struct names {
	char **v;
	size_t n;
};

static int add_name(const char *name, void *data)
{
	struct names *n = data;

	n->v = st_xreallocarray(n->v, n->n + 1, sizeof(*n->v));
	n->v[n->n++] = st_xstrdup(name);
	return 0;
}

static void names_free(struct names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
}

static int trees_list(int argc, char **argv, struct st_ctx *ctx)
{
	struct trees_opts o = {0};
	struct names n = {0};
	char *db = st_ctx_store_path(ctx);
	json_t *arr = json_array();
	int rc = parse(argc, argv, ctx, &o, false);

	if (rc)
		goto out;
	st_config_foreach_subsection(ctx->config, "tree", add_name, &n);
	for (size_t i = 0; rc == 0 && i < n.n; i++) {
		struct rd_tree_config t;
		json_t *t_json, *b;

		rc = rd_tree_config_load(&t, ctx->config, n.v[i], db,
					 &ctx->err);
		if (rc < 0)
			break;
		t_json = json_object();
		b = json_array();
		st_json_set_str(t_json, "name", t.name);
		st_json_set_str(t_json, "path", t.path);
		st_json_set_str(t_json, "url", t.url);
		for (size_t k = 0; k < t.nbranches; k++)
			json_array_append_new(b, st_json_str(t.branches[k]));
		json_object_set_new(t_json, "branches", b);
		json_array_append_new(arr, t_json);
		if (!o.json) {
			printf("%s\t%s\t", t.name, t.url ? t.url : t.path);
			for (size_t k = 0; k < t.nbranches; k++)
				printf("%s%s", k ? " " : "", t.branches[k]);
			printf("\n");
		}
		rd_tree_config_release(&t);
	}
	if (rc == 0 && o.json)
		st_json_print(stdout, arr, 1);
out:
	json_decref(arr);
	names_free(&n);
	free(db);
	return rc > 0 ? 0 : rc;
}

static int trees_match(int argc, char **argv, struct st_ctx *ctx)
{
	struct trees_opts o = {0};
	struct rd_match_stats st;
	struct st_store *store;
	json_t *j;
	int rc = parse(argc, argv, ctx, &o, false);

	if (rc)
		return rc > 0 ? 0 : rc;
	if (optind < argc)
		return st_ctx_usage_error(
			ctx, usage, "unexpected argument '%s'", argv[optind]);
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code;
	rc = st_store_begin(store, &ctx->err);
	if (rc == 0)
		rc = rd_match_run(store, o.full ? RD_MATCH_FULL : 0, &st,
				  &ctx->err);
	if (rc == 0)
		rc = st_store_commit(store, &ctx->err);
	else
		st_store_rollback(store);
	if (rc < 0)
		return rc;
	j = json_object();
	st_json_set_int(j, "links_added", st.links_added);
	st_json_set_int(j, "backports_linked", st.backports_linked);
	st_json_set_int(j, "patches_accepted", st.patches_accepted);
	st_json_set_int(j, "series_accepted", st.series_accepted);
	if (o.json)
		st_json_print(stdout, j, 1);
	else
		printf("%lld new links, %lld backports linked, %lld patches "
		       "and %lld series accepted\n",
		       (long long)st.links_added,
		       (long long)st.backports_linked,
		       (long long)st.patches_accepted,
		       (long long)st.series_accepted);
	json_decref(j);
	return 0;
}

static int trees_sync(int argc, char **argv, struct st_ctx *ctx)
{
	struct trees_opts o = {0};
	struct names n = {0};
	struct st_store *store;
	char *db = NULL;
	json_t *arr = json_array();
	int rc = parse(argc, argv, ctx, &o, false);

	if (rc)
		goto out;
	if (argc - optind > 1) {
		rc = st_ctx_usage_error(ctx, usage, "unexpected argument '%s'",
					argv[optind + 1]);
		goto out;
	}
	if (optind < argc)
		add_name(argv[optind], &n);
	else
		st_config_foreach_subsection(ctx->config, "tree", add_name, &n);
	/* The index workers allocate and free blob-sized buffers all the
	 * time: by default glibc gives each worker arena's free top back
	 * to the kernel and grows it again page by page (one mprotect and
	 * fresh zeroed pages each time; a fifth of a first sync's time).
	 * This process only syncs and exits: keep what it freed. */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_TOP_PAD, 64 << 20);
	if (!n.n) {
		rc = st_error_set(
			&ctx->err, ST_ENOTFOUND,
			"no tree configured (see 'steward trees add')");
		goto out;
	}
	store = st_ctx_store(ctx, false);
	if (!store) {
		rc = ctx->err.code;
		goto out;
	}
	db = st_ctx_store_path(ctx);
	for (size_t i = 0; rc == 0 && i < n.n; i++) {
		struct rd_tree_config t;
		struct rd_tree_sync_stats st;
		json_t *j;

		rc = rd_tree_config_load(&t, ctx->config, n.v[i], db,
					 &ctx->err);
		if (rc < 0)
			break;
		rc = rd_tree_sync(store, &t, 2, &st, &ctx->err);
		rd_tree_config_release(&t);
		if (rc < 0)
			break;
		j = json_object();
		st_json_set_str(j, "tree", n.v[i]);
		st_json_set_int(j, "commits_indexed", st.commits_indexed);
		st_json_set_int(j, "commits_total", st.commits_total);
		st_json_set_int(j, "patches_matched", st.patches_matched);
		st_json_set_int(j, "patches_total", st.patches_total);
		if (o.json)
			json_array_append_new(arr, j);
		else {
			printf("%s: %lld new commits, %lld in all; %lld of "
			       "%lld "
			       "patches matched\n",
			       n.v[i], (long long)st.commits_indexed,
			       (long long)st.commits_total,
			       (long long)st.patches_matched,
			       (long long)st.patches_total);
			json_decref(j);
		}
	}
	if (rc == 0 && o.json)
		st_json_print(stdout,
			      json_array_size(arr) == 1 ? json_array_get(arr, 0)
							: arr,
			      1);
out:
	json_decref(arr);
	names_free(&n);
	free(db);
	return rc > 0 ? 0 : rc;
}

static int trees_where(int argc, char **argv, struct st_ctx *ctx)
{
	struct trees_opts o = {0};
	struct st_store *store;
	json_t *res = NULL, *row;
	size_t i;
	int rc = parse(argc, argv, ctx, &o, false);

	if (rc)
		return rc > 0 ? 0 : rc;
	if (argc - optind != 1)
		return st_ctx_usage_error(ctx, usage,
					  "trees where needs one MSGID or OID");
	store = st_ctx_store(ctx, true);
	if (!store)
		return ctx->err.code;
	rc = rd_match_where(&res, store, argv[optind], &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json) {
		st_json_print(stdout, res, 1);
	} else {
		printf("%s %s: %s\n",
		       json_string_value(json_object_get(res, "kind")),
		       argv[optind],
		       json_string_value(json_object_get(res, "subject")));
		if (!json_array_size(json_object_get(res, "branches")))
			printf("  on no indexed branch\n");
		json_array_foreach(json_object_get(res, "branches"), i, row)
		{
			char when[32];

			st_time_iso(when, sizeof(when),
				    (time_t)json_integer_value(json_object_get(
					    row, "commit_time")));
			printf("  %s/%s %.12s %s (%s)\n",
			       json_string_value(json_object_get(row, "tree")),
			       json_string_value(
				       json_object_get(row, "branch")),
			       json_string_value(json_object_get(row, "oid")),
			       when,
			       json_string_value(json_object_get(row, "how")));
		}
	}
	json_decref(res);
	return 0;
}

/* Sorted by name. */
static const struct st_subcommand subcommands[] = {
	{"add", trees_add},   {"list", trees_list},   {"match", trees_match},
	{"sync", trees_sync}, {"where", trees_where},
};

int cmd_trees(int argc, char **argv, struct st_ctx *ctx)
{
	return st_opt_dispatch(ctx, usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv);
}
