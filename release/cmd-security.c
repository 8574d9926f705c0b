/* cmd-security.c: `steward security`, the security team's tool. */
#include "commands.h"

#include "common/json.h"
#include "common/util.h"
#include "release/advisory.h"
#include "release/seccheck.h"
#include "release/secissue.h"
#include "release/secmatch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: steward security import DIR\n"
	"       steward security list [--json]\n"
	"       steward security show N [--json]\n"
	"       steward security check N [--build] [--json]\n"
	"       steward security match [N|all] [--json|--html]\n"
	"       steward security issue add --reporter R --summary S "
	"[FIELDS] [--json]\n"
	"       steward security issue update ID [FIELDS] [--note TEXT]\n"
	"       steward security issue list|show [ID] [--json]\n"
	"\n"
	"Advisories: import xsaN.meta recipes with advisory-N.txt and their\n"
	"patches from DIR; check that advisory N's patches (after those of\n"
	"its prerequisites) apply on every supported version and tree (and\n"
	"with --build build each patched tree in a temporary directory with\n"
	"security.build-command, default 'make -j2', killed after\n"
	"security.build-timeout seconds, default 1800); match\n"
	"shows which branches already carry each fix (run 'steward trees\n"
	"sync' first): applied, partial (k of n), missing, not-applicable,\n"
	"prerequisite-missing, with the commits found and how.\n"
	"\n"
	"Embargoed issues (private: never published), FIELDS are\n"
	"  --reporter R --summary S --affected VERSIONS --cve CVE\n"
	"  --advisory N --public YYYY-MM-DD --state STATE --author NAME\n"
	"STATE is reported, triaged, patch-ready, pre-disclosed, public or\n"
	"closed. Every change is kept in an append-only audit log.\n";

struct sec_opts {
	struct rel_secissue_fields f;
	const char *note;
	const char *author;
	bool json;
	bool html;
	bool build;
};

static int parse_opts(int argc, char **argv, struct st_ctx *ctx,
		      struct sec_opts *o)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{"html", no_argument, NULL, 'H'},
		{"build", no_argument, NULL, 'B'},
		{"reporter", required_argument, NULL, 'r'},
		{"summary", required_argument, NULL, 's'},
		{"affected", required_argument, NULL, 'a'},
		{"cve", required_argument, NULL, 'c'},
		{"advisory", required_argument, NULL, 'x'},
		{"public", required_argument, NULL, 'p'},
		{"state", required_argument, NULL, 'S'},
		{"note", required_argument, NULL, 'n'},
		{"author", required_argument, NULL, 'A'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	time_t t;
	int c;

	memset(o, 0, sizeof(*o));
	o->f.public_date = -1;
	st_opt_reset();
	while ((c = getopt_long(argc, argv,
				ST_COMMON_SHORT_OPTIONS_ANY_ORDER "j", opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			st_opt_help(usage);
			return 1;
		case 'j':
			o->json = true;
			break;
		case 'H':
			o->html = true;
			break;
		case 'B':
			o->build = true;
			break;
		case 'r':
			o->f.reporter = optarg;
			break;
		case 's':
			o->f.summary = optarg;
			break;
		case 'a':
			o->f.affected = optarg;
			break;
		case 'c':
			o->f.cve = optarg;
			break;
		case 'x':
			if (st_parse_int64(&o->f.advisory, optarg, 1, INT32_MAX,
					   "--advisory", &ctx->err) < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			break;
		case 'p':
			if (st_parse_date(&t, optarg, &ctx->err) < 0)
				return st_ctx_usage_error(ctx, usage, "%s",
							  ctx->err.msg);
			o->f.public_date = (int64_t)t;
			break;
		case 'S':
			o->f.state = optarg;
			break;
		case 'n':
			o->note = optarg;
			break;
		case 'A':
			o->author = optarg;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
		}
	}
	if (!o->author)
		o->author = getenv("USER") ? getenv("USER") : "unknown";
	return 0;
}

static int need_number(struct st_ctx *ctx, int argc, char **argv, int64_t *n)
{
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage, "expected one number");
	if (st_parse_int64(n, argv[optind], 1, INT64_MAX, "number", &ctx->err) <
	    0)
		return st_ctx_usage_error(ctx, usage, "%s", ctx->err.msg);
	return 0;
}

static void print_issue_line(json_t *o)
{
	printf("%4lld %-13s %s (reported by %s)\n",
	       (long long)json_integer_value(json_object_get(o, "id")),
	       json_string_value(json_object_get(o, "state")),
	       json_string_value(json_object_get(o, "summary")),
	       json_string_value(json_object_get(o, "reporter")));
}

static int cmd_issue(int argc, char **argv, struct st_ctx *ctx)
{
	const char *sub = argc > 1 ? argv[1] : "";
	struct sec_opts o;
	struct st_store *s;
	json_t *out = NULL;
	int64_t id = 0;
	int rc;

	rc = parse_opts(argc - 1, argv + 1, ctx, &o);
	if (rc)
		return rc > 0 ? 0 : rc;
	if (strcmp(sub, "add") && strcmp(sub, "update") &&
	    strcmp(sub, "list") && strcmp(sub, "show"))
		return st_ctx_usage_error(ctx, usage,
					  "unknown issue subcommand '%s'", sub);
	if ((!strcmp(sub, "update") || !strcmp(sub, "show")) &&
	    need_number(ctx, argc - 1, argv + 1, &id) < 0)
		return ST_EUSAGE;
	s = st_ctx_store(ctx, !strcmp(sub, "list") || !strcmp(sub, "show"));
	if (!s)
		return ctx->err.code;
	if (!strcmp(sub, "add")) {
		rc = rel_secissue_add(s, &o.f, o.author, &id, &ctx->err);
		if (rc == 0)
			printf("%lld\n", (long long)id);
		return rc;
	}
	if (!strcmp(sub, "update"))
		return rel_secissue_update(s, id, &o.f, o.note, o.author,
					   &ctx->err);
	rc = rel_secissue_query(s, id, &out, &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json || id) {
		st_json_print(stdout, out, 1);
	} else {
		size_t i;
		json_t *v;

		json_array_foreach(out, i, v) print_issue_line(v);
	}
	json_decref(out);
	return 0;
}

/* Print the last lines of a build log, indented. */
static void print_log_tail(const char *log, int lines)
{
	const char *end = log + strlen(log), *p;

	while (end > log && end[-1] == '\n')
		end--;
	p = end;
	while (p > log && lines > 0)
		if (*--p == '\n')
			lines--;
	if (*p == '\n')
		p++;
	for (const char *q = p; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(end - q);

		printf("      | %.*s\n", (int)n, q);
		q += n + 1;
	}
}

static int print_check(json_t *cells, bool json)
{
	size_t i, k;
	json_t *c, *p, *b;

	if (json)
		return st_json_print(stdout, cells, 1);
	json_array_foreach(cells, i, c)
	{
		printf("%-8s %-6s %-16s %s\n",
		       json_string_value(json_object_get(c, "version")),
		       json_string_value(json_object_get(c, "tree")),
		       json_string_value(json_object_get(c, "branch")),
		       json_string_value(json_object_get(c, "status")));
		json_array_foreach(json_object_get(c, "patches"), k, p)
		{
			const char *e =
				json_string_value(json_object_get(p, "error"));

			printf("    %-8s %s%s%s\n",
			       json_string_value(json_object_get(p, "status")),
			       json_string_value(json_object_get(p, "file")),
			       e ? ": " : "", e ? e : "");
		}
		b = json_object_get(c, "build");
		if (b) {
			const char *st =
				json_string_value(json_object_get(b, "status"));
			const char *log =
				json_string_value(json_object_get(b, "log"));

			printf("    build %s: %s (exit %lld, %lld ms)\n", st,
			       json_string_value(json_object_get(b, "command")),
			       (long long)json_integer_value(
				       json_object_get(b, "exit_code")),
			       (long long)json_integer_value(
				       json_object_get(b, "duration_ms")));
			if (st && strcmp(st, "passed") && log)
				print_log_tail(log, 20);
		}
	}
	return 0;
}

static int cmd_match(int argc, char **argv, struct st_ctx *ctx,
		     const struct sec_opts *o)
{
	struct st_buf html = ST_BUF_INIT;
	struct st_store *s;
	json_t *cells = NULL, *c;
	int64_t n = 0;
	size_t i;
	int rc;

	if (optind < argc && strcmp(argv[optind], "all") &&
	    need_number(ctx, argc, argv, &n) < 0)
		return ST_EUSAGE;
	s = st_ctx_store(ctx, true);
	if (!s)
		return ctx->err.code;
	rc = rel_secmatch_run(s, ctx->config, n, &cells, &ctx->err);
	if (rc < 0)
		return rc;
	if (o->json) {
		st_json_print(stdout, cells, 1);
	} else if (o->html) {
		rel_secmatch_html(&html, cells);
		fwrite(html.buf, 1, html.len, stdout);
		st_buf_release(&html);
	} else {
		json_array_foreach(cells, i, c)
		{
			printf("XSA-%-5lld %-8s %-6s %-16s %s (%lld of %lld)\n",
			       (long long)json_integer_value(
				       json_object_get(c, "advisory")),
			       json_string_value(json_object_get(c, "version")),
			       json_string_value(json_object_get(c, "tree")),
			       json_string_value(json_object_get(c, "branch")),
			       json_string_value(json_object_get(c, "state")),
			       (long long)json_integer_value(
				       json_object_get(c, "matched")),
			       (long long)json_integer_value(
				       json_object_get(c, "total")));
		}
	}
	json_decref(cells);
	return 0;
}

/* The options of a subcommand other than issue; 1 after --help. */
static int sub_opts(int argc, char **argv, struct st_ctx *ctx,
		    struct sec_opts *o)
{
	int rc = parse_opts(argc, argv, ctx, o);

	if (rc == 0 && o->build && strcmp(argv[0], "check"))
		rc = st_ctx_usage_error(ctx, usage,
					"--build is for 'security check'");
	return rc;
}

static int sec_import(int argc, char **argv, struct st_ctx *ctx)
{
	struct sec_opts o;
	struct st_store *s;
	int rc = sub_opts(argc, argv, ctx, &o), count;

	if (rc)
		return rc > 0 ? 0 : rc;
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage, "import needs one DIR");
	s = st_ctx_store(ctx, false);
	if (!s)
		return ctx->err.code;
	rc = rel_advisory_import(s, argv[optind], &count, &ctx->err);
	if (rc == 0)
		printf("imported %d advisories from '%s'\n", count,
		       argv[optind]);
	return rc;
}

static int sec_check(int argc, char **argv, struct st_ctx *ctx)
{
	struct sec_opts o;
	struct rel_seccheck_opts so;
	struct st_store *s;
	json_t *out = NULL;
	int64_t n = 0;
	int rc = sub_opts(argc, argv, ctx, &o), failed;

	if (rc)
		return rc > 0 ? 0 : rc;
	if (need_number(ctx, argc, argv, &n) < 0)
		return ST_EUSAGE;
	s = st_ctx_store(ctx, false);
	if (!s)
		return ctx->err.code;
	so = (struct rel_seccheck_opts){.build = o.build};
	rc = rel_seccheck_run(s, ctx->config, n, &so, &out, &failed, &ctx->err);
	if (rc < 0)
		return rc;
	print_check(out, o.json);
	json_decref(out);
	return failed ? 1 : 0;
}

/* list (no number) and show N. */
static int sec_list(int argc, char **argv, struct st_ctx *ctx)
{
	bool show = !strcmp(argv[0], "show");
	struct sec_opts o;
	struct st_store *s;
	json_t *out = NULL, *v;
	int64_t n = 0;
	size_t i;
	int rc = sub_opts(argc, argv, ctx, &o);

	if (rc)
		return rc > 0 ? 0 : rc;
	if (show && need_number(ctx, argc, argv, &n) < 0)
		return ST_EUSAGE;
	if (!show && optind != argc)
		return st_ctx_usage_error(ctx, usage, "list takes no operand");
	s = st_ctx_store(ctx, true);
	if (!s)
		return ctx->err.code;
	rc = show ? rel_advisory_get(s, n, &out, &ctx->err)
		  : rel_advisory_list(s, &out, &ctx->err);
	if (rc < 0)
		return rc;
	if (o.json || show) {
		st_json_print(stdout, out, 1);
		json_decref(out);
		return 0;
	}
	json_array_foreach(out, i, v)
	{
		const char *t = json_string_value(json_object_get(v, "title"));

		printf("XSA-%lld %s\n",
		       (long long)json_integer_value(
			       json_object_get(v, "number")),
		       t ? t : "");
	}
	json_decref(out);
	return 0;
}

static int sec_match(int argc, char **argv, struct st_ctx *ctx)
{
	struct sec_opts o;
	int rc = sub_opts(argc, argv, ctx, &o);

	if (rc)
		return rc > 0 ? 0 : rc;
	return cmd_match(argc, argv, ctx, &o);
}

/* Sorted by name. */
static const struct st_subcommand subcommands[] = {
	{"check", sec_check}, {"import", sec_import}, {"issue", cmd_issue},
	{"list", sec_list},   {"match", sec_match},   {"show", sec_list},
};

int cmd_security(int argc, char **argv, struct st_ctx *ctx)
{
	return st_opt_dispatch(ctx, usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv);
}
