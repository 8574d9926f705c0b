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
