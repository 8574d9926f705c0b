/* cmd-user.c: `steward user add`, API users and their tokens. */
#include "commands.h"

#include "common/json.h"
#include "review-dash/users.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
	"usage: steward user add NAME [--maintainer] [--admin] [--email ADDR]\n"
	"                         [--json]\n"
	"\n"
	"Add an API user and print its new token, once: only a hash of it\n"
	"is kept. A maintainer may change patches (state, delegate, archived,\n"
	"commit_ref); any user may post check results. Only an admin may\n"
	"read the security issue tracker pages (/security/issues).\n"
	"\n"
	"  --maintainer   allow changing patches\n"
	"  --admin        allow reading the embargoed security tracker\n"
	"  --email ADDR   the user's address (for delegation)\n"
	"  --json         print {\"user\": ..., \"token\": ...}\n"
	"  --config FILE  read FILE instead of ./steward.conf\n";

int cmd_user(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"maintainer", no_argument, NULL, 'M'},
		{"admin", no_argument, NULL, 'A'},
		{"email", required_argument, NULL, 'e'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	char token[RD_TOKEN_LEN + 1] = "";
	const char *email = NULL;
	bool maintainer = false, admin = false, json = false;
	struct st_store *s;
	int c, rc;

	/* `user add NAME [options]`: options may follow NAME, so parse
	 * after the subcommand word in permuting mode (no leading '+'). */
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return st_opt_help(usage);
	if (argc < 2 || strcmp(argv[1], "add"))
		return st_ctx_usage_error(ctx, usage,
					  argc < 2 ? "missing subcommand"
						   : "unknown subcommand '%s'",
					  argc < 2 ? "" : argv[1]);
	argc--;
	argv++;
	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS + 1, opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(usage);
		if (c == 'M')
			maintainer = true;
		else if (c == 'A')
			admin = true;
		else if (c == 'e')
			email = optarg;
		else if (c == 'j')
			json = true;
		else if (!st_opt_is_common(c))
			return st_opt_error(ctx, usage, c, argv);
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage,
					  "'user add' takes one NAME");
	s = st_ctx_store(ctx, false);
	if (!s)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	rc = st_store_begin(s, &ctx->err);
	if (rc < 0)
		return rc;
	rc = rd_users_add(s, argv[optind], email, maintainer, token, &ctx->err);
	if (rc == 0 && admin)
		rc = rd_users_set_admin(s, argv[optind], true, &ctx->err);
	if (rc == 0)
		rc = st_store_commit(s, &ctx->err);
	if (rc < 0) {
		st_store_rollback(s);
		return rc;
	}
	if (json) {
		json_t *o = json_object();

		st_json_set_str(o, "user", argv[optind]);
		st_json_set_str(o, "token", token);
		json_object_set_new(o, "maintainer", json_boolean(maintainer));
		json_object_set_new(o, "admin", json_boolean(admin));
		st_json_print(stdout, o, 0);
		json_decref(o);
	} else {
		printf("%s\n", token);
	}
	return 0;
}
