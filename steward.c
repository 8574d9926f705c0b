/*
 * steward.c: the dispatcher and nothing else. It reads the global
 * options, loads the configuration, calls one command from the table
 * below, and turns the command's result into an exit code: 0 success,
 * 1 a failed job (one line on stderr), 2 a usage error (usage on stderr).
 */
#include "commands.h"

#include "common/log.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef STEWARD_VERSION
#define STEWARD_VERSION "0.0.0"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, struct st_ctx *ctx);
	const char *summary;
};

/* Sorted by name; --help prints from it, so help cannot drift. */
static const struct command commands[] = {
	{"check", cmd_check, "run checks, show their history and badges"},
	{"ci", cmd_ci, "run scheduled jobs that are due, or as a daemon"},
	{"config", cmd_config, "show the configuration Steward would use"},
	{"demo-data", cmd_demo_data,
	 "generate a sample mailing-list archive and git tree"},
	{"ingest", cmd_ingest, "bring mailing-list archives into the store"},
	{"parse", cmd_parse,
	 "parse mail without storing it, one JSON line per message"},
	{"release", cmd_release, "plan, check, tag and package releases"},
	{"security", cmd_security,
	 "security advisories, their branch checks, embargoed issues"},
	{"series", cmd_series, "list patch series or show one"},
	{"serve", cmd_serve, "serve the review dashboard and REST API"},
	{"trees", cmd_trees, "index git trees, match patches to commits"},
	{"user", cmd_user, "add API users and print their tokens"},
	{"web", cmd_web, "build, check and serve the static site"},
};

static const char usage[] =
	"usage: steward [-v|-q] [--config FILE] <command> [<args>]\n"
	"       steward --help | --version | help <command>\n";

static void print_commands(FILE *f)
{
	fputs(usage, f);
	fputs("\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nEvery command takes --help, --config FILE, -v and -q.\n", f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

struct global_opts {
	const char *config;
	int verbosity; /* +1 per -v, -1 per -q */
};

/*
 * Take -v, -q and --config wherever they stand in args (up to "--"), so
 * they work before and after the command name. Returns -1 when --config
 * lacks its value.
 */
static int scan_global(int argc, char **argv, struct global_opts *g)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			g->verbosity++;
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			g->verbosity--;
		else if (!strncmp(a, "--config=", 9))
			g->config = a + 9;
		else if (!strcmp(a, "--config")) {
			if (i + 1 >= argc)
				return -1;
			g->config = argv[++i];
		}
	}
	return 0;
}

static int run_command(const struct command *cmd, int argc, char **argv,
		       const char *config_path)
{
	struct st_ctx ctx = {0};
	int rc;

	if (st_config_load(&ctx.config, config_path, &ctx.err) < 0) {
		fprintf(stderr, "steward: %s: %s\n", cmd->name, ctx.err.msg);
		return 1;
	}
	rc = cmd->fn(argc, argv, &ctx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (rc >= 0) {
			st_error_set(&ctx.err, ST_ERROR,
				     "cannot write the output");
			rc = ST_ERROR;
		}
	}
	if (rc == ST_EUSAGE) {
		fprintf(stderr, "steward: %s: %s\n", cmd->name, ctx.err.msg);
		if (ctx.usage)
			fputs(ctx.usage, stderr);
		rc = 2;
	} else if (rc < 0) {
		fprintf(stderr, "steward: %s: %s\n", cmd->name,
			ctx.err.msg[0] ? ctx.err.msg : st_error_name(rc));
		rc = 1;
	} else if (rc > 0) {
		rc = 1;
	}
	st_store_free(ctx.store);
	st_config_free(ctx.config);
	return rc;
}

int main(int argc, char **argv)
{
	struct global_opts g = {NULL, 0};
	const struct command *cmd;
	int i, rc;

	/* Global options before the command name. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_commands(stdout);
			return 0;
		}
		if (!strcmp(a, "--version")) {
			printf("steward %s\n", STEWARD_VERSION);
			return 0;
		}
		if (!strcmp(a, "--config") && i + 1 < argc) {
			i++;
			continue;
		}
		if (strcmp(a, "-v") && strcmp(a, "-q") && strcmp(a, "--verbose") &&
		    strcmp(a, "--quiet") && strncmp(a, "--config=", 9)) {
			fprintf(stderr, "steward: unknown option '%s'\n", a);
			fputs(usage, stderr);
			return 2;
		}
	}
	if (i >= argc) {
		print_commands(stderr);
		return 2;
	}
	if (scan_global(argc - 1, argv + 1, &g) < 0) {
		fputs("steward: option '--config' needs a file name\n", stderr);
		return 2;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 >= argc) {
			print_commands(stdout);
			return 0;
		}
		cmd = find_command(argv[i + 1]);
		if (!cmd) {
			fprintf(stderr, "steward: unknown command '%s'\n",
				argv[i + 1]);
			return 2;
		}
		{
			char *hargv[] = {argv[i + 1], "--help", NULL};

			git_libgit2_init();
			rc = run_command(cmd, 2, hargv, g.config);
			git_libgit2_shutdown();
			return rc;
		}
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr, "steward: unknown command '%s'\n", argv[i]);
		print_commands(stderr);
		return 2;
	}
	st_log_set_level(ST_LOG_WARN + g.verbosity);
	git_libgit2_init();
	rc = run_command(cmd, argc - i, argv + i, g.config);
	git_libgit2_shutdown();
	return rc;
}
