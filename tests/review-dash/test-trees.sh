# test-trees.sh: `steward trees` on repositories made here with the git
# CLI: every commit's patch-id against `git patch-id --stable`, incremental
# and force-pushed syncs, a posted series matched to its commits, a
# cherry-pick to a stable branch, mirrors, and bad input.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME="Ann Author" GIT_AUTHOR_EMAIL="ann@example.org"
export GIT_COMMITTER_NAME="Carl Committer" GIT_COMMITTER_EMAIL="carl@example.org"
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch master
git config --global user.name "Carl Committer"
git config --global user.email carl@example.org

R="$T/repo"
g() { git -C "$R" "$@"; }
commit() { g add -A && g commit -q "$@"; }

git init -q "$R"
for i in 1 2 3 4; do seq $((i * 100)) $((i * 100 + 60)) >"$R/f$i.txt"; done
printf 'bin\0ary' >"$R/blob.bin"
printf 'a\r\nb\r\n' >"$R/crlf.txt"
ln -s f1.txt "$R/link"
mkdir "$R/dir" && seq 1 40 >"$R/dir/a"
commit -m "Initial import"
g mv f1.txt g1.txt && sed -i '1,20d' "$R/g1.txt" && commit -m "Rename with edits"
g mv f2.txt g2.txt && commit -m "Pure rename"
chmod +x "$R/f3.txt" && commit -m "Mode change only"
chmod +x "$R/f4.txt" && echo more >>"$R/f4.txt" && commit -m "Mode and content"
printf 'bin\0ari' >"$R/blob.bin" && commit -m "Binary change"
g mv blob.bin blob2.bin && commit -m "Binary rename"
: >"$R/empty" && commit -m "New empty file"
g rm -q empty dir/a && commit -m "Delete files"
rm "$R/link" && echo text >"$R/link" && commit -m "Symlink to file"
printf 'no newline' >"$R/nonl" && commit -m "No newline at end"
# Edits whose hunks xdiff may slide (repeated blank lines and braces) and
# ones it cannot; a form feed and a vertical tab, which are not white
# space to git's patch-id.
printf 'int a;\n\n\f\n/* b */\nint b(void)\n{\n}\n\n}\n\nint c;\n' >"$R/ff.c" && commit -m "Form feed file"
sed -i 's|^int b(void)$|int b(int x)|' "$R/ff.c" && commit -m "One line changed"
sed -i '2i\\' "$R/ff.c" && commit -m "Blank line added among blank lines"
sed -i '7a}' "$R/ff.c" && commit -m "Brace added between braces"
printf 'int\vd;\n' >>"$R/ff.c" && commit -m "Vertical tab"
printf 'x' >>"$R/nonl" && commit -m "Still no newline at end"
echo >>"$R/nonl" && commit -m "Newline at end again"
g commit -q --allow-empty -m "Empty commit"
echo fix >"$R/sec.c" && g add -A && g commit -q -F - <<'EOF'
x86/mm: fix the security bug

This is part of XSA-123.

Reported-by: Rita Reporter <rita@example.org>
Reviewed-By: Rob Reviewer <rob@example.org>
Release-acked-by: Rel Manager <rel@example.org>
Signed-off-by: Ann Author <ann@example.org>
EOF
g checkout -q -b topic
echo topic >"$R/topic.txt" && commit -m "Topic work"
g checkout -q master
echo main >"$R/main.txt" && commit -m "Main work"
g merge -q --no-edit topic
g branch stable-1.0 HEAD~1

# Every commit's patch-id equals git's; merges and empty commits have none.
check_patch_ids() {
	bad=0
	for c in $(g rev-list master stable-1.0); do
		want=$(g show "$c" | git patch-id --stable | cut -c1-40)
		got=$(sqlite3 steward.db "SELECT ifnull(git_patch_id, '') FROM commits WHERE oid = '$c'")
		if [ "$want" != "$got" ]; then
			echo "patch-id of $c ($(g log -1 --format=%s "$c")): git '$want', steward '$got'"
			bad=1
		fi
	done
	[ $bad -eq 0 ] && pass || fail "patch-ids differ from git's ($1)"
}

run trees add xen "$R" --branch master --branch stable-1.0
expect_rc 0 "trees add"
grep -q 'branch = stable-1.0' steward.conf && pass || fail "config has the branch"

run trees sync --json
expect_rc 0 "first sync"
total=$(g rev-list --all | wc -l)
expect_json "j['commits_indexed'] == $total and j['commits_total'] == $total"
expect_json "j['patches_total'] == 0 and j['patches_matched'] == 0"
check_patch_ids "first sync"
# Branch $2 of tree $1 reaches exactly the commits git lists for it.
check_reach() {
	sqlite3 steward.db "SELECT c.oid FROM branch_commits bc JOIN branches b ON b.id = bc.branch_id JOIN trees t ON t.id = b.tree_id JOIN commits c ON c.id = bc.commit_id WHERE t.name = '$1' AND b.name = '$2'" |
		sort >"$T/reach.got"
	g rev-list "$2" | sort >"$T/reach.want"
	cmp -s "$T/reach.got" "$T/reach.want" && pass ||
		fail "$1/$2 reaches $(wc -l <"$T/reach.got") commits, git $(wc -l <"$T/reach.want")"
}
# master's commits are linked as they are stored; stable-1.0's were all
# reached by master before.
check_reach xen master
check_reach xen stable-1.0
[ "$(sqlite3 steward.db "SELECT is_merge, git_patch_id IS NULL FROM commits WHERE oid = '$(g rev-parse master)'")" = "1|1" ] \
	&& pass || fail "merge recorded without patch-id"
[ "$(sqlite3 steward.db "SELECT count(*) FROM commits WHERE subject = 'Empty commit' AND git_patch_id IS NULL")" = 1 ] \
	&& pass || fail "empty commit without patch-id"

sec="SELECT group_concat(kind || '=' || ifnull(email, ''), ' ') FROM commit_trailers t JOIN commits c ON c.id = t.commit_id WHERE c.subject = 'x86/mm: fix the security bug'"
[ "$(sqlite3 steward.db "$sec")" = "Reported-by=rita@example.org Reviewed-by=rob@example.org Release-Acked-by=rel@example.org Signed-off-by=ann@example.org" ] \
	&& pass || fail "trailers: $(sqlite3 steward.db "$sec")"
[ "$(sqlite3 steward.db "SELECT xsa FROM commits WHERE subject = 'x86/mm: fix the security bug'")" = XSA-123 ] \
	&& pass || fail "xsa marker"

# Nothing new: nothing indexed. One new commit: one indexed.
run trees sync --json
expect_json "j['commits_indexed'] == 0 and j['commits_total'] == $total"
echo x >>"$R/main.txt" && commit -m "One more"
run trees sync xen --json
expect_json "j['commits_indexed'] == 1 and j['commits_total'] == $((total + 1))"

# Force-push: master loses two commits and gains one.
old=$(g rev-parse master)
g reset -q --hard HEAD~2
echo rewritten >"$R/main.txt" && commit -m "Rewritten history"
run trees sync --json
expect_rc 0 "sync after force-push"
expect_json "j['commits_indexed'] == 1"
[ "$(sqlite3 steward.db "SELECT tip FROM branches WHERE name = 'master'")" = "$(g rev-parse master)" ] \
	&& pass || fail "tip follows the force-push"
n_bc=$(sqlite3 steward.db "SELECT count(*) FROM branch_commits bc JOIN branches b ON b.id = bc.branch_id WHERE b.name = 'master'")
[ "$n_bc" = "$(g rev-list master | wc -l)" ] && pass || fail "master reaches $n_bc commits"
[ "$(sqlite3 steward.db "SELECT count(*) FROM branch_commits bc JOIN commits c ON c.id = bc.commit_id WHERE c.oid = '$old'")" = 0 ] \
	&& pass || fail "the old tip is no longer on any branch"
check_patch_ids "after force-push"

# A posted series of three patches, as ingest stores it.
g checkout -q -b series master
for i in 1 2 3; do
	seq $((i * 1000)) $((i * 1000 + 30)) >"$R/s$i.c"
	g add -A && GIT_AUTHOR_NAME="Pat Poster" GIT_AUTHOR_EMAIL="pat@example.org" \
		g commit -q -m "xen/s$i: add   the S$i file"
done
g format-patch -q -3 -o "$T/mail"
g checkout -q master
now=$(date +%s)
sqlite3 steward.db <<EOF
INSERT INTO lists(id, name) VALUES (1, 'xen-devel');
INSERT INTO people(id, email, name) VALUES (1, 'Pat@example.org', 'Pat Poster');
INSERT INTO series(id, list_id, submitter_id, name, norm_name, total, received, date, last_activity, complete)
	VALUES (1, 1, 1, 'add S files', 'add s files', 3, 3, $now, $now, 1);
EOF
for i in 1 2 3; do
	f=$(ls "$T"/mail/000$i-*.patch)
	pid=$(git patch-id --stable <"$f" | cut -c1-40)
	sqlite3 steward.db "INSERT INTO messages(id, msgid, list_id, author_id, date, subject, kind, raw, raw_size)
		VALUES ($i, 'series-$i@example.org', 1, 1, $now, 'S$i', 'patch', x'00', 1);
		INSERT INTO patches(id, message_id, series_id, number, submitter_id, name, norm_name, date, git_patch_id)
		VALUES ($i, $i, 1, $i, 1, 'xen/s$i: add the S$i file', 'xen/s$i: add the s$i file', $now, '$pid');"
done
# The maintainer applies them, editing the third on commit.
g am -q "$T"/mail/0001-*.patch "$T"/mail/0002-*.patch
g am -q "$T"/mail/0003-*.patch
echo "fixed on commit" >>"$R/s3.c" && g add -A && g commit -q --amend --no-edit
run trees sync --json
expect_rc 0 "sync after applying the series"
expect_json "j['patches_total'] == 3 and j['patches_matched'] == 3"
methods=$(sqlite3 steward.db "SELECT p.number || ':' || pc.method FROM patch_commits pc JOIN patches p ON p.id = pc.patch_id ORDER BY p.number" | tr '\n' ' ')
[ "$methods" = "1:patch-id 2:patch-id 3:subject-author " ] && pass || fail "methods: $methods"
states=$(sqlite3 steward.db "SELECT group_concat(state || '=' || (commit_ref IS NOT NULL)) FROM patches")
[ "$states" = "accepted=1,accepted=1,accepted=1" ] && pass || fail "patch states: $states"
[ "$(sqlite3 steward.db "SELECT commit_ref FROM patches WHERE id = 1")" = "$(g rev-parse master~2)" ] \
	&& pass || fail "commit_ref of patch 1"
[ "$(sqlite3 steward.db "SELECT state FROM series WHERE id = 1")" = accepted ] && pass || fail "series accepted"

# Backports to stable-1.0: cherry-pick -x, and Xen's "master commit:".
g checkout -q stable-1.0
g cherry-pick -x master~2 >/dev/null
orig3=$(g rev-parse master)
g cherry-pick master >/dev/null
g commit -q --amend -m "xen/s3: add the S3 file

master commit: $orig3
master date: 2026-01-01 00:00:00 +0000"
orig2=$(g rev-parse master~1)
g cherry-pick master~1 >/dev/null
g commit -q --amend -m "xen/s2: add the S2 file

commit $orig2 upstream."
# No marker at all: found by its patch-id.
g cherry-pick "$(g log --format=%H --grep='^Rewritten history' master)" >/dev/null
g checkout -q master
run trees sync --json
expect_rc 0 "sync after backports"
run trees where '<series-1@example.org>'
expect_rc 0 "where patch 1"
expect_out "xen/master $(g rev-parse --short=12 master~2)"
expect_out "xen/stable-1.0 $(g rev-parse --short=12 stable-1.0~3)"
run trees where series-3@example.org --json
expect_json "sorted(b['branch'] + ':' + b['how'] for b in j['branches']) == ['master:subject-author', 'stable-1.0:backport-marker']"
links=$(sqlite3 steward.db "SELECT group_concat(method) FROM (SELECT method FROM commit_links ORDER BY method)")
[ "$links" = "backport-marker,backport-marker,backport-marker,patch-id" ] && pass || fail "commit links: $links"
[ "$(sqlite3 steward.db "SELECT o.oid FROM commit_links l JOIN commits c ON c.id = l.commit_id JOIN commits o ON o.id = l.original_commit_id WHERE c.oid = '$(g rev-parse stable-1.0~1)'")" = "$orig2" ] \
	&& pass || fail "'commit X upstream' marker"
run trees where "$(g rev-parse --short master~2)" --json
expect_rc 0 "where commit"
expect_json "j['kind'] == 'commit' and sorted(b['how'] for b in j['branches']) == ['backport', 'direct']"
check_patch_ids "with backports"

# Bad input: a clear error naming the thing, and the store unchanged.
snapshot() { sqlite3 steward.db "SELECT count(*) FROM trees; SELECT count(*) FROM branches; SELECT group_concat(tip) FROM branches; SELECT count(*) FROM commits; SELECT count(*) FROM branch_commits;"; }
before=$(snapshot)
mkdir "$T/plain"
printf '[tree "nogit"]\n\tpath = %s\n' "$T/plain" >>steward.conf
run trees sync nogit
expect_rc 1 "not a repository"
expect_err "'$T/plain' is not a git repository"
printf '[tree "badbranch"]\n\tpath = %s\n\tbranch = master\n\tbranch = no-such\n' "$R" >>steward.conf
run trees sync badbranch
expect_rc 1 "unknown branch"
expect_err "unknown branch 'no-such' in tree 'badbranch'"
printf '[tree "unreachable"]\n\turl = http://127.0.0.1:1/xen.git\n' >>steward.conf
run trees sync unreachable
expect_rc 1 "unreachable url"
expect_err "cannot fetch 'http://127.0.0.1:1/xen.git'"
[ ! -e mirrors/unreachable.git ] && [ ! -e mirrors/unreachable.git.tmp ] && pass || fail "no mirror left behind"
# A commit missing in the middle of history: the walk fails while the
# workers already index the commits found before it.
git init -q --bare "$T/broken.git"
for i in $(seq 1 100); do
	printf 'commit refs/heads/master\ncommitter C <c@example.org> %d +0000\n' $((1700000000 + i))
	printf 'data <<EOT\nChange %d\nEOT\nM 644 inline f\ndata <<EOT\n%d\nEOT\n\n' $i $i
done | git -C "$T/broken.git" fast-import --quiet
mv "$T"/broken.git/objects/pack/*.pack "$T/broken.pack"
rm "$T"/broken.git/objects/pack/*
git -C "$T/broken.git" unpack-objects -q <"$T/broken.pack"
gone=$(git -C "$T/broken.git" rev-parse master~60)
rm "$T/broken.git/objects/$(echo "$gone" | cut -c1-2)/$(echo "$gone" | cut -c3-)"
printf '[tree "broken"]\n\tpath = %s\n\tbranch = master\n' "$T/broken.git" >>steward.conf
run trees sync broken
expect_rc 1 "missing commit"
expect_err "cannot walk"
run trees sync no-such-tree
expect_rc 1 "unknown tree"
expect_err "no tree 'no-such-tree'"
[ "$(snapshot)" = "$before" ] && pass || fail "store changed by failed syncs"

# A remote tree is mirrored, then fetched.
run trees add remote "file://$R" --branch stable-1.0
run trees sync remote --json
expect_rc 0 "mirror sync"
expect_json "j['commits_indexed'] == $(g rev-list stable-1.0 | wc -l)"
[ -d mirrors/remote.git ] && pass || fail "mirror created"
g checkout -q stable-1.0 && echo s >"$R/st.txt" && commit -m "Stable fix" && g checkout -q master
run trees sync remote --json
expect_json "j['commits_indexed'] == 1"

run trees list --json
expect_json "[t['name'] for t in j] == ['xen', 'nogit', 'badbranch', 'unreachable', 'broken', 'remote']"
# A first sync of two branches with commits of their own: topic's merged
# commit is linked as it is stored, the ones stable-1.0 reached by oid.
printf '[tree "pair"]\n\tpath = %s\n\tbranch = stable-1.0\n\tbranch = topic\n' "$R" >>steward.conf
run trees sync pair --json
expect_rc 0 "first sync of two branches"
expect_json "j['commits_indexed'] == $(g rev-list stable-1.0 topic | wc -l)"
check_reach pair stable-1.0
check_reach pair topic
run trees where nothing-like-this
expect_rc 1 "where unknown"
expect_err "no patch or commit 'nothing-like-this'"
run trees frobnicate
expect_rc 2 "unknown subcommand"
expect_err "unknown subcommand 'frobnicate'"
run trees --help
expect_rc 0
expect_out "steward trees sync"

# Commits in a form git does not write (an author line libgit2 trims, a
# committer without a time): read through libgit2, by the walk and by the
# workers, with libgit2's values and git's patch-id.
git init -q --bare "$T/odd.git"
printf 'blob\nmark :1\ndata 4\nodd\n\ncommit refs/heads/master\nmark :2\ncommitter C <c@example.org> 1700000000 +0000\ndata 5\nbase\nM 644 :1 f\n\n' |
	git -C "$T/odd.git" fast-import --quiet
base=$(git -C "$T/odd.git" rev-parse master)
tree=$(printf '100644 blob %s\tf\n100644 blob %s\tg\n' "$(git -C "$T/odd.git" rev-parse master:f)" "$(git -C "$T/odd.git" rev-parse master:f)" | git -C "$T/odd.git" mktree)
odd=$(printf 'tree %s\nparent %s\nauthor   Odd Name.. <odd@example.org> 1700000001 +0000\ncommitter C <c@example.org>\n\nOdd commit\n' "$tree" "$base" |
	git -C "$T/odd.git" hash-object -t commit -w --stdin --literally)
git -C "$T/odd.git" update-ref refs/heads/master "$odd"
printf '[tree "odd"]\n\tpath = %s/odd.git\n\tbranch = master\n' "$T" >>steward.conf
run trees sync odd --json
expect_rc 0 "odd commits"
expect_json "j['commits_indexed'] == 2"
[ "$(sqlite3 steward.db "SELECT author_name || '|' || author_email || '|' || commit_time || '|' || subject FROM commits WHERE oid = '$odd'")" = "Odd Name|odd@example.org|0|Odd commit" ] \
	&& pass || fail "odd commit's fields: $(sqlite3 steward.db "SELECT author_name, commit_time FROM commits WHERE oid = '$odd'")"
[ "$(sqlite3 steward.db "SELECT git_patch_id FROM commits WHERE oid = '$odd'")" = "$(git -C "$T/odd.git" show "$odd" | git patch-id --stable | cut -d' ' -f1)" ] \
	&& pass || fail "odd commit's patch-id"

# A bulk load (over 4,096 new commits, more than the store has) drops
# the indexes and makes them again at the end of each round, a round
# lasting until it doubles the store (65,536 commits at least): 70,000
# commits are stored in two. The store has the same indexes as one filled
# commit by commit, they agree with the rows, and the next sync uses them.
git init -q --bare "$T/big.git"
python3 - <<'PY' | git -C "$T/big.git" fast-import --quiet
import sys
w = sys.stdout.write
for i in range(1, 70001):
    w(f"commit refs/heads/master\ncommitter C <c@example.org> {1700000000 + i} +0000\n")
    w(f"data <<EOT\nChange {i}\n\nReviewed-by: R <r{i % 7}@example.org>\nEOT\n")
    w(f"M 644 inline d{i % 50}/f\ndata <<EOT\n{i}\nEOT\n\n")
PY
printf '[core]\n\tdb = %s/big.db\n[tree "big"]\n\tpath = %s/big.git\n\tbranch = master\n' "$T" "$T" >big.conf
run -v --config big.conf trees sync --json
expect_rc 0 "bulk sync"
expect_json "j['commits_indexed'] == 70000"
expect_err "tree 'big': 65536 of 70000 commits stored"
indexes() { sqlite3 "$1" "SELECT name || ' ' || ifnull(sql, '') FROM sqlite_master WHERE type = 'index' ORDER BY name"; }
[ "$(indexes big.db)" = "$(indexes steward.db)" ] && pass || fail "bulk load indexes differ"
[ "$(sqlite3 big.db 'PRAGMA integrity_check')" = ok ] && pass || fail "bulk store inconsistent"
[ "$(sqlite3 big.db "SELECT count(*) FROM commit_trailers INDEXED BY commit_trailers_email WHERE email = 'r3@example.org'")" = 10000 ] \
	&& pass || fail "trailer index"
git -C "$T/big.git" log -p master | git patch-id --stable | awk '{print $2, $1}' | sort >big.git-ids
sqlite3 big.db "SELECT oid, git_patch_id FROM commits INDEXED BY commits_git_patch_id WHERE git_patch_id IS NOT NULL" |
	tr '|' ' ' | sort >big.ids
cmp -s big.git-ids big.ids && [ "$(wc -l <big.ids)" = 70000 ] && pass || fail "bulk patch-ids differ from git's"
printf 'commit refs/heads/master\ncommitter C <c@example.org> 1800000000 +0000\ndata 4\nMore\nfrom master^0\nM 644 inline d1/f\ndata 2\nx\n\n' |
	git -C "$T/big.git" fast-import --quiet
run --config big.conf trees sync --json
expect_json "j['commits_indexed'] == 1 and j['commits_total'] == 70001"

finish
