#!/bin/bash
# bench-trees.sh: `steward trees` against git's own pipeline.
#  1. a repository of N (default 20,000) non-merge commits made with git
#     fast-import (bench/gen-repo.py: edits, new and deleted files, renames
#     with and without edits, mode changes, binary files);
#  2. the first full sync against `git log -p --no-merges | git patch-id
#     --stable`, side by side, best of R runs each, and how many of the
#     patch-ids are equal to git's;
#  3. an incremental sync after one new commit;
#  4. matching 100,000 posted patches against 100,000 commits (synthetic
#     rows), a full run.
# Usage: bench/bench-trees.sh [N] [R]   (STEWARD=path/to/steward)
#   BENCH_REPO=gen-repo-headers: N single edits to real C headers instead
#   (bench/gen-repo-headers.py: large files, hunks that can slide).
# Not part of ctest.
set -eu
N=${1:-20000}
R=${2:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
STEWARD=${STEWARD:-$HERE/../build/steward}
W=$(mktemp -d /tmp/bench-trees.XXXXXX)
trap 'rm -rf "$W"' EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME=$W
now() { date +%s.%N; }
# timed FILE CMD...: run CMD, append "wall cpu" (seconds; cpu = user + sys
# of every process) to FILE.
TIMEFORMAT='%R %U %S'
timed() {
	local f=$1
	shift
	{ time "$@" >/dev/null; } 2>"$W/.t"
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$W/.t" >>"$f"
}
gitpipe() { git -C "$W/repo.git" log -p --no-merges | git patch-id --stable >"$W/git.ids"; }
secs() { echo "$2 - $1" | bc; }
best() { printf '%s\n' "$@" | sort -n | head -1; }

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(now)
git init -q --bare "$W/repo.git"
python3 "$HERE/${BENCH_REPO:-gen-repo}.py" "$N" | git -C "$W/repo.git" fast-import --quiet
git -C "$W/repo.git" repack -adq
echo "repository: $N commits, $(git -C "$W/repo.git" count-objects -v | awk '/in-pack/{print $2}') objects ($(secs "$t0" "$(now)") s to make)"

for _ in $(seq "$R"); do
	timed "$W/git.times" gitpipe
	rm -rf "$W/s" && mkdir "$W/s"
	printf '[core]\n\tdb = %s/s/steward.db\n[tree "bench"]\n\tpath = %s\n\tbranch = master\n' \
		"$W" "$W/repo.git" >"$W/s/steward.conf"
	timed "$W/ours.times" "$STEWARD" --config "$W/s/steward.conf" trees sync --json
done
read -r gw gc < <(sort -n "$W/git.times" | head -1)
read -r ow oc < <(sort -n "$W/ours.times" | head -1)
echo "first sync, best of $R (wall s, cpu s):"
echo "  steward trees sync:                          $ow wall, $oc cpu"
echo "  git log -p --no-merges | git patch-id --stable: $gw wall, $gc cpu"
echo "  speed-up: $(echo "scale=2; $gw / $ow" | bc)x wall, $(echo "scale=2; $gc / $oc" | bc)x cpu"
echo "  all runs (wall cpu): steward $(tr '\n' ' ' <"$W/ours.times")/ git $(tr '\n' ' ' <"$W/git.times")"
sqlite3 "$W/s/steward.db" "SELECT oid, git_patch_id FROM commits WHERE git_patch_id IS NOT NULL" |
	tr '|' ' ' | sort >"$W/ours.ids"
awk '{print $2, $1}' "$W/git.ids" | sort >"$W/git.sorted"
same=$(join "$W/ours.ids" "$W/git.sorted" | awk '$2 == $3' | wc -l)
echo "patch-ids equal to git's: $same of $(wc -l <"$W/git.sorted") ($(wc -l <"$W/ours.ids") computed)"

# One more commit on master, then an incremental sync.
tip=$(git -C "$W/repo.git" rev-parse master)
printf 'commit refs/heads/master\ncommitter B <b@example.org> 1700000000 +0000\ndata 4\nmore\nfrom %s\nM 100644 inline bench-extra.c\ndata 6\nextra\n\n' \
	"$tip" | git -C "$W/repo.git" fast-import --quiet
timed "$W/inc1.times" sh -c "'$STEWARD' --config '$W/s/steward.conf' trees sync --json >'$W/inc.json'"
python3 -c "import json; j=json.load(open('$W/inc.json')); assert j['commits_indexed'] == 1, j"
rm -f "$W/inc.times"
for _ in $(seq "$R"); do
	timed "$W/inc.times" "$STEWARD" --config "$W/s/steward.conf" trees sync --json
done
echo "incremental sync after one new commit: $(cat "$W/inc1.times") (wall cpu);"
echo "  then with nothing new: $(tr '\n' ' ' <"$W/inc.times")"
# 100,000 patches against 100,000 commits: a quarter match by patch-id, a
# quarter by subject + author, the rest not at all.
M=$W/m
mkdir "$M"
printf '[core]\n\tdb = %s/steward.db\n' "$M" >"$M/steward.conf"
"$STEWARD" --config "$M/steward.conf" trees match >/dev/null
sqlite3 "$M/steward.db" <<'EOF'
BEGIN;
INSERT INTO trees(id, name, path) VALUES (1, 'syn', '/nonexistent');
INSERT INTO branches(id, tree_id, name, position) VALUES (1, 1, 'master', 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO commits(id, tree_id, oid, author_name, author_email, author_time,
	committer_name, committer_email, commit_time, subject, norm_subject,
	git_patch_id, is_merge, message)
SELECT i, 1, printf('%040x', i), 'Dev', 'dev' || (i % 500) || '@example.org',
	1600000000 + i * 60, 'M', 'm@example.org', 1600000000 + i * 60 + 3600,
	'subsys: change ' || i, 'subsys: change ' || i,
	printf('%040x', i * 7919), 0, 'msg' FROM n;
INSERT INTO branch_commits SELECT 1, id FROM commits;
INSERT INTO lists(id, name) VALUES (1, 'list');
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
INSERT INTO people(id, email, name) SELECT i + 1, 'dev' || i || '@example.org', 'Dev' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
INSERT INTO series(id, list_id, submitter_id, name, norm_name, total, received, date, last_activity, complete)
SELECT i, 1, 1, 'series ' || i, 'series ' || i, 4, 4, 1600000000, 1600000000, 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO messages(id, msgid, list_id, author_id, date, subject, kind, raw, raw_size)
SELECT i, 'm' || i || '@example.org', 1, (i % 500) + 1, 1600000000 + i * 60 - 86000,
	'subsys: change ' || i, 'patch', x'00', 1 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO patches(id, message_id, series_id, number, submitter_id, name, norm_name, date, git_patch_id)
SELECT i, i, (i + 3) / 4, ((i - 1) % 4) + 1, (i % 500) + 1, 'subsys: change ' || i,
	CASE WHEN i % 4 < 2 THEN 'subsys: change ' || i ELSE 'posted ' || i END,
	1600000000 + i * 60 - 86000,
	CASE WHEN i % 4 = 0 THEN printf('%040x', i * 7919) ELSE printf('%040x', i * 7919 + 1) END
FROM n;
COMMIT;
EOF
t0=$(now)
"$STEWARD" --config "$M/steward.conf" trees match --full --json >"$W/match.json"
t=$(secs "$t0" "$(now)")
echo "matching 100,000 patches against 100,000 commits (full): $t s: $(tr -d '\n ' <"$W/match.json")"
sqlite3 "$M/steward.db" "SELECT '  by method: ' || group_concat(m, ', ') FROM (SELECT method || ' ' || count(*) AS m FROM patch_commits GROUP BY method)"
t0=$(now)
"$STEWARD" --config "$M/steward.conf" trees match --json >/dev/null
echo "matching again, incremental (nothing new): $(secs "$t0" "$(now)") s"
