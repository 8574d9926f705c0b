/* cmd-web.c: `steward web build|check|serve`, the static site. */
#include "commands.h"

#include "links.h"
#include "site.h"
#include "static-server.h"

#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: steward web <command> [<args>]\n"
	"\n"
	"  build   build and publish the static site\n"
	"  check   check that every link of a built site resolves\n"
	"  serve   serve a built site over HTTP(S)\n"
	"\n"
	"Run 'steward web <command> --help' for a command's options.\n";

static const char build_usage[] =
	"usage: steward web build [--content DIR] -o OUTDIR [--no-store]\n"
	"                         [--keep N] [--json]\n"
	"\n"
	"Render the Markdown pages under DIR (default: web.content, else\n"
	"./content when it exists) and the pages made from the store (when\n"
	"it exists) into a new build folder OUTDIR.d/<id>, then switch the\n"
	"link OUTDIR to it. Unchanged pages are linked from the previous\n"
	"build, not written. Settings: web.base-url, web.title.\n"
	"\n"
	"  -o, --output OUTDIR  the published link (default: web.output)\n"
	"  --content DIR        the content folder\n"
	"  --no-store           do not read the store\n"
	"  --keep N             builds to keep (default 2)\n"
	"  --json               print the build's figures as JSON\n";

static const char check_usage[] =
	"usage: steward web check [--json] OUTDIR\n"
	"\n"
	"Check that every local link in the HTML and XML files of OUTDIR\n"
	"resolves to a file inside it. Exits 1 when a link is broken.\n"
	"\n"
	"  --json   print the broken links as JSON\n";

struct build_opts {
	char *content;
	char *output;
	bool no_store;
	bool json;
	int64_t keep;
};

static int web_build(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"content", required_argument, NULL, 'c'},
		{"output", required_argument, NULL, 'o'},
		{"no-store", no_argument, NULL, 'n'},
		{"keep", required_argument, NULL, 'k'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct build_opts o = {NULL, NULL, false, false, 2};
	struct web_site_opts so = {0};
	struct web_build_stats stats;
	char *base = NULL, *title = NULL, *db = NULL;
	int c, rc = 0;

	st_opt_reset();
	/* Without the leading '+' (the literal is concatenated first):
	 * options may follow arguments. */
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS "o:" + 1,
				opts, NULL)) != -1) {
		if (c == 'h') {
			rc = st_opt_help(build_usage);
			goto out;
		}
		if (c == 'c') {
			free(o.content);
			o.content = st_xstrdup(optarg);
		} else if (c == 'o') {
			free(o.output);
			o.output = st_xstrdup(optarg);
		} else if (c == 'n') {
			o.no_store = true;
		} else if (c == 'j') {
			o.json = true;
		} else if (c == 'k') {
			struct st_error perr = ST_ERROR_INIT;

			rc = st_parse_int64(&o.keep, optarg, 1, 100, "--keep",
					    &perr);
			if (rc < 0) {
				rc = st_ctx_usage_error(ctx, build_usage, "%s",
							perr.msg);
				goto out;
			}
		} else if (!st_opt_is_common(c)) {
			rc = st_opt_error(ctx, build_usage, c, argv);
			goto out;
		}
	}
	if (optind < argc) {
		rc = st_ctx_usage_error(ctx, build_usage,
					"unexpected argument '%s'",
					argv[optind]);
		goto out;
	}
	if (!o.output)
		o.output = st_config_get_path(ctx->config, "web.output", NULL);
	if (!o.output) {
		rc = st_ctx_usage_error(ctx, build_usage,
					"no output: give -o OUTDIR");
		goto out;
	}
	if (!o.content) {
		o.content =
			st_config_get_path(ctx->config, "web.content", NULL);
		if (!o.content && access("content", F_OK) == 0)
			o.content = st_xstrdup("content");
	}
	base = st_config_get_string(ctx->config, "web.base-url",
				    "http://localhost/");
	title = st_config_get_string(ctx->config, "web.title", "Steward");
	db = st_ctx_store_path(ctx);
	if (!o.no_store && access(db, F_OK) == 0) {
		so.store = st_ctx_store(ctx, true);
		if (!so.store) {
			rc = ctx->err.code;
			goto out;
		}
	}
	so.config = ctx->config;
	so.content_dir = o.content;
	so.outdir = o.output;
	so.base_url = base;
	so.site_name = title;
	so.keep = (unsigned)o.keep;
	rc = web_site_build(&stats, &so, &ctx->err);
	if (rc < 0)
		goto out;
	if (o.json) {
		json_t *j = json_object();

		st_json_set_str(j, "build", stats.build_dir);
		st_json_set_int(j, "outputs", (int64_t)stats.outputs);
		st_json_set_int(j, "written", (int64_t)stats.written);
		st_json_set_int(j, "unchanged", (int64_t)stats.unchanged);
		st_json_set_int(j, "pruned", (int64_t)stats.pruned);
		st_json_set_int(j, "broken_links", (int64_t)stats.broken_links);
		st_json_print(stdout, j, 0);
		json_decref(j);
	} else {
		printf("built %s: %zu files, %zu written, %zu unchanged, "
		       "%zu old builds removed\n",
		       stats.build_dir, stats.outputs, stats.written,
		       stats.unchanged, stats.pruned);
		if (stats.broken_links)
			printf("warning: %zu broken links (see 'steward web "
			       "check %s')\n",
			       stats.broken_links, o.output);
	}
out:
	free(o.content);
	free(o.output);
	free(base);
	free(title);
	free(db);
	return rc;
}

static void print_broken(const char *page, const char *href, void *data)
{
	json_t *list = data;

	if (list) {
		json_t *e = json_object();

		st_json_set_str(e, "page", page);
		st_json_set_str(e, "href", href);
		json_array_append_new(list, e);
	} else {
		printf("%s: broken link '%s'\n", page, href);
	}
}

static int web_check(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	bool json = false;
	json_t *list = NULL;
	size_t broken = 0;
	char *base;
	int c, rc;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS + 1, opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(check_usage);
		if (c == 'j')
			json = true;
		else if (!st_opt_is_common(c))
			return st_opt_error(ctx, check_usage, c, argv);
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, check_usage,
					  "give one OUTDIR to check");
	if (json)
		list = json_array();
	base = st_config_get_string(ctx->config, "web.base-url",
				    "http://localhost/");
	rc = web_links_check(argv[optind], base, print_broken, list, &broken,
			     &ctx->err);
	if (rc == 0) {
		if (json) {
			json_t *j = json_object();

			json_object_set(j, "broken", list);
			st_json_set_int(j, "count", (int64_t)broken);
			st_json_print(stdout, j, 0);
			json_decref(j);
		} else if (!broken) {
			printf("%s: all links resolve\n", argv[optind]);
		}
		rc = broken ? 1 : 0;
	}
	json_decref(list);
	free(base);
	return rc;
}

static const char serve_usage[] =
	"usage: steward web serve OUTDIR [--https ADDR --tls-cert FILE\n"
	"                         --tls-key FILE] [--http ADDR] [--threads N]\n"
	"\n"
	"Serve the built site OUTDIR until interrupted. ADDR is HOST:PORT\n"
	"(port 0 picks a free one; the URLs are printed). With both\n"
	"listeners, plain HTTP only redirects to HTTPS.\n"
	"\n"
	"  --https ADDR      listen with TLS (1.2+) on ADDR\n"
	"  --tls-cert FILE   the certificate chain (PEM)\n"
	"  --tls-key FILE    the private key (PEM)\n"
	"  --http ADDR       listen without TLS on ADDR\n"
	"  --threads N       worker threads per listener (default 2)\n";

static int web_serve(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"https", required_argument, NULL, 's'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"http", required_argument, NULL, 'p'},
		{"threads", required_argument, NULL, 't'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct web_serve_opts o = {0};
	int64_t threads = 2;
	int c, rc;

	st_opt_reset();
	/* Without the leading '+': OUTDIR may come before the options. */
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS + 1, opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(serve_usage);
		if (c == 's')
			o.https_addr = optarg;
		else if (c == 'c')
			o.cert_file = optarg;
		else if (c == 'k')
			o.key_file = optarg;
		else if (c == 'p')
			o.http_addr = optarg;
		else if (c == 't') {
			struct st_error perr = ST_ERROR_INIT;

			if (st_parse_int64(&threads, optarg, 1, 64, "--threads",
					   &perr) < 0)
				return st_ctx_usage_error(ctx, serve_usage,
							  "%s", perr.msg);
		} else if (!st_opt_is_common(c))
			return st_opt_error(ctx, serve_usage, c, argv);
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, serve_usage,
					  "give one OUTDIR to serve");
	o.root = argv[optind];
	o.threads = (unsigned)threads;
	o.announce = stdout;
	rc = web_static_server_run(&o, &ctx->err);
	if (rc == ST_EUSAGE)
		ctx->usage = serve_usage;
	return rc;
}

/* Sorted by name. */
static const struct st_subcommand subcommands[] = {
	{"build", web_build},
	{"check", web_check},
	{"serve", web_serve},
};

int cmd_web(int argc, char **argv, struct st_ctx *ctx)
{
	return st_opt_dispatch(ctx, usage, subcommands,
			       sizeof(subcommands) / sizeof(subcommands[0]),
			       argc, argv);
}
