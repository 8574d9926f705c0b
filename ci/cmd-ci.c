/* cmd-ci.c: `steward ci run-due|daemon|list|history|next`. */
#include "commands.h"

#include "ci/cron.h"
#include "ci/scheduler.h"

#include "common/json.h"
#include "common/log.h"
#include "common/util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"usage: steward ci run-due [--json]\n"
	"       steward ci daemon [--loops N]\n"
	"       steward ci list [--json]\n"
	"       steward ci history [--json] [-n COUNT] NAME\n"
	"       steward ci next [-n COUNT] [--from EPOCH] CRON\n"
	"\n"
	"Run the [schedule \"NAME\"] jobs (cron = 5-field expression, run =\n"
	"a steward command line) when due. `run-due` runs what is due once,\n"
	"for system cron or a systemd timer, and exits 1 when a job failed;\n"
	"`daemon` checks every minute until SIGTERM. A job never overlaps\n"
	"itself: a second run skips it. `next` prints the next times of an\n"
	"expression, in UTC.\n"
	"\n"
	"  --json        print JSON\n"
	"  --loops N     daemon: stop after N passes (default: never)\n"
	"  -n COUNT      history: at most COUNT attempts (default 20);\n"
	"                next: how many times (default 5)\n"
	"  --from EPOCH  next: start from this time (default now)\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

struct ci_opts {
	bool json;
	int64_t count;
	int64_t loops;
	int64_t from;
	bool has_count;
	bool has_from;
};

static int parse(int argc, char **argv, struct st_ctx *ctx, struct ci_opts *o)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},
		{"loops", required_argument, NULL, 'l'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	/* Leaf commands take options after their arguments too: no '+'. */
	const char *leaf_short = (ST_COMMON_SHORT_OPTIONS "n:") + 1;
	int64_t *dest;
	int c;

	memset(o, 0, sizeof(*o));
	st_opt_reset();
	while ((c = getopt_long(argc, argv, leaf_short, opts, NULL)) != -1) {
		const char *what;

		switch (c) {
		case 'h':
			return st_opt_help(usage) + 1;
		case 'j':
			o->json = true;
			continue;
		case 'n':
			dest = &o->count;
			o->has_count = true;
			what = "-n";
			break;
		case 'l':
			dest = &o->loops;
			what = "--loops";
			break;
		case 'f':
			dest = &o->from;
			o->has_from = true;
			what = "--from";
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
			continue;
		}
		if (st_parse_int64(dest, optarg, c == 'f' ? 0 : 1,
				   c == 'f' ? 253402300799 : 1000000, what,
				   &ctx->err) < 0)
			return st_ctx_usage_error(ctx, usage, "%s",
						  ctx->err.msg);
	}
	return 0;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "-";
}

/* Print a run-due report; true when a job failed. */
static bool print_report(const json_t *report, bool json)
{
	bool failed = false;
	size_t i;
	json_t *e;

	json_array_foreach(report, i, e)
	{
		const char *out = str(e, "outcome");

		if (!strcmp(out, "failed") || !strcmp(out, "timeout") ||
		    !strcmp(out, "error"))
			failed = true;
		if (json)
			continue;
		if (!strcmp(out, "not-due")) {
			if (st_log_enabled(ST_LOG_INFO))
				printf("%s: not due, next %s\n",
				       str(e, "schedule"), str(e, "next"));
		} else if (!strcmp(out, "skipped") || !strcmp(out, "error")) {
			printf("%s: %s: %s\n", str(e, "schedule"), out,
			       str(e, "message"));
		} else {
			printf("%s: %s (exit %d, %d attempt(s), due %s)\n",
			       str(e, "schedule"), out,
			       (int)json_integer_value(
				       json_object_get(e, "exit_code")),
			       (int)json_integer_value(
				       json_object_get(e, "attempts")),
			       str(e, "due"));
		}
	}
	if (json)
		st_json_print(stdout, report, 1);
	return failed;
}

static int ci_run_due_cmd(int argc, char **argv, struct st_ctx *ctx)
{
	struct ci_opts o;
	struct ci_run_opts ro = {NULL, NULL};
	struct st_store *store;
	json_t *report = NULL;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind < argc)
		return st_ctx_usage_error(
			ctx, usage, "unexpected argument '%s'", argv[optind]);
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	rc = ci_run_due(&report, store, ctx->config, &ro, st_time_now(),
			&ctx->err);
	if (rc < 0)
		return rc;
	rc = print_report(report, o.json) ? 1 : 0;
	json_decref(report);
	return rc;
}

/* The daemon's only global: set by SIGTERM/SIGINT, read by the loop. */
static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	stop_requested = 1;
}

static int ci_daemon(int argc, char **argv, struct st_ctx *ctx)
{
	struct ci_opts o;
	struct ci_run_opts ro = {NULL, NULL};
	struct sigaction sa;
	struct st_store *store;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind < argc)
		return st_ctx_usage_error(
			ctx, usage, "unexpected argument '%s'", argv[optind]);
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	stop_requested = 0;
	st_log(ST_LOG_INFO, "ci daemon: started");
	for (int64_t pass = 0; !stop_requested; pass++) {
		json_t *report = NULL;
		time_t now;

		if (o.loops && pass >= o.loops)
			break;
		rc = ci_run_due(&report, store, ctx->config, &ro, st_time_now(),
				&ctx->err);
		if (rc < 0)
			return rc;
		print_report(report, false);
		json_decref(report);
		fflush(stdout);
		if (o.loops && pass + 1 >= o.loops)
			break;
		/* Sleep to the next minute, waking each second for signals. */
		now = time(NULL);
		for (time_t t = now; !stop_requested && t / 60 == now / 60;
		     t = time(NULL)) {
			struct timespec ts = {1, 0};

			nanosleep(&ts, NULL);
		}
	}
	st_log(ST_LOG_INFO, "ci daemon: stopped");
	return 0;
}

static int ci_list_cmd(int argc, char **argv, struct st_ctx *ctx)
{
	struct ci_opts o;
	struct st_store *store;
	json_t *out = NULL, *e;
	size_t i;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind < argc)
		return st_ctx_usage_error(
			ctx, usage, "unexpected argument '%s'", argv[optind]);
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	rc = ci_list(&out, store, ctx->config, st_time_now(), &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json)
		st_json_print(stdout, out, 1);
	else
		json_array_foreach(out, i, e)
		{
			const char *err =
				json_string_value(json_object_get(e, "error"));

			printf("%-20s %-16s next %s  last %s %s  run: %s%s%s\n",
			       str(e, "schedule"), str(e, "cron"),
			       str(e, "next"), str(e, "last_status"),
			       str(e, "last_run"), str(e, "run"),
			       err ? "  error: " : "", err ? err : "");
		}
	json_decref(out);
	return 0;
}

static int ci_history_cmd(int argc, char **argv, struct st_ctx *ctx)
{
	struct ci_opts o;
	struct st_store *store;
	json_t *h = NULL, *e;
	size_t i;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage,
					  "history takes one schedule name");
	store = st_ctx_store(ctx, true);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	rc = ci_history(&h, store, argv[optind],
			o.has_count ? (int)o.count : 20, &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json)
		st_json_print(stdout, h, 1);
	else
		json_array_foreach(h, i, e)
		{
			printf("%s attempt %d %-7s exit %d  %s\n",
			       str(e, "started"),
			       (int)json_integer_value(
				       json_object_get(e, "attempt")),
			       str(e, "status"),
			       (int)json_integer_value(
				       json_object_get(e, "exit_code")),
			       str(e, "command"));
		}
	json_decref(h);
	return 0;
}

static int ci_next(int argc, char **argv, struct st_ctx *ctx)
{
	struct ci_opts o;
	struct ci_cron cron;
	time_t t;
	int rc;

	rc = parse(argc, argv, ctx, &o);
	if (rc != 0)
		return rc > 0 ? 0 : rc;
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage,
					  "next takes one cron expression "
					  "(quote it)");
	rc = ci_cron_parse(&cron, argv[optind], &ctx->err);
	if (rc < 0)
		return rc;
	t = o.has_from ? (time_t)o.from : st_time_now();
	for (int64_t i = 0; i < (o.has_count ? o.count : 5); i++) {
		char iso[32];

		rc = ci_cron_next(&t, &cron, t, &ctx->err);
		if (rc < 0)
			return rc;
		st_time_iso(iso, sizeof(iso), t);
		printf("%s\n", iso);
	}
	return 0;
}

/* Sorted by name. */
static const struct st_subcommand subcommands[] = {
	{"daemon", ci_daemon},	     {"history", ci_history_cmd},
	{"list", ci_list_cmd},	     {"next", ci_next},
	{"run-due", ci_run_due_cmd},
};

int cmd_ci(int argc, char **argv, struct st_ctx *ctx)
{
	return st_opt_dispatch(ctx, usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv);
}
