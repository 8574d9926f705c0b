/* cmd-serve.c: `steward serve`, the review dashboard and REST API. */
#include "commands.h"

#include "common/util.h"
#include "common/xalloc.h"
#include "review-dash/dash.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
	"usage: steward serve [--listen ADDR:PORT] [--tls-cert FILE "
	"--tls-key FILE]\n"
	"                     [--threads N] [--maintainers FILE] [--cache-ttl "
	"S]\n"
	"\n"
	"Serve the review dashboard (queue, series, patches, contributors,\n"
	"metrics, mbox downloads, Atom feed) and the Patchwork 1.2 REST API\n"
	"from the store, until SIGINT or SIGTERM. With -v, one key=value\n"
	"access log line per request goes to stderr. API tokens come from\n"
	"'steward user add'; the embargoed security tracker\n"
	"(/security/issues) needs the token of a user added with --admin.\n"
	"Settings may also come from the [serve] section\n"
	"of steward.conf (listen, tls-cert, tls-key, threads, maintainers,\n"
	"cache-ttl).\n"
	"\n"
	"  --listen ADDR:PORT  address to listen on (default serve.listen,\n"
	"                      else 127.0.0.1:8080; IPv6 as [::1]:8080)\n"
	"  --tls-cert FILE     PEM certificate: serve HTTPS (TLS 1.2+)\n"
	"  --tls-key FILE      PEM private key for --tls-cert\n"
	"  --threads N         worker threads (default serve.threads, 2)\n"
	"  --maintainers FILE  MAINTAINERS file for areas and who must ack\n"
	"                      (default serve.maintainers)\n"
	"  --cache-ttl S       seconds a worker may reuse a page while the\n"
	"                      store is unchanged (default serve.cache-ttl,\n"
	"                      10; 0 turns the cache off)\n"
	"  --config FILE       read FILE instead of ./steward.conf\n";

struct serve_opts {
	char *listen;
	char *cert;
	char *key;
	char *maintainers;
	int64_t threads;
	int64_t cache_ttl;
};

int cmd_serve(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"tls-cert", required_argument, NULL, 'c'},
		{"tls-key", required_argument, NULL, 'k'},
		{"threads", required_argument, NULL, 't'},
		{"maintainers", required_argument, NULL, 'm'},
		{"cache-ttl", required_argument, NULL, 'C'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct serve_opts o = {0};
	struct rd_dash_opts d = {0};
	char *db = NULL;
	int c, rc;

	st_opt_reset();
	o.listen = st_config_get_string(ctx->config, "serve.listen", NULL);
	o.cert = st_config_get_path(ctx->config, "serve.tls-cert", NULL);
	o.key = st_config_get_path(ctx->config, "serve.tls-key", NULL);
	o.maintainers =
		st_config_get_path(ctx->config, "serve.maintainers", NULL);
	rc = st_config_get_int(ctx->config, "serve.threads", 2, &o.threads,
			       &ctx->err);
	if (rc == 0)
		rc = st_config_get_int(ctx->config, "serve.cache-ttl", 10,
				       &o.cache_ttl, &ctx->err);
	while (rc == 0 &&
	       (c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS "", opts,
				NULL)) != -1) {
		char **slot = c == 'l'	 ? &o.listen
			      : c == 'c' ? &o.cert
			      : c == 'k' ? &o.key
			      : c == 'm' ? &o.maintainers
					 : NULL;

		if (c == 'h') {
			rc = st_opt_help(usage);
			goto out;
		}
		if (slot) {
			free(*slot);
			*slot = st_xstrdup(optarg);
		} else if (c == 't') {
			rc = st_parse_int64(&o.threads, optarg, 1, 256,
					    "--threads", &ctx->err);
			if (rc < 0)
				rc = st_ctx_usage_error(ctx, usage, "%s",
							ctx->err.msg);
		} else if (c == 'C') {
			rc = st_parse_int64(&o.cache_ttl, optarg, 0, 3600,
					    "--cache-ttl", &ctx->err);
			if (rc < 0)
				rc = st_ctx_usage_error(ctx, usage, "%s",
							ctx->err.msg);
		} else if (!st_opt_is_common(c)) {
			rc = st_opt_error(ctx, usage, c, argv);
		}
	}
	if (rc == 0 && optind < argc)
		rc = st_ctx_usage_error(ctx, usage, "unexpected argument '%s'",
					argv[optind]);
	if (rc == 0 && !o.cert != !o.key)
		rc = st_ctx_usage_error(ctx, usage,
					"--tls-cert and --tls-key go together");
	if (rc < 0)
		goto out;
	db = st_ctx_store_path(ctx);
	d.listen = o.listen;
	d.tls_cert = o.cert;
	d.tls_key = o.key;
	d.threads = (unsigned)o.threads;
	d.db_path = db;
	d.maintainers = o.maintainers;
	d.cache_ttl = (unsigned)o.cache_ttl;
	rc = rd_dash_serve(&d, &ctx->err);
out:
	free(o.listen);
	free(o.cert);
	free(o.key);
	free(o.maintainers);
	free(db);
	return rc;
}
