/* cmd-ci.c: `steward ci run-due|daemon|list|history`. */
#include "commands.h"

int cmd_ci(int argc, char **argv, struct st_ctx *ctx)
{
	return st_ctx_usage_error(ctx, "usage: steward ci\n", "not yet");
}
