# test-build.sh: the build check on repositories made here: a passing
# build, one with warnings, a failing one, one that hangs and is timed
# out, a reproducible and a non-reproducible one.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
mkdir tmp
export TMPDIR=$T/tmp

git init -q -b master repo
cat >repo/build.sh <<'SH'
echo building
printf 'hello' >out.bin
SH
git -C repo add build.sh
GIT_COMMITTER_DATE="@1767225600 +0000" git -C repo commit -q -m "base"
git -C repo checkout -q -b other
printf 'echo other >out.bin\n' >repo/build.sh
git -C repo commit -q -am "other"
git -C repo checkout -q master
# Values with ';' are quoted: git-config starts a comment there.
# A local change the check must not see or touch.
echo "local edit" >>repo/build.sh

cat >steward.conf <<'CONF'
[core]
	db = s.db
[check "ok"]
	kind = build
	path = repo
	command = sh build.sh
	command = test $(cat out.bin) = hello
[check "branch"]
	kind = build
	path = repo
	ref = other
	command = sh build.sh && grep -q other out.bin
[check "warns"]
	kind = build
	path = repo
	command = "echo 'a.c:1:2: warning: unused variable'; echo 'b.c:3: warning: x' >&2"
[check "fails"]
	kind = build
	path = repo
	command = echo first ok
	command = "echo oops; exit 3"
	command = echo never run
[check "hangs"]
	kind = build
	path = repo
	command = "echo started; sleep 100.4242; echo after"
	timeout = 2
[check "chatty"]
	kind = build
	path = repo
	command = "seq 1 20000; echo the-last-line; exit 1"
	log-max = 1
[check "repro"]
	kind = build
	path = repo
	command = date -u -d @$SOURCE_DATE_EPOCH >stamp.txt
	reproducible = true
	artifact = stamp.txt
[check "unrepro"]
	kind = build
	path = repo
	command = "date +%s%N >stamp.txt; pwd >>stamp.txt"
	reproducible = true
	artifact = stamp.txt
[check "badref"]
	kind = build
	path = repo
	ref = no-such-branch
	command = true
CONF

tmp_empty() { [ -z "$(ls -A "$TMPDIR")" ] && pass || fail "temporary checkout left in $TMPDIR: $(ls "$TMPDIR")"; }

run check run ok
expect_rc 0 "passing build"
expect_out "ok: pass 10/10: 'HEAD' builds"
tmp_empty
# The repository's work tree and index are untouched.
grep -q "local edit" repo/build.sh && [ ! -e repo/out.bin ] && pass || fail "work tree touched"
[ "$(git -C repo status --porcelain)" = " M build.sh" ] && pass || fail "index touched"

run check run branch
expect_rc 0 "build of another ref"
expect_out "branch: pass"

run check run warns --json
expect_rc 0 "warnings do not fail"
expect_json "j[0]['status'] == 'warn' and j[0]['score'] == 8"
expect_json "j[0]['reason'] == \"'HEAD' builds with 2 warning(s)\""
expect_json "j[0]['details'][0]['warnings'] == 2"

run check run fails --json
expect_rc 1 "failing build"
expect_json "j[0]['status'] == 'fail' and j[0]['score'] == 0"
expect_json "[d['command'] for d in j[0]['details'] if isinstance(d, dict)] == ['echo first ok', 'echo oops; exit 3']"
expect_json "j[0]['details'][1]['exit'] == 3 and j[0]['details'][1]['log_tail'] == 'oops\n'"
expect_json "'Fail: \'echo oops; exit 3\' exited with 3' in j[0]['details']"
tmp_empty

start=$(date +%s)
run check run hangs --json
end=$(date +%s)
expect_rc 1 "hanging build"
expect_json "j[0]['details'][0]['timed_out'] is True"
expect_json "j[0]['details'][0]['log_tail'] == 'started\n'"
expect_json "'Fail: \'echo started; sleep 100.4242; echo after\' timed out after 2 s' in j[0]['details']"
[ $((end - start)) -lt 10 ] && pass || fail "timeout took $((end - start)) s"
# The whole process group was killed, sleep included.
pgrep -f 'sleep 100.4242' >/dev/null && fail "sleep survived the timeout" || pass
tmp_empty

run check run chatty --json
expect_rc 1 "chatty build"
expect_json "len(j[0]['details'][0]['log_tail']) <= 1024"
expect_json "j[0]['details'][0]['log_tail'].endswith('20000\nthe-last-line\n')"
expect_json "j[0]['details'][0]['log_truncated'] is True"

run check run repro --json
expect_rc 0 "reproducible build"
expect_json "j[0]['status'] == 'pass' and j[0]['reason'] == \"'HEAD' builds, reproducibly\""
expect_json "[d for d in j[0]['details'] if 'first' in d][0]['first'][0] is not None"
tmp_empty

run check run unrepro --json
expect_rc 0 "unreproducible build warns"
expect_json "j[0]['status'] == 'warn' and j[0]['reason'] == \"'HEAD' builds, not reproducibly\""
tmp_empty

run check run badref
expect_rc 1 "bad ref"
expect_out "badref: error 0/10: cannot resolve revision 'no-such-branch'"
tmp_empty

finish
