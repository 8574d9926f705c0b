# test-security.sh: advisories imported from a Xen-shaped layout, checked
# against a repository with master and two stable branches; the
# embargoed tracker and its audit log.
. "$(dirname "$0")/../lib.sh"
export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z"

git init -q -b master xen
cd xen
printf 'line 1\nline 2\nline 3\n' >a.c
printf 'old b\n' >b.c
git add . && git commit -qm "base"
git branch stable-4.19
git branch stable-4.18
printf 'line 1\nline 2 changed on master\nline 3\n' >a.c
git commit -qam "master moves on"
git checkout -q stable-4.18
printf 'totally different\n' >b.c
git commit -qam "4.18 diverges"
git checkout -q master
cd ..

mkdir adv
# XSA-1: one patch for all versions, touching b.c (fails on 4.18).
cat >adv/xsa1.patch <<'P'
From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: Sec Team <security@example.org>
Subject: [PATCH] fix b

This is XSA-1.

---
 b.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/b.c b/b.c
index 1111111..2222222 100644
--- a/b.c
+++ b/b.c
@@ -1 +1 @@
-old b
+new b
P
# XSA-2: needs XSA-1 first; per-version patches for a.c.
cat >adv/xsa2.patch <<'P'
Subject: [PATCH] fix a on master

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,3 +1,3 @@
 line 1
 line 2 changed on master
-line 3
+line 3 fixed
P
cat >adv/xsa2-4.19.patch <<'P'
Subject: [PATCH] fix a on 4.19

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,3 +1,3 @@
 line 1
 line 2
-line 3
+line 3 fixed
P
cat >adv/advisory-2.txt <<'P'
                    Xen Security Advisory CVE-2025-1234 / XSA-2
                               version 2

                   Something bad in a.c

UPDATES IN VERSION 2
====================

This issue will be made public on 2025-03-04 12:00 UTC.
P
recipe() { printf '{"Recipes": {"xen": {"StableRef": null, "Prereqs": %s, "Patches": %s}}}' "$1" "$2"; }
cat >adv/xsa1.meta <<M
{"XSA": 1, "SupportedVersions": ["master", "4.19", "4.18"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '[]' '["xsa1.patch"]'),
             "4.19": $(recipe '[]' '["xsa1.patch"]'),
             "4.18": $(recipe '[]' '["xsa1.patch"]')}}
M
cat >adv/xsa2.meta <<M
{"XSA": 2, "SupportedVersions": ["master", "4.19"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '[1]' '["xsa2.patch"]'),
             "4.19": $(recipe '[1]' '["xsa2-4.19.patch"]')}}
M
printf '[tree "xen"]\n\tpath = xen\n\tbranch = master\n' >steward.conf

run security import adv
expect_rc 0 "import"
expect_out "imported 2 advisories"
run security show 2 --json
expect_json "j['title'] == 'Something bad in a.c' and j['version'] == 2 and j['cves'] == 'CVE-2025-1234'"
expect_json "j['public_date'] == 1741089600"
expect_json "[r['version'] for r in j['recipes']] == ['master', '4.19'] and j['recipes'][0]['prereqs'] == '1'"

run security check 1 --json
expect_rc 1 "XSA-1 fails on 4.18"
expect_json "[(c['version'], c['status']) for c in j] == [('master', 'applies'), ('4.19', 'applies'), ('4.18', 'fails')]"
expect_json "j[2]['patches'][0]['status'] == 'failed' and j[2]['patches'][0]['error']"
run security check 2 --json
expect_rc 0 "XSA-2 with its prerequisite"
expect_json "all(c['status'] == 'applies' for c in j)"
expect_json "[p['file'] for p in j[1]['patches']] == ['xsa1.patch', 'xsa2-4.19.patch']"
# No worktree or temporary checkout is left in the repository.
[ -z "$(git -C xen status --porcelain)" ] && [ "$(git -C xen worktree list | wc -l)" -eq 1 ] \
	&& pass || fail "repository touched"

# Malformed metadata: a clear error naming file and JSON path; nothing
# of the import is stored.
mkdir bad
cp adv/xsa1.patch bad/
printf '{"XSA": 7, "SupportedVersions": ["4.19"], "Trees": ["xen"], "Recipes": {"4.19": {"Recipes": {"xen": {"Prereqs": ["one"], "Patches": ["xsa1.patch"]}}}}}' >bad/xsa7.meta
printf '{"XSA": 8, "SupportedVersions": ["4.19"], "Trees": ["xen"], "Recipes": {}}' >bad/xsa8.meta
run security import bad
expect_rc 1 "bad prereqs"
expect_err "xsa7.meta: Recipes.4.19.Recipes.xen.Prereqs[0]: expected an XSA number"
run security show 8
expect_rc 1 "nothing half-imported"
printf '{"XSA": 9, "Trees": [' >bad/xsa7.meta
run security import bad
expect_rc 1 "bad json"
expect_err "xsa7.meta: line 1"
printf '{"XSA": 9}' >bad/xsa7.meta
run security import bad
expect_rc 1 "wrong number"
expect_err "xsa7.meta: XSA: expected the number in the file name"

# Which branches already carry the fixes: master has XSA-1 as published
# (patch-id), 4.19 under another title with the marker, 4.18 not at all;
# XSA-2 landed on 4.19 without a marker, found by subject and diff.
cd xen
git apply ../adv/xsa1.patch && git commit -qam "fix b"
git checkout -q stable-4.19
# Backports differ from what was published: more files, other context.
git apply ../adv/xsa1.patch && echo extra >c.c && git add c.c
git commit -qam "b: make it new" -m "This is XSA-1."
sed -i 's/^line 2$/line 2 (4.19)/' a.c && git commit -qam "4.19 context"
sed -i 's/^line 3$/line 3 fixed/' a.c && git commit -qam "fix a on 4.19" -m "Reviewed-by: R <r@example.org>"
git checkout -q master
cd ..
cat >adv/xsa3.patch <<'P'
Subject: [PATCH] third fix

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,3 +1,3 @@
-line 1
+line 1 fixed
 line 2
 line 3
P
cat >adv/xsa3.meta <<M
{"XSA": 3, "SupportedVersions": ["4.18"], "Trees": ["xen"],
 "Recipes": {"4.18": $(recipe '[1]' '["xsa3.patch"]')}}
M
run security import adv
expect_rc 0 "re-import"
printf '[tree "xen"]\n\tpath = xen\n\tbranch = master\n\tbranch = stable-4.19\n\tbranch = stable-4.18\n' >steward.conf
run trees sync
expect_rc 0 "trees sync"
run security match all --json
expect_rc 0 "match"
expect_json "[(c['advisory'], c['version'], c['state']) for c in j] == [(1, 'master', 'applied'), (1, '4.19', 'applied'), (1, '4.18', 'missing'), (2, 'master', 'missing'), (2, '4.19', 'applied'), (3, '4.18', 'prerequisite-missing')]"
expect_json "[p['method'] for c in j for p in c['patches'] if p['commit']] == ['patch-id', 'marker', 'subject+diff']"
run security match 1 --html
expect_rc 0 "match html"
expect_out "<table"
expect_out ">missing<"

# Embargoed issues, with an append-only audit log.
run security issue add --reporter "Eve <eve@example.org>" --summary "overflow in a.c" --public 2030-01-01 --author alice
expect_rc 0 "issue add"
ID=$OUT
run security issue update "$ID" --state triaged --note "confirmed on 4.19" --author bob
expect_rc 0 "issue update"
run security issue update "$ID" --state bogus
expect_rc 1 "bad state"
expect_err "unknown state 'bogus'"
run security issue show "$ID"
expect_json "j['state'] == 'triaged' and j['notes'][0]['author'] == 'bob'"
expect_json "[a['field'] for a in j['audit']] == ['reporter', 'summary', 'public_date', 'state', 'note']"
expect_json "j['audit'][3]['old'] == 'reported' and j['audit'][3]['new'] == 'triaged'"
sqlite3 steward.db "DELETE FROM security_audit" 2>"$T/.err"
RC=$?
[ "$RC" -ne 0 ] && pass || fail "audit log cannot be deleted"
expect_err "append-only"
run security issue show 999
expect_rc 1 "missing issue"
finish
