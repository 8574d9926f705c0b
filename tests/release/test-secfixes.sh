# test-secfixes.sh: the security-fixes release rule of the shipped Xen
# rule set, over advisories imported with `steward security import` and
# a repository indexed with `steward trees sync`: skipped without
# advisories, failing with advisory, patch file and branch on missing,
# partial and prerequisite-missing fixes, passing once all are applied.
. "$(dirname "$0")/../lib.sh"
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z"

git init -q -b master xen
for f in a b c d; do printf 'line 1 of %s\nline 2\nline 3\n' $f >xen/$f.c; done
git -C xen add . && git -C xen commit -qm "base"
git -C xen branch stable-4.20
# The published fixes, made as commits on a scratch branch and written
# out the way the security team publishes them.
git -C xen checkout -q -b fixes stable-4.20
fix() { # FILE SUBJECT
	sed -i 's/^line 3$/line 3 fixed/' "xen/$1"
	git -C xen commit -qam "$2"
}
fix a.c "x86: fix a"
fix b.c "x86: fix b, part one"
fix c.c "x86: fix c, part two"
fix d.c "x86: fix d, needs a"
mkdir adv
git -C xen format-patch -q -4 -o ../adv HEAD
mv adv/0001-*.patch adv/xsa1.patch
mv adv/0002-*.patch adv/xsa3-1.patch
mv adv/0003-*.patch adv/xsa3-2.patch
mv adv/0004-*.patch adv/xsa4.patch
git -C xen checkout -q master
recipe() { printf '{"Recipes": {"xen": {"StableRef": null, "Prereqs": %s, "Patches": %s}}}' "$1" "$2"; }
# XSA-1 for master and 4.20; XSA-2 for 4.19 only (not this release);
# XSA-3 in two patches; XSA-4 needs XSA-1 first.
cat >adv/xsa1.meta <<M
{"XSA": 1, "SupportedVersions": ["master", "4.20"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '[]' '["xsa1.patch"]'),
             "4.20": $(recipe '[]' '["xsa1.patch"]')}}
M
cat >adv/xsa2.meta <<M
{"XSA": 2, "SupportedVersions": ["4.19"], "Trees": ["xen"],
 "Recipes": {"4.19": $(recipe '[]' '["xsa1.patch"]')}}
M
cat >adv/xsa3.meta <<M
{"XSA": 3, "SupportedVersions": ["4.20"], "Trees": ["xen"],
 "Recipes": {"4.20": $(recipe '[]' '["xsa3-1.patch", "xsa3-2.patch"]')}}
M
cat >adv/xsa4.meta <<M
{"XSA": 4, "SupportedVersions": ["4.20"], "Trees": ["xen"],
 "Recipes": {"4.20": $(recipe '[1]' '["xsa4.patch"]')}}
M
cat >steward.conf <<EOC
[include]
	path = $STEWARD_SOURCE/release/examples/xen-rules.conf
[core]
	db = steward.db
[release "4.20"]
	repo = xen
	branch = stable-4.20
[tree "xen"]
	path = xen
	branch = master
	branch = stable-4.20
[check "xsa-420"]
	kind = advisory-coverage
	version = 4.20
[check "rel-420"]
	kind = release-rules
	version = 4.20.0
EOC
sec="[f for f in j['findings'] if f['rule'] == 'security-fixes']"

run release check 4.20.0 --json
expect_rc 1 "other rules fail on this tree"
expect_json "[(f['status'], f['message']) for f in $sec] == [('skip', 'no security advisories in the store (steward security import)')]"

run security import adv
expect_rc 0 "import"
run release check 4.20.0 --json
expect_rc 1 "not indexed yet"
expect_json "[(f['status'], f['message']) for f in $sec] == [('fail', 'XSA-%d cannot be checked: branch stable-4.20 of tree xen is not indexed (steward trees sync)' % n) for n in (1, 3, 4)]"
# Applied on the branch: XSA-3 part one only.
git -C xen checkout -q stable-4.20
git -C xen cherry-pick fixes~2 >/dev/null
git -C xen checkout -q master
run trees sync
expect_rc 0 "trees sync"
run release check 4.20.0 --json
expect_rc 1 "missing fixes"
expect_json "[(f['status'], f['file'], f['value']) for f in $sec] == [('fail', 'xsa1.patch', 'stable-4.20'), ('fail', 'xsa3-2.patch', 'stable-4.20'), ('fail', 'xsa4.patch', 'stable-4.20')]"
expect_json "[f['message'] for f in $sec] == ['XSA-1 is missing on branch stable-4.20 of tree xen: xsa1.patch not found', 'XSA-3 is partial on branch stable-4.20 of tree xen: xsa3-2.patch not found', 'XSA-4 is prerequisite-missing on branch stable-4.20 of tree xen: xsa4.patch not found (needs XSA-1 first)']"
run release check 4.20.0
expect_out "FAIL security-fixes: XSA-1 is missing on branch stable-4.20 of tree xen: xsa1.patch not found: stable-4.20"
expect_out "why: every published security fix"
run release status 4.20 --json
expect_json "'security-fixes' in j['checks']['failed']"
# The same, as checks of the check framework, with history.
run check run xsa-420 rel-420 --json
expect_rc 1 "coverage and release checks fail"
expect_json "[(r['name'], r['status']) for r in j] == [('xsa-420', 'fail'), ('rel-420', 'fail')]"
expect_json "sorted((d['advisory'], d['state']) for d in j[0]['details']) == [(1, 'missing'), (3, 'partial'), (4, 'prerequisite-missing')]"
expect_json "'security-fixes' in [d['rule'] for d in j[1]['details']]"

# Everything applied (XSA-2 is for 4.19 and does not count).
git -C xen checkout -q stable-4.20
git -C xen cherry-pick fixes~3 fixes~1 fixes >/dev/null
git -C xen checkout -q master
run trees sync
expect_rc 0 "trees sync again"
run release check 4.20.0 --json
expect_json "[(f['status'], f['message']) for f in $sec] == [('pass', 'the fixes of 3 advisories for 4.20 are all present')]"
run check run xsa-420 --json
expect_rc 0 "coverage check passes"
expect_json "j[0]['status'] == 'pass' and j[0]['score'] == 10"
run check history xsa-420 --json
expect_json "[r['status'] for r in j] == ['pass', 'fail']"
run release check 4.19.0 --repo xen --ref stable-4.20 --json
expect_json "[f['status'] for f in $sec] == ['fail'] and 'not indexed' in $sec[0]['message']"
# A rule limited to another tree has nothing to check; the branch loses
# the XSA-4 fix (a force-push), so the shipped rule fails again.
printf '[include]\n\tpath = steward.conf\n[release-rule "qemu-fixes"]\n\tkind = security-fixes\n\ttree = qemu-xen\n' >qemu.conf
git -C xen branch -f stable-4.20 stable-4.20~1
run trees sync
run --config qemu.conf release check 4.20.0 --json
expect_json "[(f['status'], f['file']) for f in $sec] + [(f['status'], f['message']) for f in j['findings'] if f['rule'] == 'qemu-fixes'] == [('fail', 'xsa4.patch'), ('pass', 'none of 4 advisories (5 cells) applies to 4.20')]"
finish
