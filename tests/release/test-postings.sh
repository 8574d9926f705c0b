# test-postings.sh: `steward release status|blocker|check` over a store
# made by ingesting real mail: series posted after the last posting date,
# and series whose subject names the release as blockers until they land
# on a branch indexed by `steward trees sync`.
. "$(dirname "$0")/../lib.sh"

export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch staging
git config --global user.name "Rel Manager"
git config --global user.email rm@example.org

# The mail, written the way git send-email does (mkmbox.py's helpers);
# BASE is 2025-01-06 08:00 UTC, times in minutes from it.
python3 - "$STEWARD_SOURCE/tests/review-dash" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import mkmbox as m
A, B, C = m.ALICE, m.DAVE, m.CAROL
day = 24 * 60
xen = []
# v1 in time, v2 after the deadline: a blocker (for-4.20), not late.
xen.append(m.mail("early-v1-0@x", "[PATCH for-4.20 0/2] x86: early fix", A, 0,
                  "Cover.\n"))
for i in (1, 2):
    xen.append(m.patch(f"early-v1-{i}@x", f"[PATCH for-4.20 {i}/2] x86: early fix {i}",
                       A, i, i, f"xen/early{i}.c", irt="early-v1-0@x", refs=["early-v1-0@x"]))
xen.append(m.mail("early-v2-0@x", "[PATCH for-4.20 v2 0/2] x86: early fix", A, 5 * day,
                  "v2.\n", irt="early-v1-0@x", refs=["early-v1-0@x"]))
for i in (1, 2):
    xen.append(m.patch(f"early-v2-{i}@x", f"[PATCH for-4.20 v2 {i}/2] x86: early fix {i}",
                       A, 5 * day + i, i, f"xen/early{i}.c", irt="early-v2-0@x",
                       refs=["early-v1-0@x", "early-v2-0@x"]))
# On the last posting day itself (2025-01-08 20:00): in time; tag 4.20.
xen.append(m.patch("onday@x", "[XEN PATCH 4.20] docs: release notes", C, 2 * day + 720, 1,
                   "docs/notes.md"))
# Late (2025-01-10), and tagged for other releases: not blockers of 4.20.0.
xen.append(m.patch("late@x", "[PATCH] tools: late feature", B, 4 * day, 1, "tools/late.c"))
xen.append(m.patch("old@x", "[PATCH for-4.19] x86: old branch", B, 4 * day + 5, 1,
                   "xen/old.c"))
xen.append(m.patch("point@x", "[PATCH for-4.20.1] x86: point release", B, 4 * day + 9, 1,
                   "xen/point.c"))
# A late series that names the release in upper case: a blocker too.
xen.append(m.patch("upper@x", "[PATCH FOR-4.20] arm: late fix", C, 4 * day + 20, 1,
                   "xen/arm.c"))
open("xen.mbox", "w").write("".join(xen))
# Another list: late too, but not the release's list.
open("other.mbox", "w").write(m.patch("other@x", "[PATCH] qemu: elsewhere", B, 4 * day,
                                      1, "hw/other.c"))
PY

cat >steward.conf <<EOC
[include]
	path = $STEWARD_SOURCE/release/examples/xen-rules.conf
[core]
	db = steward.db
[release "4.20"]
	repo = xen
	branch = staging
	last-posting = 2025-01-08
	feature-freeze = 2025-01-31
	code-freeze = 2025-03-07
	release = 2025-04-04
[tree "xen"]
	path = xen
	branch = staging
EOC
run ingest --list xen-devel xen.mbox
expect_rc 0 "ingest xen-devel"
run ingest --list qemu-devel other.mbox
expect_rc 0 "ingest qemu-devel"

export STEWARD_NOW=$(date -u -d 2025-01-20T08:00:00Z +%s)
run release status 4.20 --json
expect_rc 0 "status"
expect_json "j['list'] is None"
expect_json "[(s['subject'], s['date']) for s in j['late_series']] == [('[PATCH] tools: late feature', '2025-01-10'), ('[PATCH] qemu: elsewhere', '2025-01-10'), ('[PATCH for-4.19] x86: old branch', '2025-01-10'), ('[PATCH for-4.20.1] x86: point release', '2025-01-10'), ('[PATCH FOR-4.20] arm: late fix', '2025-01-10')]"
expect_json "j['late_series'][0]['author'] == 'Dave Maint <dave@example.org>' and j['late_series'][0]['list'] == 'xen-devel' and j['late_series'][1]['list'] == 'qemu-devel'"
expect_json "[s['subject'] for s in j['series_blockers']] == ['[PATCH for-4.20 v2 0/2] x86: early fix', '[XEN PATCH 4.20] docs: release notes', '[PATCH FOR-4.20] arm: late fix']"
expect_json "(lambda s: s['version'] == 2 and s['patches'] == 2 and s['landed'] == 0 and s['date'] == '2025-01-06' and s['author'] == 'Alice Example <alice@example.org>')(j['series_blockers'][0])"

# The release's list: only its series count.
printf '[include]\n\tpath = steward.conf\n[release "4.20"]\n\tlist = xen-devel\n' >list.conf
run --config list.conf release status 4.20
expect_rc 0 "status text"
expect_out "open blockers: 3"
expect_out "[PATCH for-4.20 v2 0/2] x86: early fix (Alice Example <alice@example.org>; 0 of 2 landed)"
expect_out "series posted after the last posting date (2025-01-08) to xen-devel: 4"
expect_out "2025-01-10 [PATCH] tools: late feature (Dave Maint <dave@example.org>)"
expect_no_out "qemu: elsewhere"
expect_no_out "2025-01-08 [XEN PATCH 4.20]"
run --config list.conf release status 4.20 --json
expect_json "j['list'] == 'xen-devel' and len(j['late_series']) == 4"

# Without a last-posting date there is nothing to call late.
printf '[core]\n\tdb = steward.db\n[release "4.20"]\n\tcode-freeze = 2025-03-07\n' >nolp.conf
run --config nolp.conf release status 4.20 --json
expect_rc 0 "status without last-posting"
expect_json "j['late_series'] is None and len(j['series_blockers']) == 3"

# The blocker list: the tracker's, then the series.
run release blocker add 4.20.0 "Doc update" --owner Rel
run release blocker list 4.20.0 --json
expect_rc 0 "blocker list"
expect_json "[(b['kind'], b['title'], b['state']) for b in j] == [('tracker', 'Doc update', 'open'), ('series', '[PATCH for-4.20 v2 0/2] x86: early fix', 'open'), ('series', '[XEN PATCH 4.20] docs: release notes', 'open'), ('series', '[PATCH FOR-4.20] arm: late fix', 'open')]"
run release blocker list 4.20.1
expect_rc 0 "point release blockers"
expect_out "[PATCH for-4.20.1] x86: point release - Dave Maint <dave@example.org> (0 of 1 landed)"
expect_no_out "early fix"

# A Xen-shaped tree where the v2 series lands.
git init -q xen
mkdir -p xen/xen xen/docs
for i in 1 2; do printf 'line one\nline two\nline three\n' >xen/xen/early$i.c; done
printf 'line one\nline two\nline three\n' >xen/docs/notes.md
git -C xen add -A && git -C xen commit -qm "base"
run release check 4.20.0 --ref staging --json
expect_rc 1 "series block the release"
expect_json "[f['value'] for f in j['findings'] if f['rule'] == 'blockers' and f['status'] == 'fail'] == ['Doc update', '[PATCH for-4.20 v2 0/2] x86: early fix', '[XEN PATCH 4.20] docs: release notes', '[PATCH FOR-4.20] arm: late fix']"
expect_json "'series' in [f['message'] for f in j['findings'] if f['rule'] == 'blockers'][1] and 'has not landed (0 of 2 patches landed)' in [f['message'] for f in j['findings'] if f['rule'] == 'blockers'][1]"
land() { # N: commit patch N of the v2 series as Alice would
	printf 'line one\nline two\nadded line %s\nline three\n' $1 >xen/xen/early$1.c
	GIT_AUTHOR_NAME="Alice Example" GIT_AUTHOR_EMAIL=alice@example.org \
		GIT_AUTHOR_DATE=2025-01-11T10:00:00Z GIT_COMMITTER_DATE=2025-01-11T10:00:00Z \
		git -C xen commit -qam "x86: early fix $1"
}
# Half a series landed still blocks.
land 1
run trees sync
expect_rc 0 "trees sync"
run release blocker list 4.20.0 --json
expect_json "[(b['state'], b['landed']) for b in j if b['kind'] == 'series'][0] == ('open', 1)"
land 2
run trees sync
expect_rc 0 "trees sync again"
run release blocker list 4.20.0 --all --json
expect_json "[(b['title'], b['state'], b['landed']) for b in j if b['kind'] == 'series'] == [('[PATCH for-4.20 v2 0/2] x86: early fix', 'closed', 2), ('[XEN PATCH 4.20] docs: release notes', 'open', 0), ('[PATCH FOR-4.20] arm: late fix', 'open', 0)]"
run release blocker list 4.20.0
expect_no_out "early fix"
expect_out "series 3 open   [XEN PATCH 4.20] docs: release notes - Carol Reviewer <carol@example.org> (0 of 1 landed)"
run release check 4.20.0 --ref staging
expect_rc 1 "still blocked"
expect_no_out "0/2] x86: early fix"
expect_out "FAIL blockers: series 3 names 4.20.0 and has not landed (0 of 1 patches landed), from Carol Reviewer <carol@example.org>: [XEN PATCH 4.20] docs: release notes"
finish
