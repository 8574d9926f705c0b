# test-applies.sh: the applies check on series made with git format-patch:
# one that applies, one that conflicts on its third patch, a single
# patch file, and bad input.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
git init -q -b master repo
seq 2 10 | sed 1i\\one >repo/a.txt
git -C repo add a.txt
git -C repo commit -q -m base
git -C repo branch staging
# A series of three on a topic branch, with a cover letter.
git -C repo checkout -q -b topic
echo eleven >>repo/a.txt
git -C repo commit -q -am "a: add eleven"
printf 'new\n' >repo/b.txt
git -C repo add b.txt
git -C repo commit -q -m "b: new file"
sed -i 1s/one/ONE/ repo/a.txt
git -C repo commit -q -am "a: shout one"
git -C repo format-patch -q --cover-letter --stdout master >series.mbox
git -C repo format-patch -q -1 -o ../single HEAD~2
# staging moves on: the third patch no longer applies there.
git -C repo checkout -q staging
sed -i 1s/one/uno/ repo/a.txt
git -C repo commit -q -am "a: one in Italian"
git -C repo checkout -q master
before=$(git -C repo for-each-ref | md5sum)

cat >steward.conf <<'CONF'
[check "series"]
	kind = applies
	path = repo
	branch = master
	patch = series.mbox
[check "conflict"]
	kind = applies
	path = repo
	branch = staging
	patch = series.mbox
[check "single"]
	kind = applies
	path = repo
	branch = staging
	patch = single/0001-a-add-eleven.patch
[check "nopatch"]
	kind = applies
	path = repo
	patch = steward.conf
[check "missing"]
	kind = applies
	path = repo
	patch = no-such.mbox
CONF

run check run series --json
expect_rc 0 "series applies"
expect_json "j[0]['status'] == 'pass' and j[0]['reason'] == \"3 patch(es) apply to 'master'\""
expect_json "j[0]['details'][0]['patches'] == 3 and j[0]['details'][0]['applied'] == 3"

run check run conflict --json
expect_rc 1 "conflict"
expect_json "j[0]['status'] == 'fail' and j[0]['reason'] == \"patch 3 of 3 does not apply to 'staging'\""
expect_json "j[0]['details'][0]['applied'] == 2"
expect_json "j[0]['details'][0]['failed_subject'] == '[PATCH 3/3] a: shout one'"
run check run conflict
expect_out "Fail: patch 3/3 '[PATCH 3/3] a: shout one':"

run check run single
expect_rc 0 "single patch file"
expect_out "single: pass 10/10: 1 patch(es) apply to 'staging'"

run check run nopatch
expect_rc 1 "a file without a patch"
expect_out "nopatch: error 0/10: no patch found"
run check run missing
expect_rc 1 "a missing file"
expect_out "missing: error 0/10: cannot read"

# Branches and the work tree are untouched.
[ "$(git -C repo for-each-ref | md5sum)" = "$before" ] && pass || fail "refs changed"
[ -z "$(git -C repo status --porcelain)" ] && pass || fail "work tree changed"

finish
