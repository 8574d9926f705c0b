/*
 * commands.h: every subcommand's entry point, one per line, sorted. Each
 * is defined in its component's cmd-<name>.c and listed in steward.c's
 * table. See common/ctx.h for the contract.
 */
#ifndef STEWARD_COMMANDS_H
#define STEWARD_COMMANDS_H

#include "common/ctx.h"

int cmd_config(int argc, char **argv, struct st_ctx *ctx);
int cmd_serve(int argc, char **argv, struct st_ctx *ctx);
int cmd_user(int argc, char **argv, struct st_ctx *ctx);
int cmd_web(int argc, char **argv, struct st_ctx *ctx);

#endif
