/*
 * commands.h: every subcommand's entry point, one per line, sorted. Each
 * is defined in its component's cmd-<name>.c and listed in steward.c's
 * table. See common/ctx.h for the contract.
 */
#ifndef STEWARD_COMMANDS_H
#define STEWARD_COMMANDS_H

#include "common/ctx.h"

int cmd_check(int argc, char **argv, struct st_ctx *ctx);
int cmd_ci(int argc, char **argv, struct st_ctx *ctx);
int cmd_config(int argc, char **argv, struct st_ctx *ctx);
int cmd_demo_data(int argc, char **argv, struct st_ctx *ctx);
int cmd_ingest(int argc, char **argv, struct st_ctx *ctx);
int cmd_parse(int argc, char **argv, struct st_ctx *ctx);
int cmd_release(int argc, char **argv, struct st_ctx *ctx);
int cmd_security(int argc, char **argv, struct st_ctx *ctx);
int cmd_series(int argc, char **argv, struct st_ctx *ctx);
int cmd_serve(int argc, char **argv, struct st_ctx *ctx);
int cmd_trees(int argc, char **argv, struct st_ctx *ctx);
int cmd_user(int argc, char **argv, struct st_ctx *ctx);
int cmd_web(int argc, char **argv, struct st_ctx *ctx);

#endif
