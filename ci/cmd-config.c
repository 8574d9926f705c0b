/* cmd-config.c: `steward config`, what configuration Steward would use. */
#include "commands.h"

#include "common/json.h"

#include <stdio.h>
#include <stdlib.h>

static const char usage[] =
	"usage: steward config [--json]\n"
	"\n"
	"Show the configuration file read (if any), the store path and the\n"
	"lists, trees, releases, checks and schedules it defines.\n"
	"\n"
	"  --json        print one JSON object\n"
	"  --config FILE read FILE instead of ./steward.conf\n";

static int add_name(const char *name, void *data)
{
	json_array_append_new(data, st_json_str(name));
	return 0;
}

int cmd_config(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	static const char *const sections[] = {"list",  "tree",     "release",
					       "check", "schedule", NULL};
	json_t *out;
	bool json = false;
	char *db;
	int c;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, ST_COMMON_SHORT_OPTIONS "j", opts,
				NULL)) != -1) {
		if (c == 'h')
			return st_opt_help(usage);
		if (c == 'j')
			json = true;
		else if (!st_opt_is_common(c))
			return st_opt_error(ctx, usage, c, argv);
	}
	if (optind < argc)
		return st_ctx_usage_error(ctx, usage, "unexpected argument '%s'",
					  argv[optind]);
	db = st_ctx_store_path(ctx);
	out = json_object();
	st_json_set_str(out, "file", st_config_path(ctx->config));
	st_json_set_str(out, "db", db);
	for (int i = 0; sections[i]; i++) {
		json_t *names = json_array();

		st_config_foreach_subsection(ctx->config, sections[i], add_name,
					     names);
		json_object_set_new(out, sections[i], names);
	}
	if (json) {
		st_json_print(stdout, out, 1);
	} else {
		const char *key;
		json_t *v;

		printf("file: %s\n", st_config_path(ctx->config)
					     ? st_config_path(ctx->config)
					     : "(none: built-in defaults)");
		printf("db: %s\n", db);
		json_object_foreach(out, key, v)
		{
			size_t i;
			json_t *n;

			if (!json_is_array(v))
				continue;
			printf("%s:", key);
			json_array_foreach(v, i, n) printf(" %s", json_string_value(n));
			printf("\n");
		}
	}
	json_decref(out);
	free(db);
	return 0;
}
