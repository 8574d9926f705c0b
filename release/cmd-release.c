/*
 * cmd-release.c: `steward release <subcommand>`, the release manager's
 * tool. A nested sorted table like the dispatcher's; each subcommand
 * parses its options and calls one module.
 */
#include "commands.h"

#include "common/json.h"
#include "common/util.h"
#include "release/plan.h"
#include "release/tarball.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Like ST_COMMON_SHORT_OPTIONS but permuting, so options may follow
 * VERSION. */
#define SHORT_OPTIONS ":vqh"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv, struct st_ctx *ctx);
	const char *summary;
};

static const char tarball_usage[] =
	"usage: steward release tarball VERSION [--ref REF] [-o DIR]\n"
	"                               [--formats LIST] [--repo PATH]\n"
	"                               [--sign KEYID] [--threads N] [--json]\n"
	"\n"
	"Write the release tarballs of VERSION: the tree of REF (default the\n"
	"release tag) as `git archive --format=tar` writes it, compressed\n"
	"deterministically, plus SHA256SUMS and, with --sign, detached gpg\n"
	"signatures (.sig).\n"
	"\n"
	"  --ref REF        revision to archive (default: the release tag)\n"
	"  -o, --output DIR folder to write to (default .)\n"
	"  --formats LIST   comma-separated: tar, tar.gz, tar.xz\n"
	"                   (default tar.gz,tar.xz)\n"
	"  --repo PATH      repository (default: from [release \"X.Y\"])\n"
	"  --sign KEYID     sign each file with this gpg key\n"
	"  --threads N      compression threads (default: all CPUs); the\n"
	"                   output is the same for any N\n"
	"  --gzip-level N   gzip level 1-9 (default 9)\n"
	"  --xz-preset N    xz preset 0-9 (default 6; block size 3 x the\n"
	"                   preset's dictionary)\n"
	"  --json           print the files and checksums as JSON\n";

/* Turn the error in ctx->err into a usage error. */
static int usage_from_err(struct st_ctx *ctx, const char *usage)
{
	char msg[sizeof(ctx->err.msg)];

	memcpy(msg, ctx->err.msg, sizeof(msg));
	return st_ctx_usage_error(ctx, usage, "%s", msg);
}

static int parse_threads(int *out, const char *s, struct st_ctx *ctx)
{
	int64_t n;
	int rc = st_parse_int64(&n, s, 1, 64, "--threads", &ctx->err);

	if (rc < 0)
		return usage_from_err(ctx, tarball_usage);
	*out = (int)n;
	return 0;
}

static int parse_level(int *out, const char *s, int min, const char *what,
		       struct st_ctx *ctx)
{
	int64_t n;
	int rc = st_parse_int64(&n, s, min, 9, what, &ctx->err);

	if (rc < 0)
		return usage_from_err(ctx, tarball_usage);
	*out = (int)n;
	return 0;
}

static int release_tarball(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"ref", required_argument, NULL, 'r'},
		{"output", required_argument, NULL, 'o'},
		{"formats", required_argument, NULL, 'f'},
		{"repo", required_argument, NULL, 'R'},
		{"sign", required_argument, NULL, 's'},
		{"threads", required_argument, NULL, 't'},
		{"gzip-level", required_argument, NULL, 'G'},
		{"xz-preset", required_argument, NULL, 'X'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct rel_tarball_opts o = {0};
	struct rel_tarball_result res = {0};
	struct rel_version v;
	struct st_buf ref = ST_BUF_INIT, name = ST_BUF_INIT,
		      prefix = ST_BUF_INIT, def = ST_BUF_INIT;
	const char *ref_opt = NULL, *repo_opt = NULL;
	const char *formats = "tar.gz,tar.xz";
	git_repository *repo = NULL;
	char *project = NULL;
	bool json = false;
	int c, rc;

	o.dir = ".";
	o.xz_preset = -1;
	st_opt_reset();
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS "o:j", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h':
			return st_opt_help(tarball_usage);
		case 'r':
			ref_opt = optarg;
			break;
		case 'o':
			o.dir = optarg;
			break;
		case 'f':
			formats = optarg;
			break;
		case 'R':
			repo_opt = optarg;
			break;
		case 's':
			o.sign_key = optarg;
			break;
		case 't':
			if (parse_threads(&o.threads, optarg, ctx) < 0)
				return ST_EUSAGE;
			break;
		case 'G':
			if (parse_level(&o.gzip_level, optarg, 1,
					"--gzip-level", ctx) < 0)
				return ST_EUSAGE;
			break;
		case 'X':
			if (parse_level(&o.xz_preset, optarg, 0, "--xz-preset",
					ctx) < 0)
				return ST_EUSAGE;
			break;
		case 'j':
			json = true;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, tarball_usage, c,
						    argv);
		}
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, tarball_usage,
					  optind < argc
						  ? "too many arguments"
						  : "VERSION is required");
	rc = rel_version_parse(&v, argv[optind], &ctx->err);
	if (rc == 0)
		rc = rel_tarball_parse_formats(&o.formats, formats, &ctx->err);
	if (rc < 0)
		return usage_from_err(ctx, tarball_usage);
	project = rel_plan_project(ctx->config);
	for (char *p = project; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	st_buf_addf(&def, "%s-%%V", project);
	rel_plan_get(&name, ctx->config, &v, "tarball", def.buf);
	st_buf_reset(&def);
	st_buf_addf(&def, "%s/", name.buf);
	rel_plan_get(&prefix, ctx->config, &v, "prefix", def.buf);
	if (ref_opt)
		st_buf_addstr(&ref, ref_opt);
	else
		rel_plan_tag_name(&ref, ctx->config, &v);
	o.basename = name.buf;
	o.prefix = prefix.buf;
	rc = rel_plan_open_repo(&repo, ctx->config, &v, repo_opt, &ctx->err);
	if (rc == 0)
		rc = rel_tarball_write(&res, repo, ref.buf, &o, &ctx->err);
	if (rc < 0)
		goto out;
	if (json) {
		json_t *j = json_object(), *files = json_array();

		st_json_set_str(j, "version", v.text);
		st_json_set_str(j, "ref", ref.buf);
		st_json_set_str(j, "commit", res.commit);
		st_json_set_str(j, "prefix", prefix.buf);
		for (size_t i = 0; i < res.nfiles; i++) {
			json_t *f = json_object();

			st_json_set_str(f, "path", res.files[i].path);
			st_json_set_str(f, "sha256", res.files[i].sha256);
			json_array_append_new(files, f);
		}
		json_object_set_new(j, "files", files);
		st_json_set_str(j, "sha256sums", res.sums_path);
		files = json_array();
		for (size_t i = 0; res.sigs[i] && i < 4; i++)
			json_array_append_new(files, st_json_str(res.sigs[i]));
		json_object_set_new(j, "signatures", files);
		st_json_print(stdout, j, 1);
		json_decref(j);
	} else {
		for (size_t i = 0; i < res.nfiles; i++)
			printf("%s  %s\n", res.files[i].sha256,
			       res.files[i].path);
		printf("%s\n", res.sums_path);
		for (size_t i = 0; res.sigs[i] && i < 4; i++)
			printf("%s\n", res.sigs[i]);
	}
out:
	rel_tarball_result_release(&res);
	git_repository_free(repo);
	free(project);
	st_buf_release(&ref);
	st_buf_release(&name);
	st_buf_release(&prefix);
	st_buf_release(&def);
	return rc;
}

/* Sorted by name. */
static const struct subcommand subcommands[] = {
	{"tarball", release_tarball, "write reproducible release tarballs"},
};

static void print_usage(FILE *f)
{
	fputs("usage: steward release <subcommand> [<args>]\n\nsubcommands:\n",
	      f);
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]);
	     i++)
		fprintf(f, "  %-10s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fputs("\nEach subcommand takes --help.\n", f);
}

int cmd_release(int argc, char **argv, struct st_ctx *ctx)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		if (argc < 2) {
			print_usage(stderr);
			return st_error_set(&ctx->err, ST_EUSAGE,
					    "a subcommand is required");
		}
		print_usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]);
	     i++)
		if (!strcmp(subcommands[i].name, argv[1]))
			return subcommands[i].fn(argc - 1, argv + 1, ctx);
	print_usage(stderr);
	return st_error_set(&ctx->err, ST_EUSAGE, "unknown subcommand '%s'",
			    argv[1]);
}
