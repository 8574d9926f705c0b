/*
 * cmd-release.c: `steward release <subcommand>`, the release manager's
 * tool. A nested sorted table like the dispatcher's; each subcommand
 * parses its options and calls one module.
 */
#include "commands.h"

#include "common/json.h"
#include "common/util.h"
#include "common/xalloc.h"
#include "release/blocker.h"
#include "release/check.h"
#include "release/notes.h"
#include "release/plan.h"
#include "release/postings.h"
#include "release/status.h"
#include "release/tag.h"
#include "release/tarball.h"

#include <stdint.h>
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
	"usage: steward release tarball VERSION [--rc N] [--ref REF] [-o DIR]\n"
	"                               [--formats LIST] [--repo PATH]\n"
	"                               [--sign KEYID] [--threads N] [--json]\n"
	"\n"
	"Write the release tarballs of VERSION: the tree of REF (default the\n"
	"release tag) as `git archive --format=tar` writes it, compressed\n"
	"deterministically, plus SHA256SUMS and, with --sign, detached gpg\n"
	"signatures (.sig).\n"
	"\n"
	"  --rc N           candidate N: its tag, NAME-X.Y.Z-rcN files\n"
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
		{"rc", required_argument, NULL, 'n'},
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
	int64_t rc_num = 0;
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
		case 'n':
			if (st_parse_int64(&rc_num, optarg, 1, 999, "--rc",
					   &ctx->err) < 0)
				return usage_from_err(ctx, tarball_usage);
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
	v.rc = rc_num;
	project = rel_plan_project(ctx->config);
	for (char *p = project; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	st_buf_addf(&def, "%s-%%V", project);
	rel_plan_get(&name, ctx->config, &v, "tarball", def.buf);
	if (v.rc)
		st_buf_addf(&name, "-rc%lld", (long long)v.rc);
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

/* What check and tag share: VERSION [--rc N] [--ref REF] [--repo PATH]. */
struct target_opts {
	struct rel_version v;
	const char *ref;
	const char *repo;
	bool json;
	const char *sign_key;
	const char *force;
};

static const char check_usage[] =
	"usage: steward release check VERSION [--rc N] [--ref REF]\n"
	"                             [--repo PATH] [--json]\n"
	"\n"
	"Run the release rules ([release-rule \"NAME\"] in the configuration)\n"
	"on REF (default: the release branch, else HEAD) for the release\n"
	"or candidate N of VERSION. Prints each finding with its evidence\n"
	"and exits 1 when any fails.\n"
	"\n"
	"  --rc N       check candidate N rather than the release\n"
	"  --ref REF    the commit to check\n"
	"  --repo PATH  repository (default: from [release \"X.Y\"])\n"
	"  --json       print {version, ok, findings: [...]}\n";

static const char tag_usage[] =
	"usage: steward release tag VERSION [--rc N] [--ref REF]\n"
	"                           [--sign KEYID] [--force REASON]\n"
	"                           [--repo PATH] [--json]\n"
	"\n"
	"Create the annotated tag of the release (or candidate N) of\n"
	"VERSION on REF, with the message \"<Project> <version>\", after the\n"
	"release rules pass. Refused with the failing findings unless\n"
	"--force gives a reason, which goes into the tag message.\n"
	"\n"
	"  --rc N          tag candidate N (name from rc-tag-format)\n"
	"  --ref REF       the commit to tag (default: release branch/HEAD)\n"
	"  --sign KEYID    sign the tag with this gpg key\n"
	"  --force REASON  tag even when rules fail, recording why\n"
	"  --repo PATH     repository (default: from [release \"X.Y\"])\n"
	"  --json          print the tag and the findings as JSON\n";

static int parse_target(struct target_opts *t, int argc, char **argv,
			const char *usage, bool is_tag, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"rc", required_argument, NULL, 'n'},
		{"ref", required_argument, NULL, 'r'},
		{"repo", required_argument, NULL, 'R'},
		{"json", no_argument, NULL, 'j'},
		{"sign", required_argument, NULL, 's'},
		{"force", required_argument, NULL, 'F'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int64_t rc_num = 0;
	int c;

	memset(t, 0, sizeof(*t));
	st_opt_reset();
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS "j", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h':
			st_opt_help(usage);
			return 1;
		case 'n':
			if (st_parse_int64(&rc_num, optarg, 1, 999, "--rc",
					   &ctx->err) < 0)
				return usage_from_err(ctx, usage);
			break;
		case 'r':
			t->ref = optarg;
			break;
		case 'R':
			t->repo = optarg;
			break;
		case 'j':
			t->json = true;
			break;
		case 's':
		case 'F':
			if (!is_tag)
				return st_ctx_usage_error(ctx, usage,
							  "unknown option '%s'",
							  argv[optind - 1]);
			if (c == 's')
				t->sign_key = optarg;
			else
				t->force = optarg;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, usage, c, argv);
		}
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, usage,
					  optind < argc
						  ? "too many arguments"
						  : "VERSION is required");
	if (rel_version_parse(&t->v, argv[optind], &ctx->err) < 0)
		return usage_from_err(ctx, usage);
	t->v.rc = rc_num;
	return 0;
}

/* The commit a check or tag is about: --ref, else the release branch. */
static char *target_ref(const struct target_opts *t, struct st_ctx *ctx)
{
	struct st_buf key = ST_BUF_INIT;
	char *ref;

	if (t->ref)
		return st_xstrdup(t->ref);
	st_buf_addf(&key, "release.%s.branch", t->v.series);
	ref = st_config_get_string(ctx->config, key.buf, "HEAD");
	st_buf_release(&key);
	return ref;
}

/* Run the rules; *ok tells whether all passed. */
static int run_checks(struct rel_findings *fs, git_repository **repo,
		      const struct target_opts *t, const char *ref,
		      struct st_ctx *ctx)
{
	struct st_store *store;
	int rc;

	rc = rel_plan_open_repo(repo, ctx->config, &t->v, t->repo, &ctx->err);
	if (rc < 0)
		return rc;
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	return rel_check_run(fs, ctx->config, *repo, &t->v, ref, store,
			     &ctx->err);
}

static void version_label(struct st_buf *out, const struct rel_version *v)
{
	st_buf_addstr(out, v->text);
	if (v->rc)
		st_buf_addf(out, "-rc%lld", (long long)v->rc);
}

static int release_check(int argc, char **argv, struct st_ctx *ctx)
{
	struct target_opts t;
	struct rel_findings fs = {0};
	struct st_buf label = ST_BUF_INIT;
	git_repository *repo = NULL;
	char *ref = NULL;
	int rc = parse_target(&t, argc, argv, check_usage, false, ctx);

	if (rc)
		return rc > 0 ? 0 : rc;
	ref = target_ref(&t, ctx);
	rc = run_checks(&fs, &repo, &t, ref, ctx);
	if (rc < 0)
		goto out;
	version_label(&label, &t.v);
	if (t.json) {
		json_t *j = json_object();

		st_json_set_str(j, "version", label.buf);
		st_json_set_str(j, "ref", ref);
		json_object_set_new(j, "ok",
				    json_boolean(rel_findings_ok(&fs)));
		json_object_set_new(j, "findings", rel_findings_json(&fs));
		st_json_print(stdout, j, 1);
		json_decref(j);
	} else {
		rel_findings_print(stdout, &fs);
		printf("%s: %s at %s\n", label.buf,
		       rel_findings_ok(&fs) ? "ready" : "NOT ready", ref);
	}
	rc = rel_findings_ok(&fs) ? 0 : 1;
out:
	rel_findings_release(&fs);
	git_repository_free(repo);
	st_buf_release(&label);
	free(ref);
	return rc;
}

static int release_tag(int argc, char **argv, struct st_ctx *ctx)
{
	struct target_opts t;
	struct rel_findings fs = {0};
	struct st_buf name = ST_BUF_INIT, msg = ST_BUF_INIT,
		      label = ST_BUF_INIT;
	git_repository *repo = NULL;
	char *ref = NULL, *project = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id;
	bool ok;
	int rc = parse_target(&t, argc, argv, tag_usage, true, ctx);

	if (rc)
		return rc > 0 ? 0 : rc;
	ref = target_ref(&t, ctx);
	rc = run_checks(&fs, &repo, &t, ref, ctx);
	if (rc < 0)
		goto out;
	ok = rel_findings_ok(&fs);
	if (!ok && !t.force) {
		rel_findings_print(stderr, &fs);
		rc = st_error_set(&ctx->err, ST_ERROR,
				  "refusing to tag: release rules fail "
				  "(fix them or give --force REASON)");
		goto out;
	}
	rel_plan_tag_name(&name, ctx->config, &t.v);
	project = rel_plan_project(ctx->config);
	version_label(&label, &t.v);
	st_buf_addf(&msg, "%s %s\n", project, label.buf);
	if (!ok) {
		st_buf_addf(&msg, "\nTagged with failing release rules: %s\n",
			    t.force);
		for (size_t i = 0; i < fs.n; i++)
			if (fs.v[i].status == REL_FAIL)
				st_buf_addf(&msg, "  %s: %s\n", fs.v[i].rule,
					    fs.v[i].message);
	}
	rc = rel_tag_create(&id, repo, name.buf, ref, msg.buf, t.sign_key,
			    &ctx->err);
	if (rc < 0)
		goto out;
	git_oid_tostr(hex, sizeof(hex), &id);
	if (t.json) {
		json_t *j = json_object();

		st_json_set_str(j, "tag", name.buf);
		st_json_set_str(j, "object", hex);
		json_object_set_new(j, "signed", json_boolean(t.sign_key));
		json_object_set_new(j, "forced", json_boolean(!ok));
		json_object_set_new(j, "findings", rel_findings_json(&fs));
		st_json_print(stdout, j, 1);
		json_decref(j);
	} else {
		printf("tagged %s (%s)%s%s\n", name.buf, hex,
		       t.sign_key ? ", signed" : "", ok ? "" : ", FORCED");
	}
out:
	rel_findings_release(&fs);
	git_repository_free(repo);
	st_buf_release(&name);
	st_buf_release(&msg);
	st_buf_release(&label);
	free(project);
	free(ref);
	return rc;
}

static const char status_usage[] =
	"usage: steward release status [VERSION] [--repo PATH] [--json]\n"
	"\n"
	"Today's phase of the release (from the dates of [release \"X.Y\"];\n"
	"STEWARD_NOW overrides the clock), days to the next milestone, open\n"
	"blockers (the tracker's and series naming the release), series\n"
	"first posted after the last-posting day (of the release's list =\n"
	"NAME, else of every list), the commits on the release branch since\n"
	"the code freeze that lack a Release-Ack and the release rules.\n"
	"Without VERSION: the next release.\n"
	"\n"
	"  --repo PATH  repository (default: from [release \"X.Y\"])\n"
	"  --json       print one JSON object\n";

static int release_status(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"repo", required_argument, NULL, 'R'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct st_buf series = ST_BUF_INIT;
	const char *repo_opt = NULL;
	git_repository *repo = NULL;
	struct st_store *store;
	struct rel_version v;
	json_t *st = NULL;
	time_t now = st_time_now();
	bool json = false;
	int c, rc;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS "j", opts, NULL)) !=
	       -1) {
		if (c == 'h')
			return st_opt_help(status_usage);
		if (c == 'R')
			repo_opt = optarg;
		else if (c == 'j')
			json = true;
		else if (!st_opt_is_common(c))
			return st_opt_error(ctx, status_usage, c, argv);
	}
	if (optind + 1 < argc)
		return st_ctx_usage_error(ctx, status_usage,
					  "too many arguments");
	if (optind < argc)
		st_buf_addstr(&series, argv[optind]);
	else if ((rc = rel_status_default_series(&series, ctx->config, now,
						 &ctx->err)) < 0)
		goto out;
	rc = rel_version_parse(&v, series.buf, &ctx->err);
	if (rc < 0) {
		rc = usage_from_err(ctx, status_usage);
		goto out;
	}
	/* The repository is optional here: without one, no unacked list. */
	if (rel_plan_open_repo(&repo, ctx->config, &v, repo_opt, &ctx->err) <
		    0 &&
	    repo_opt) {
		rc = ctx->err.code;
		goto out;
	}
	st_error_clear(&ctx->err);
	store = st_ctx_store(ctx, false);
	if (!store) {
		rc = ctx->err.code ? ctx->err.code : ST_ERROR;
		goto out;
	}
	rc = rel_status(&st, ctx->config, repo, store, &v, now, &ctx->err);
	if (rc < 0)
		goto out;
	if (json)
		st_json_print(stdout, st, 1);
	else
		rel_status_print(stdout, st);
out:
	json_decref(st);
	git_repository_free(repo);
	st_buf_release(&series);
	return rc;
}

static const char blocker_usage[] =
	"usage: steward release blocker add VERSION TITLE [--link URL]\n"
	"                                   [--owner WHO]\n"
	"       steward release blocker list VERSION [--all] [--json]\n"
	"       steward release blocker close VERSION ID [--reason TEXT]\n"
	"\n"
	"Track what holds a release back. list shows open blockers unless\n"
	"--all is given: those of the tracker, then the series whose subject\n"
	"names the release ([PATCH for-4.20]) until all their patches have\n"
	"landed (accepted, or found on a branch by 'steward trees sync').\n";

static int release_blocker(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"owner", required_argument, NULL, 'o'},
		{"reason", required_argument, NULL, 'r'},
		{"all", no_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *link = NULL, *owner = NULL, *reason = NULL, *action;
	struct rel_blocker_list l = {0};
	struct rel_postings ps = {0};
	struct st_store *store;
	struct rel_version v;
	char *list;
	bool all = false, json = false;
	int64_t id;
	int c, rc;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS "j", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h':
			return st_opt_help(blocker_usage);
		case 'l':
			link = optarg;
			break;
		case 'o':
			owner = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'a':
			all = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, blocker_usage, c,
						    argv);
		}
	}
	if (argc - optind < 2)
		return st_ctx_usage_error(ctx, blocker_usage,
					  "an action and VERSION are required");
	action = argv[optind];
	if (rel_version_parse(&v, argv[optind + 1], &ctx->err) < 0)
		return usage_from_err(ctx, blocker_usage);
	if (strcmp(action, "add") && strcmp(action, "list") &&
	    strcmp(action, "close"))
		return st_ctx_usage_error(ctx, blocker_usage,
					  "unknown action '%s'", action);
	if (argc - optind != (strcmp(action, "list") ? 3 : 2))
		return st_ctx_usage_error(ctx, blocker_usage,
					  "wrong number of arguments for '%s'",
					  action);
	store = st_ctx_store(ctx, false);
	if (!store)
		return ctx->err.code ? ctx->err.code : ST_ERROR;
	if (!strcmp(action, "add")) {
		rc = rel_blocker_add(store, v.text, argv[optind + 2], link,
				     owner, st_time_now(), &id, &ctx->err);
		if (rc == 0)
			printf("%lld\n", (long long)id);
		return rc;
	}
	if (!strcmp(action, "close")) {
		if (st_parse_int64(&id, argv[optind + 2], 1, INT64_MAX, "ID",
				   &ctx->err) < 0)
			return usage_from_err(ctx, blocker_usage);
		return rel_blocker_close(store, v.text, id, reason,
					 st_time_now(), &ctx->err);
	}
	rc = rel_blocker_list(&l, store, v.text, !all, &ctx->err);
	if (rc < 0)
		return rc;
	list = rel_postings_list(ctx->config, &v);
	rc = rel_postings_blockers(&ps, store, list, &v, !all, &ctx->err);
	free(list);
	if (rc < 0)
		goto out;
	if (json) {
		json_t *a = json_array();

		for (size_t i = 0; i < l.n; i++) {
			json_t *b = json_object();

			st_json_set_str(b, "kind", "tracker");
			st_json_set_int(b, "id", l.v[i].id);
			st_json_set_str(b, "version", l.v[i].version);
			st_json_set_str(b, "title", l.v[i].title);
			st_json_set_str(b, "link", l.v[i].link);
			st_json_set_str(b, "owner", l.v[i].owner);
			st_json_set_str(b, "state",
					l.v[i].is_open ? "open" : "closed");
			st_json_set_int(b, "created", l.v[i].created);
			if (l.v[i].closed)
				st_json_set_int(b, "closed", l.v[i].closed);
			st_json_set_str(b, "reason", l.v[i].reason);
			json_array_append_new(a, b);
		}
		for (size_t i = 0; i < ps.n; i++) {
			json_t *b = rel_posting_json(&ps.v[i]);

			st_json_set_str(b, "kind", "series");
			st_json_set_str(b, "title", ps.v[i].subject);
			st_json_set_str(b, "owner", ps.v[i].author);
			st_json_set_str(b, "state",
					ps.v[i].is_open ? "open" : "closed");
			json_array_append_new(a, b);
		}
		st_json_print(stdout, a, 1);
		json_decref(a);
	} else {
		for (size_t i = 0; i < l.n; i++)
			printf("#%lld %s %s%s%s\n", (long long)l.v[i].id,
			       l.v[i].is_open ? "open  " : "closed",
			       l.v[i].title, l.v[i].owner ? " - " : "",
			       l.v[i].owner ? l.v[i].owner : "");
		for (size_t i = 0; i < ps.n; i++)
			printf("series %lld %s %s - %s (%lld of %lld landed)\n",
			       (long long)ps.v[i].id,
			       ps.v[i].is_open ? "open  " : "closed",
			       ps.v[i].subject, ps.v[i].author,
			       (long long)ps.v[i].landed,
			       (long long)ps.v[i].patches);
	}
out:
	rel_blocker_list_release(&l);
	rel_postings_release(&ps);
	return rc;
}

static const char notes_usage[] =
	"usage: steward release notes VERSION [--since REV] [--ref REF]\n"
	"                             [--format md|html] [--repo PATH]\n"
	"\n"
	"Release notes from the commits in REF (default: the release tag\n"
	"when it exists, else the release branch, else HEAD) and not in REV\n"
	"(default: the release tag of X.Y.(Z-1), or of X.(Y-1).0 for X.Y.0):\n"
	"changes by subject area, security fixes (XSA-N), credits from the\n"
	"authors and trailers. HTML is the Markdown rendered by cmark.\n"
	"\n"
	"  --since REV       start after this revision\n"
	"  --ref REF         end at this revision\n"
	"  --format md|html  output format (default md)\n"
	"  --repo PATH       repository (default: from [release \"X.Y\"])\n";

/* The default start of the notes: the previous release's tag. */
static void previous_tag(struct st_buf *out, struct st_ctx *ctx,
			 const struct rel_version *v)
{
	struct rel_version prev = *v;

	if (v->patch > 0) {
		prev.patch--;
	} else if (v->minor > 0) {
		prev.minor--;
	} else {
		return;
	}
	snprintf(prev.text, sizeof(prev.text), "%lld.%lld.%lld",
		 (long long)prev.major, (long long)prev.minor,
		 (long long)prev.patch);
	prev.rc = 0;
	rel_plan_tag_name(out, ctx->config, &prev);
}

static int release_notes(int argc, char **argv, struct st_ctx *ctx)
{
	static const struct option opts[] = {
		{"since", required_argument, NULL, 's'},
		{"ref", required_argument, NULL, 'r'},
		{"format", required_argument, NULL, 'f'},
		{"repo", required_argument, NULL, 'R'},
		ST_COMMON_LONG_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct st_buf since = ST_BUF_INIT, ref = ST_BUF_INIT,
		      title = ST_BUF_INIT, md = ST_BUF_INIT, html = ST_BUF_INIT;
	const char *since_opt = NULL, *ref_opt = NULL, *repo_opt = NULL;
	const char *format = "md";
	git_repository *repo = NULL;
	git_object *obj = NULL;
	char *project = NULL;
	struct rel_version v;
	int c, rc;

	st_opt_reset();
	while ((c = getopt_long(argc, argv, SHORT_OPTIONS, opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			return st_opt_help(notes_usage);
		case 's':
			since_opt = optarg;
			break;
		case 'r':
			ref_opt = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'R':
			repo_opt = optarg;
			break;
		default:
			if (!st_opt_is_common(c))
				return st_opt_error(ctx, notes_usage, c, argv);
		}
	}
	if (optind + 1 != argc)
		return st_ctx_usage_error(ctx, notes_usage,
					  optind < argc
						  ? "too many arguments"
						  : "VERSION is required");
	if (strcmp(format, "md") && strcmp(format, "html"))
		return st_ctx_usage_error(ctx, notes_usage,
					  "unknown format '%s'", format);
	if (rel_version_parse(&v, argv[optind], &ctx->err) < 0)
		return usage_from_err(ctx, notes_usage);
	rc = rel_plan_open_repo(&repo, ctx->config, &v, repo_opt, &ctx->err);
	if (rc < 0)
		goto out;
	if (ref_opt) {
		st_buf_addstr(&ref, ref_opt);
	} else {
		rel_plan_tag_name(&ref, ctx->config, &v);
		if (git_revparse_single(&obj, repo, ref.buf) < 0) {
			char *branch;

			st_buf_reset(&ref);
			st_buf_addf(&ref, "release.%s.branch", v.series);
			branch = st_config_get_string(ctx->config, ref.buf,
						      "HEAD");
			st_buf_reset(&ref);
			st_buf_addstr(&ref, branch);
			free(branch);
		}
	}
	if (since_opt)
		st_buf_addstr(&since, since_opt);
	else
		previous_tag(&since, ctx, &v);
	project = rel_plan_project(ctx->config);
	st_buf_addf(&title, "%s %s release notes", project, v.text);
	rc = rel_notes_markdown(&md, repo, title.buf,
				since.len ? since.buf : NULL, ref.buf,
				&ctx->err);
	if (rc < 0)
		goto out;
	if (!strcmp(format, "html")) {
		rc = rel_notes_html(&html, title.buf, md.buf, &ctx->err);
		if (rc == 0)
			fwrite(html.buf, 1, html.len, stdout);
	} else {
		fwrite(md.buf, 1, md.len, stdout);
	}
out:
	git_object_free(obj);
	git_repository_free(repo);
	free(project);
	st_buf_release(&since);
	st_buf_release(&ref);
	st_buf_release(&title);
	st_buf_release(&md);
	st_buf_release(&html);
	return rc;
}

/* Sorted by name. */
static const struct subcommand subcommands[] = {
	{"blocker", release_blocker, "add, list and close release blockers"},
	{"check", release_check, "run the release rules before tagging"},
	{"notes", release_notes, "release notes from the history"},
	{"status", release_status, "phase, next milestone, blockers, acks"},
	{"tag", release_tag, "create the (signed) release tag"},
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
