/*
 * tag.c: release tags. See tag.h.
 */
#include "tag.h"

#include "common/buf.h"
#include "release/gpg.h"

#include <stdlib.h>
#include <string.h>

int rel_tag_create(git_oid *out, git_repository *repo, const char *name,
		   const char *ref, const char *message, const char *sign_key,
		   struct st_error *err)
{
	git_object *obj = NULL, *target = NULL;
	git_signature *me = NULL;
	git_reference *existing = NULL;
	struct st_buf refname = ST_BUF_INIT, buf = ST_BUF_INIT;
	char id[GIT_OID_HEXSZ + 1];
	int valid = 0, rc = 0, off;

	st_buf_addf(&refname, "refs/tags/%s", name);
	if (git_reference_name_is_valid(&valid, refname.buf) < 0 || !valid) {
		rc = st_error_set(err, ST_EINVALID, "bad tag name '%s'", name);
		goto out;
	}
	if (git_reference_lookup(&existing, repo, refname.buf) == 0) {
		rc = st_error_set(err, ST_EEXISTS, "tag '%s' exists", name);
		goto out;
	}
	if (git_revparse_single(&obj, repo, ref) < 0) {
		rc = st_error_set(err, ST_ENOTFOUND, "unknown revision '%s'",
				  ref);
		goto out;
	}
	if (git_object_peel(&target, obj, GIT_OBJECT_COMMIT) < 0) {
		rc = st_error_set(err, ST_EINVALID,
				  "'%s' does not name a commit", ref);
		goto out;
	}
	if (git_signature_default(&me, repo) < 0) {
		rc = st_error_set(err, ST_EINVALID,
				  "no tagger: set user.name and user.email");
		goto out;
	}
	off = me->when.offset;
	git_oid_tostr(id, sizeof(id), git_object_id(target));
	st_buf_addf(&buf,
		    "object %s\ntype commit\ntag %s\ntagger %s <%s> %lld "
		    "%c%02d%02d\n\n%s",
		    id, name, me->name, me->email, (long long)me->when.time,
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60, message);
	if (buf.len && buf.buf[buf.len - 1] != '\n')
		st_buf_addch(&buf, '\n');
	if (sign_key) {
		struct st_buf sig = ST_BUF_INIT;

		rc = rel_gpg_sign_buffer(&sig, sign_key, buf.buf, buf.len, err);
		if (rc == 0)
			st_buf_add(&buf, sig.buf, sig.len);
		st_buf_release(&sig);
		if (rc < 0)
			goto out;
	}
	if (git_tag_create_from_buffer(out, repo, buf.buf, 0) < 0) {
		const git_error *e = git_error_last();

		rc = st_error_set(err, ST_ERROR, "cannot create tag '%s': %s",
				  name, e && e->message ? e->message : "error");
	}
out:
	git_reference_free(existing);
	git_signature_free(me);
	git_object_free(target);
	git_object_free(obj);
	st_buf_release(&refname);
	st_buf_release(&buf);
	return rc;
}
