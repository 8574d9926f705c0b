/*
 * ctx.h: what the dispatcher hands every subcommand: the loaded
 * configuration, a lazily opened store, and the command's error slot.
 * A command's signature is
 *     int cmd_x(int argc, char **argv, struct st_ctx *ctx);
 * returning 0 (success), 1 (a result that is a failure, already printed,
 * e.g. a check that failed) or a negative ST_E* code with ctx->err set;
 * ST_EUSAGE makes the dispatcher print the usage and exit 2.
 */
#ifndef STEWARD_COMMON_CTX_H
#define STEWARD_COMMON_CTX_H

#include "config.h"
#include "error.h"
#include "store.h"

#include <getopt.h>
#include <stddef.h>
#include <stdbool.h>

struct st_ctx {
	struct st_config *config; /* never NULL once the command runs */
	struct st_store *store;   /* opened by st_ctx_store, closed by owner */
	const char *usage;        /* set by st_ctx_usage_error */
	struct st_error err;
};

/*
 * The store named by core.db (default "steward.db", relative to the
 * config file's directory), opened on first use and then reused.
 * readonly opens an existing store read-only. Borrowed: the dispatcher
 * frees it. On failure returns NULL with ctx->err set.
 */
struct st_store *st_ctx_store(struct st_ctx *ctx, bool readonly);

/* The store's path as configured; caller frees. */
char *st_ctx_store_path(const struct st_ctx *ctx);

/*
 * Record a usage error: sets ctx->err to ST_EUSAGE with the message and
 * remembers usage to print. Returns ST_EUSAGE.
 */
int st_ctx_usage_error(struct st_ctx *ctx, const char *usage, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));

/*
 * Options every command accepts, handled by the dispatcher before the
 * command runs. Put ST_COMMON_LONG_OPTIONS in a command's option table
 * and pass each getopt result to st_opt_is_common to skip them.
 */
#define ST_OPT_CONFIG 0x1001
#define ST_COMMON_LONG_OPTIONS                                              \
	{"config", required_argument, NULL, ST_OPT_CONFIG},                 \
		{"verbose", no_argument, NULL, 'v'},                        \
		{"quiet", no_argument, NULL, 'q'},                          \
	{                                                                   \
		"help", no_argument, NULL, 'h'                              \
	}
/* The short options of the above, to prepend to a command's optstring:
 * the leading '+' stops at the first non-option (for nested commands),
 * ':' reports a missing argument as ':'. */
#define ST_COMMON_SHORT_OPTIONS "+:vqh"
/* The same, letting options and operands mix ("show 9 --json"): for
 * commands whose operands are not subcommand names. */
#define ST_COMMON_SHORT_OPTIONS_ANY_ORDER ":vqh"

/* Reset getopt for a new parse (glibc: optind = 0 is a full reset, so
 * tests can run commands repeatedly) and silence its own messages. */
void st_opt_reset(void);

/* True for -v, -q and --config (already applied by the dispatcher). */
bool st_opt_is_common(int c);

/*
 * Report getopt's '?' or ':' result as a usage error naming the option
 * (argv as passed to getopt_long). Returns ST_EUSAGE.
 */
int st_opt_error(struct st_ctx *ctx, const char *usage, int c, char **argv);

/* Print usage to stdout for --help. Returns 0. */
int st_opt_help(const char *usage);

/* A subcommand: `steward trees sync ...` is "sync" of "trees". */
struct st_subcommand {
	const char *name;
	int (*fn)(int argc, char **argv, struct st_ctx *ctx);
};

/*
 * Run the subcommand of subs (n entries) that argv names, after the
 * common options (argv[0] is the command). The subcommand gets argv
 * from its own name on. --help prints usage; a missing or unknown name
 * is a usage error.
 */
int st_opt_dispatch(struct st_ctx *ctx, const char *usage,
		    const struct st_subcommand *subs, size_t n, int argc,
		    char **argv);

#endif
