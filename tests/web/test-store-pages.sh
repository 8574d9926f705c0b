# test-store-pages.sh: `steward web build` pages made from a store the
# test writes: the review backlog, contributor pages, check badges, and
# security advisories only once public. Mail text is hostile and must be
# escaped; embargoed text must never reach any file of the site.
. "$(dirname "$0")/../lib.sh"

: "${STEWARD_SOURCE:?}"
n=0
for f in "$STEWARD_SOURCE"/common/schema/*.sql; do
	sqlite3 steward.db <"$f" || fail "schema $f"
	n=$((n + 1))
done
NOW=1735776000 # 2025-01-02
sqlite3 steward.db <<SQL || fail "fixture"
PRAGMA user_version = $n;
PRAGMA application_id = 1398036292;
INSERT INTO lists(id, name, address) VALUES (1, 'xen-devel', 'xen-devel@lists.xenproject.org');
INSERT INTO people(id, email, name) VALUES
 (1, 'alice@example.org', 'Alice <script>alert("a")</script>'),
 (2, 'bob@example.org', 'Bob Reviewer'),
 (3, 'carol@example.org', NULL);
INSERT INTO messages(id, msgid, list_id, author_id, date, subject, kind, raw, raw_size)
 VALUES (1, 'm1@x', 1, 1, $((NOW - 10 * 86400)), 's', 'patch', x'00', 1),
        (2, 'm2@x', 1, 2, $((NOW - 9 * 86400)), 'Re: s', 'comment', x'00', 1);
INSERT INTO series(id, list_id, submitter_id, name, norm_name, version, total, received, date, last_activity, state)
 VALUES (1, 1, 1, 'x86/mm: fix <img src=x onerror=alert(1)>', 'x86/mm: fix', 3, 2, 2, $((NOW - 10 * 86400)), $NOW, 'new'),
        (2, 1, 3, 'tools: old version', 'tools: old version', 1, 1, 1, $((NOW - 40 * 86400)), $NOW, 'new'),
        (3, 1, 3, 'tools: merged thing', 'tools: merged thing', 1, 1, 1, $((NOW - 50 * 86400)), $NOW, 'accepted');
UPDATE series SET superseded_by_id = 1 WHERE id = 2;
INSERT INTO patches(id, message_id, series_id, number, submitter_id, name, norm_name, date)
 VALUES (1, 1, 1, 1, 1, 'p1', 'p1', $((NOW - 10 * 86400)));
INSERT INTO trailers(patch_id, series_id, message_id, kind, person_id, value)
 VALUES (1, NULL, 2, 'Reviewed-by', 2, 'Bob Reviewer <bob@example.org>');
CREATE TABLE IF NOT EXISTS checks (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS check_runs (id INTEGER PRIMARY KEY, check_id INTEGER NOT NULL,
 started INTEGER NOT NULL, finished INTEGER NOT NULL, status TEXT NOT NULL, score INTEGER NOT NULL,
 reason TEXT NOT NULL, details_json TEXT NOT NULL, duration_ms INTEGER NOT NULL);
INSERT INTO checks(id, name, kind) VALUES (1, 'site-https', 'https'), (2, 'lag<b>', 'branch-lag');
INSERT INTO check_runs(check_id, started, finished, status, score, reason, details_json, duration_ms)
 VALUES (1, 1, 2, 'fail', 2, 'old', '[]', 1), (1, 3, 4, 'pass', 10, 'TLS 1.3 & HSTS', '[]', 1),
        (2, 3, 4, 'warn', 6, 'behind by 3', '[]', 1);
INSERT INTO advisories(number, title, public_date, cves, text, imported) VALUES
 (450, 'Public <issue>', $((NOW - 86400)), 'CVE-2024-1', 'Fixed in 4.19 <b>now</b>.', 1),
 (451, 'EMBARGOED-TITLE', $((NOW + 86400)), NULL, 'EMBARGOED-SECRET guest escape', 1),
 (452, 'UNDATED-TITLE', NULL, NULL, 'UNDATED-SECRET', 1);
CREATE TABLE IF NOT EXISTS blockers (id INTEGER PRIMARY KEY, version TEXT NOT NULL,
 title TEXT NOT NULL, link TEXT, owner TEXT, state TEXT NOT NULL DEFAULT 'open',
 created INTEGER NOT NULL, closed INTEGER, reason TEXT);
INSERT INTO blockers(version, title, link, owner, state, created) VALUES
 ('4.20.0', 'Regression <b>in</b> xl', 'javascript:alert(1)', 'Alice <a@x>', 'open', $((NOW - 3 * 86400))),
 ('4.20.0', 'Build fix', 'https://lore.kernel.org/xen-devel/1@x/', NULL, 'open', $NOW),
 ('4.20.0', 'CLOSED-BLOCKER', NULL, NULL, 'closed', $NOW);
SQL
printf '[release "4.20"]\n\tfeature-freeze = 2024-12-01\n\trelease = 2025-05-02\n' >steward.conf

export STEWARD_NOW=$NOW
run web build -o site --json
expect_rc 0 "build with a store"
expect_json "j['broken_links'] == 0"
for f in backlog/index.html people/index.html checks/index.html security/index.html; do
	[ -f "site/$f" ] && pass || fail "missing $f"
done

# Backlog: waiting, not superseded, not accepted; escaped.
grep -qF 'x86/mm: fix &lt;img src=x onerror=alert(1)&gt;' site/backlog/index.html && pass || fail "backlog series"
grep -q '<img' site/backlog/index.html && fail "backlog injection" || pass
grep -qF 'tools: old version' site/backlog/index.html && fail "superseded in backlog" || pass
grep -qF 'tools: merged thing' site/backlog/index.html && fail "accepted in backlog" || pass
grep -qF '1 series waiting for review, 0 of them without' site/backlog/index.html && pass || fail "backlog summary"
grep -qF '<td>10</td><td>1</td>' site/backlog/index.html && pass || fail "age and reviews"
grep -qF '<tr><td>Series posted</td><td>1</td></tr>' site/backlog/index.html && pass || fail "posted in 30 days"
grep -qF '<tr><td>Series accepted</td><td>1</td></tr>' site/backlog/index.html && pass || fail "accepted in 30 days"
grep -qF 'Acked-by</td><td>1</td></tr>' site/backlog/index.html && pass || fail "reviewers in 30 days"
grep -qF '(days)</td><td>10</td></tr>' site/backlog/index.html && pass || fail "median wait"

# Contributors: pages keyed by a hash, never the address; names escaped.
grep -q 'alice@example.org' -r site && fail "address published" || pass
grep -qF 'Alice &lt;script&gt;' site/people/index.html && pass || fail "escaped name"
grep -q '<script' -r site --include=*.html && fail "script in pages" || pass
[ "$(ls -d site/people/*/ | wc -l)" -eq 3 ] && pass || fail "people pages: $(ls site/people)"
bobdir=$(grep -o 'href="/people/[0-9a-f]*/">Bob' site/people/index.html | sed 's,href="/people/,,;s,/">Bob,,')
grep -qF '1 Reviewed-by' "site/people/$bobdir/index.html" && pass || fail "bob's page"

# Checks: the latest run, with a badge.
grep -qF '<span class="badge pass">pass</span>' site/checks/index.html && pass || fail "pass badge"
grep -qF '<span class="badge warn">warn</span>' site/checks/index.html && pass || fail "warn badge"
grep -qF 'TLS 1.3 &amp; HSTS' site/checks/index.html && pass || fail "check reason"
grep -qF 'lag&lt;b&gt;' site/checks/index.html && pass || fail "check name escaped"
grep -qF '>old<' site/checks/index.html && fail "older run shown" || pass

# Advisories: public ones only; embargoed text is nowhere, not even .gz.
grep -qF 'XSA-450: Public &lt;issue&gt;' site/security/index.html && pass || fail "public advisory"
grep -qF 'Fixed in 4.19 &lt;b&gt;now&lt;&#47;b&gt;.' site/security/index.html ||
	grep -qF 'Fixed in 4.19 &lt;b&gt;now&lt;/b&gt;.' site/security/index.html && pass || fail "advisory text escaped"
grep -qF 'CVE-2024-1' site/security/index.html && pass || fail "advisory CVE"
for s in EMBARGOED UNDATED; do
	grep -rq "$s" site/ && fail "$s text published" || pass
	for g in $(find site/ -name '*.gz'); do zcat "$g"; done | grep -q "$s" && fail "$s in gz" || pass
done
# Release status: milestones from the configuration, open blockers.
f=site/release-status/index.html
grep -qF '<h2>Release 4.20</h2>' $f && pass || fail "release heading"
grep -qF '<td>Feature freeze</td><td>2024-12-01 (passed)</td>' $f && pass || fail "passed milestone"
grep -qF '<td>Release</td><td>2025-05-02</td>' $f && pass || fail "future milestone"
grep -qF 'Regression &lt;b&gt;in&lt;&#47;b&gt; xl' $f || grep -qF 'Regression &lt;b&gt;in&lt;/b&gt; xl' $f && pass || fail "blocker title escaped"
grep -q 'javascript' $f && fail "javascript link kept" || pass
grep -qF 'href="https' $f && pass || fail "blocker link"
grep -qF 'CLOSED-BLOCKER' $f && fail "closed blocker shown" || pass
grep -qF 'Alice &lt;a@x&gt;' $f && pass || fail "owner escaped"

# Navigation links to the generated sections.
grep -qF 'href="&#x2F;backlog&#x2F;"' site/index.html && pass || fail "nav backlog"

# Once the embargo date passes, the advisory appears.
export STEWARD_NOW=$((NOW + 2 * 86400))
run web build -o site --json
expect_rc 0 "build after the embargo"
grep -qF 'EMBARGOED-TITLE' site/security/index.html && pass || fail "advisory after embargo"
grep -q 'UNDATED' -r site && fail "undated advisory published" || pass

run web check site
expect_rc 0 "links of store pages"

# --no-store leaves them out.
run web build -o site2 --no-store --json
expect_rc 0 "--no-store"
[ -e site2/backlog ] && fail "backlog without store" || pass

# A store without the mail tables still builds.
rm steward.db
sqlite3 steward.db "PRAGMA application_id = 1398036292; PRAGMA user_version = $n; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
run web build -o site3 --json
expect_rc 0 "store without tables"
[ -e site3/backlog ] && fail "backlog without tables" || pass

finish
