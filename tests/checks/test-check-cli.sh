# test-check.sh: the check framework through `steward check`, with the
# branch-lag kind on a repository made here.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
# 2026-01-01T00:00:00Z
DAY0=1767225600
commit() { # DATE-SECONDS MESSAGE
	GIT_AUTHOR_DATE="@$1 +0000" GIT_COMMITTER_DATE="@$1 +0000" \
		git -C repo commit -q --allow-empty -m "$2"
}
git init -q -b master repo
commit $DAY0 "base"
git -C repo branch merged
git -C repo checkout -q -b staging
commit $((DAY0 + 86400)) "first waiting"
commit $((DAY0 + 2 * 86400)) "second waiting"
git -C repo checkout -q master

cat >steward.conf <<'CONF'
[core]
	db = s.db
[check "lag"]
	kind = branch-lag
	path = repo
	branch = staging
	target = master
[check "in"]
	kind = branch-lag
	path = repo
	branch = merged
[check "x<y&z"]
	kind = branch-lag
	path = nowhere
CONF

run check list
expect_rc 0 "list"
expect_out "lag                  branch-lag"
expect_out "x<y&z"
run check list --kinds --json
expect_rc 0 "list --kinds"
expect_json "[k['kind'] for k in j] == ['applies', 'badge', 'branch-lag', 'build', 'https', 'advisory-coverage', 'release-rules']"

# Four days after the first waiting commit: warn (warn-days 2, fail 7).
export STEWARD_NOW=$((DAY0 + 5 * 86400))
run check run lag
expect_rc 0 "lag warns"
expect_out "lag: warn 6/10: 'staging' has waited 4 days for 'master'"
expect_out "2 commit(s) of 'staging' not in 'master'"
expect_out "first waiting"

run check run in --json
expect_rc 0 "merged branch"
expect_json "j[0]['status'] == 'pass' and j[0]['score'] == 10"
expect_json "j[0]['name'] == 'in' and 'documentation' in j[0]"

export STEWARD_NOW=$((DAY0 + 12 * 86400))
run check run lag --json
expect_rc 1 "lag fails after fail-days"
expect_json "j[0]['status'] == 'fail' and j[0]['score'] == 0"
expect_json "j[0]['reason'] == \"'staging' has waited 11 days for 'master'\""
expect_json "any(isinstance(d, dict) and d['waiting'] == 2 for d in j[0]['details'])"

run check list --json
expect_rc 0 "list with results"
expect_json "[(c['name'], c.get('last', {}).get('status')) for c in j] == [('lag', 'fail'), ('in', 'pass'), ('x<y&z', None)]"
run check list
expect_out "lag                  branch-lag fail 0/10 2026-01-13T00:00:00Z"
run check history lag --json
expect_rc 0 "history"
expect_json "[r['status'] for r in j] == ['fail', 'warn']"
run check history lag -n 1
expect_rc 0 "history -n 1"
expect_out "fail"
expect_no_out "warn"
run check history nope
expect_rc 1 "history of a check never run"
expect_err "check 'nope' has never run"

# A check that cannot run is an error, and the exit code says so.
run check run 'x<y&z'
expect_rc 1 "error result"
expect_out "x<y&z: error 0/10: cannot open repository"

run check run no-such
expect_rc 1 "unknown check"
expect_err "no check 'no-such'"
printf '[check "k"]\n\tkind = nope\n' >bad.conf
run check --config bad.conf run k
expect_rc 1 "unknown kind"
expect_err "check 'k': unknown kind 'nope'"

run check badge lag -o lag.svg
expect_rc 0 "badge"
grep -q '<svg' lag.svg && grep -q 'fail 0/10' lag.svg && grep -q '#e05d44' lag.svg \
	&& pass || fail "badge content"
run check badge 'x<y&z' -o x.svg
expect_rc 0 "badge of escaped name"
grep -q 'x&lt;y&amp;z' x.svg && ! grep -q 'x<y' x.svg && pass || fail "badge escaping"
python3 -c "import xml.dom.minidom,sys; xml.dom.minidom.parse('x.svg')" \
	&& pass || fail "badge is well-formed XML"
run check badge --all -o all.svg
expect_rc 0 "project badge"
grep -q '1/3 passing' all.svg && pass || fail "project badge message"
run check badge lag
expect_rc 2 "badge without -o"
run check frob
expect_rc 2 "unknown subcommand"
expect_err "unknown subcommand 'frob'"
run check run --no-store --json in
expect_rc 0 "no-store"
run check history in --json
expect_json "len(j) == 1"
run check --help
expect_rc 0
expect_out "usage: steward check"

finish
