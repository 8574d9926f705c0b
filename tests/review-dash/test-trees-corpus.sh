# test-trees-corpus.sh: every patch-id of a first sync equals git's on a
# repository of single edits to real C headers (bench/gen-repo-headers.py):
# large files, hunks xdiff may slide, form feeds, final newlines toggled.
# It guards review-dash/linediff.c (placing runs that slide, form feeds
# in the indent heuristic) and rd_patch_id's white space rules against
# git itself.
. "$(dirname "$0")/../lib.sh"

export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
N=400
git init -q --bare repo.git
python3 "$STEWARD_SOURCE/bench/gen-repo-headers.py" $N 3 |
	git -C repo.git fast-import --quiet
[ "$(git -C repo.git rev-list --count master)" = $N ] && pass || fail "corpus not made"
printf '[core]\n\tdb = s.db\n[tree "h"]\n\tpath = %s/repo.git\n\tbranch = master\n' "$T" >c.conf
run --config c.conf trees sync --json
expect_rc 0 "sync"
expect_json "j['commits_indexed'] == $N"
git -C repo.git log -p --no-merges | git patch-id --stable | awk '{print $2, $1}' | sort >git.ids
sqlite3 s.db "SELECT oid, git_patch_id FROM commits WHERE git_patch_id IS NOT NULL" |
	tr '|' ' ' | sort >ours.ids
[ "$(wc -l <git.ids)" -ge $((N - 5)) ] && pass || fail "git gave $(wc -l <git.ids) ids"
if cmp -s git.ids ours.ids; then
	pass
else
	diff git.ids ours.ids | head -5
	fail "patch-ids differ from git's"
fi
finish
