/* ctx.c: the command context: lazy store, usage errors, common options. */
#include "ctx.h"

#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *st_ctx_store_path(const struct st_ctx *ctx)
{
	return st_config_get_path(ctx->config, "core.db", "steward.db");
}

struct st_store *st_ctx_store(struct st_ctx *ctx, bool readonly)
{
	char *path;

	if (ctx->store)
		return ctx->store;
	path = st_ctx_store_path(ctx);
	if (st_store_open(&ctx->store, path, readonly ? ST_STORE_READONLY : 0,
			  &ctx->err) < 0)
		ctx->store = NULL;
	free(path);
	return ctx->store;
}

int st_ctx_usage_error(struct st_ctx *ctx, const char *usage, const char *fmt,
		       ...)
{
	va_list ap;

	va_start(ap, fmt);
	st_error_setv(&ctx->err, ST_EUSAGE, fmt, ap);
	va_end(ap);
	ctx->usage = usage;
	return ST_EUSAGE;
}

void st_opt_reset(void)
{
	optind = 0;
	opterr = 0;
}

bool st_opt_is_common(int c)
{
	return c == 'v' || c == 'q' || c == ST_OPT_CONFIG;
}

int st_opt_error(struct st_ctx *ctx, const char *usage, int c, char **argv)
{
	const char *arg = argv[optind - 1] ? argv[optind - 1] : "";

	if (c == ':')
		return st_ctx_usage_error(ctx, usage,
					  "option '%s' needs a value", arg);
	if (optopt && optopt < 0x1000 && !strchr(arg, '='))
		return st_ctx_usage_error(ctx, usage, "unknown option '-%c'",
					  optopt);
	return st_ctx_usage_error(ctx, usage, "unknown option '%s'", arg);
}

int st_opt_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

int st_opt_dispatch(struct st_ctx *ctx, const char *usage,
		    const struct st_subcommand *subs, size_t n, int argc,
		    char **argv)
{
	static const struct option opts[] = {
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int c;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS, opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(usage);
		if (!st_opt_is_common(c))
			return st_opt_error(ctx, usage, c, argv);
	}
	if (optind >= argc)
		return st_ctx_usage_error(ctx, usage, "missing subcommand");
	for (size_t i = 0; i < n; i++)
		if (!strcmp(subs[i].name, argv[optind]))
			return subs[i].fn(argc - optind, argv + optind, ctx);
	return st_ctx_usage_error(ctx, usage, "unknown subcommand '%s'",
				  argv[optind]);
}
