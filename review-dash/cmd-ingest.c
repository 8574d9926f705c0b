/* cmd-ingest.c: `steward ingest`, mail sources into the store. */
#include "commands.h"

#include "common/json.h"
#include "common/log.h"
#include "common/util.h"
#include "review-dash/ingest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: steward ingest [--list NAME] [--threads N] [--json] "
	"[SOURCE...]\n"
	"\n"
	"Bring mail into the store: threads, patches, series, versions and\n"
	"review trailers. A SOURCE is an mbox file (.gz too), a Maildir, a\n"
	"single message file, '-' for standard input, a public-inbox v2\n"
	"archive, or an http(s):// URL of an mbox or a public-inbox archive.\n"
	"Without SOURCE, every 'source' of every [list \"NAME\"] section of\n"
	"steward.conf is brought up to date. Running again adds only what is\n"
	"new.\n"
	"\n"
	"  --list NAME   the list the mail belongs to (default: the only\n"
	"                configured list, else 'default')\n"
	"  --threads N   parser threads (default: one per core)\n"
	"  --json        print the summary as one JSON object\n";

struct ingest_opts {
	const char *list;
	int64_t threads;
	bool json;
};

struct job {
	struct st_ctx *ctx;
	struct st_store *store;
	struct rd_ingest_stats *stats;
	const char *list;
	int64_t threads;
	int rc;
};

static char *mirror_dir(struct st_ctx *ctx)
{
	return st_config_get_path(ctx->config, "core.mirrors", "mirrors");
}

static int ingest_one(struct job *j, const char *list, const char *uri)
{
	struct rd_ingest_opts o = {0};
	char key[300];
	char *address, *mirrors = mirror_dir(j->ctx);
	int rc;

	snprintf(key, sizeof(key), "list.%s.address", list);
	address = st_config_get_string(j->ctx->config, key, NULL);
	o.list = list;
	o.list_address = address;
	o.mirror_dir = mirrors;
	o.threads = (int)j->threads;
	st_log(ST_LOG_INFO, "ingesting '%s' into list '%s'", uri, list);
	rc = rd_ingest_run(j->store, uri, &o, j->stats, &j->ctx->err);
	free(address);
	free(mirrors);
	return rc;
}

static int source_cb(const char *uri, void *data)
{
	struct job *j = data;
	char *path = NULL;

	/* Relative sources are relative to the config file. */
	if (uri[0] != '/' && !strstr(uri, "://") && strcmp(uri, "-") &&
	    strcmp(st_config_dir(j->ctx->config), ".")) {
		size_t n = strlen(st_config_dir(j->ctx->config)) + strlen(uri) + 2;

		path = malloc(n);
		if (!path)
			abort();
		snprintf(path, n, "%s/%s", st_config_dir(j->ctx->config), uri);
	}
	j->rc = ingest_one(j, j->list, path ? path : uri);
	free(path);
	return j->rc < 0 ? 1 : 0;
}

static int list_cb(const char *name, void *data)
{
	struct job *j = data;
	char key[300];

	snprintf(key, sizeof(key), "list.%s.source", name);
	j->list = name;
	st_config_get_all(j->ctx->config, key, source_cb, j);
	return j->rc < 0 ? 1 : 0;
}

static int count_cb(const char *name, void *data)
{
	const char **only = data;

	*only = *only ? "" : name;
	return 0;
}

static void print_summary(const struct rd_ingest_stats *st, bool json)
{
	if (json) {
		json_t *o = json_object();

		st_json_set_int(o, "messages", (int64_t)st->messages);
		st_json_set_int(o, "new", (int64_t)st->new_msgs);
		st_json_set_int(o, "duplicates", (int64_t)st->duplicates);
		st_json_set_int(o, "patches", (int64_t)st->patches);
		st_json_set_int(o, "covers", (int64_t)st->covers);
		st_json_set_int(o, "pulls", (int64_t)st->pulls);
		st_json_set_int(o, "comments", (int64_t)st->comments);
		st_json_set_int(o, "series", (int64_t)st->series);
		st_json_set_int(o, "rejected", (int64_t)st->rejected);
		st_json_set_int(o, "deleted", (int64_t)st->deleted);
		st_json_set_int(o, "accepted", (int64_t)st->accepted);
		st_json_print(stdout, o, 0);
		json_decref(o);
		return;
	}
	printf("%llu messages read, %llu new (%llu patches, %llu cover "
	       "letters, %llu pull requests, %llu comments), %llu already "
	       "stored, %llu rejected, %llu new series, %llu patches found "
	       "landed\n",
	       (unsigned long long)st->messages,
	       (unsigned long long)st->new_msgs,
	       (unsigned long long)st->patches, (unsigned long long)st->covers,
	       (unsigned long long)st->pulls, (unsigned long long)st->comments,
	       (unsigned long long)st->duplicates,
	       (unsigned long long)st->rejected,
	       (unsigned long long)st->series,
	       (unsigned long long)st->accepted);
}

int cmd_ingest(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"list", required_argument, NULL, 'l'},
		{"threads", required_argument, NULL, 't'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct ingest_opts o = {NULL, 0, false};
	struct rd_ingest_stats stats = {0};
	struct job j = {0};
	int c, rc = 0;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS_ANY_ORDER "l:t:j",
				opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return st_opt_help(usage);
		case 'l':
			o.list = optarg;
			break;
		case 't':
			if (st_parse_int64(&o.threads, optarg, 1, 16,
					   "--threads", &ctx->err) < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			break;
		case 'j':
			o.json = true;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
		}
	}
	j.ctx = ctx;
	j.stats = &stats;
	j.threads = o.threads;
	j.store = st_ctx_store(ctx, false);
	if (!j.store)
		return ctx->err.code;
	if (optind < argc) {
		const char *list = o.list;

		if (!list) {
			list = NULL;
			st_config_foreach_subsection(ctx->config, "list",
						     count_cb, &list);
			if (!list || !*list)
				list = "default";
		}
		for (int i = optind; i < argc && rc == 0; i++)
			rc = ingest_one(&j, list, argv[i]);
	} else {
		st_config_foreach_subsection(ctx->config, "list", list_cb, &j);
		rc = j.rc;
		if (rc == 0 && !j.list)
			return st_ctx_usage_error(
				ctx, usage,
				"nothing to ingest: name a SOURCE or add "
				"[list \"NAME\"] sections with 'source' to "
				"the config");
	}
	if (rc == 0)
		rc = rd_ingest_finish(j.store, &stats, &ctx->err);
	if (rc < 0)
		return rc;
	print_summary(&stats, o.json);
	return 0;
}
