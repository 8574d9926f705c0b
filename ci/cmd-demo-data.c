/* cmd-demo-data.c: `steward demo-data`, write a sample project. */
#include "commands.h"

#include "ci/demodata.h"
#include "common/json.h"
#include "common/util.h"

#include <stdio.h>
#include <time.h>

static const char usage[] =
	"usage: steward demo-data DIR [--messages N] [--seed S] [--no-repo]\n"
	"                             [--json]\n"
	"\n"
	"Write a sample project into DIR: a mailing-list archive\n"
	"(DIR/archive.mbox, mboxrd), a bare git repository whose master and\n"
	"stable-1.0 branches hold some of the posted patches (DIR/repo.git),\n"
	"and the ground truth for tests (DIR/truth.json). The same seed gives\n"
	"the same bytes and the same commit ids.\n"
	"\n"
	"  --messages N  mails in the archive (default 2000)\n"
	"  --seed S      seed of the generator (default 1)\n"
	"  --no-repo     write no repository (faster, for benchmarks)\n"
	"  --json        print what was written as one JSON object\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void print_json(const char *dir, const struct ci_demodata_opts *o,
		       const struct ci_demodata_stats *st, double secs)
{
	json_t *out = json_object();

	st_json_set_str(out, "dir", dir);
	st_json_set_int(out, "seed", (int64_t)o->seed);
	st_json_set_int(out, "messages", (int64_t)st->messages);
	st_json_set_int(out, "people", (int64_t)st->people);
	st_json_set_int(out, "series", (int64_t)st->series);
	st_json_set_int(out, "versions", (int64_t)st->versions);
	st_json_set_int(out, "covers", (int64_t)st->covers);
	st_json_set_int(out, "patches", (int64_t)st->patches);
	st_json_set_int(out, "replies", (int64_t)st->replies);
	st_json_set_int(out, "trailers", (int64_t)st->trailers);
	st_json_set_int(out, "quoted_trailers", (int64_t)st->quoted_trailers);
	st_json_set_int(out, "pulls", (int64_t)st->pulls);
	st_json_set_int(out, "commits", (int64_t)st->commits);
	st_json_set_int(out, "edited", (int64_t)st->edited);
	st_json_set_int(out, "stable_commits", (int64_t)st->stable_commits);
	st_json_set_int(out, "mbox_bytes", (int64_t)st->mbox_bytes);
	json_object_set_new(out, "seconds", json_real(secs));
	st_json_print(stdout, out, 1);
	json_decref(out);
}

int cmd_demo_data(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"messages", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"no-repo", no_argument, NULL, 'R'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct ci_demodata_opts o = {2000, 1, false};
	struct ci_demodata_stats st = {0};
	struct timespec t0;
	const char *dir = NULL;
	bool json = false;
	int64_t v;
	double secs;
	int c, rc;

	st_opt_reset();
	for (;;) {
		c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS "j", opts,
				NULL);
		if (c == -1) {
			/* DIR may come before the options: take it and go
			 * on. */
			if (optind >= argc)
				break;
			if (dir)
				return st_ctx_usage_error(
					ctx, usage, "unexpected argument '%s'",
					argv[optind]);
			dir = argv[optind++];
			continue;
		}
		if (c == 'h')
			return st_opt_help(usage);
		if (c == 'j') {
			json = true;
		} else if (c == 'R') {
			o.no_repo = true;
		} else if (c == 'n' || c == 's') {
			rc = st_parse_int64(
				&v, optarg, c == 'n' ? 1 : 0,
				c == 'n' ? CI_DEMODATA_MESSAGES_MAX : INT64_MAX,
				c == 'n' ? "--messages" : "--seed", &ctx->err);
			if (rc < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			if (c == 'n')
				o.messages = (uint64_t)v;
			else
				o.seed = (uint64_t)v;
		} else if (!st_opt_is_common(c)) {
			return st_opt_error(ctx, usage, c, argv);
		}
	}
	if (!dir)
		return st_ctx_usage_error(ctx, usage, "missing DIR");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = ci_demodata_generate(&st, dir, &o, &ctx->err);
	if (rc < 0)
		return rc;
	secs = seconds_since(&t0);
	if (json) {
		print_json(dir, &o, &st, secs);
	} else {
		printf("%s: %llu messages (%llu series, %llu patches, %llu "
		       "replies), %llu commits on master, %llu on stable-1.0 "
		       "in %.2fs\n",
		       dir, (unsigned long long)st.messages,
		       (unsigned long long)st.series,
		       (unsigned long long)st.patches,
		       (unsigned long long)st.replies,
		       (unsigned long long)st.commits,
		       (unsigned long long)st.stable_commits, secs);
	}
	return 0;
}
