# test-security-pages.sh: the embargoed security tracker in `steward
# serve` (/security/issues, /security/issues/ID) over real HTTP on
# 127.0.0.1: an admin token only (401 with WWW-Authenticate without one,
# 403 for a user who is no admin), never cached by the server's page
# cache, hostile text escaped; and its text in no public page, feed or API
# response, nor in any file `steward web build` writes, even once an
# issue's public date has passed.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"

. "$HERE/serve-lib.sh"

# Strings that must stay in the tracker: one per field kind.
SECRET=EMBARGO-k7Qz2vXw
PAST=PASTDATE-m4Rt8nYb
NOTE=NOTESECRET-p3Lc6dHs
REPORTER=REPORTERSECRET-w9Fj1aKe

python3 "$HERE/mkmbox.py" a.mbox && pass || fail "mkmbox"
run ingest --list xen-devel a.mbox
expect_rc 0 "ingest"

run security issue add --reporter "Eve <$REPORTER@example.org>" \
	--summary "$SECRET guest escape <script>alert(1)</script> & <b>x</b>" \
	--affected "4.19 <i>4.20</i>" --cve CVE-2030-0001 --advisory 901 \
	--public 2030-01-01 --author alice
expect_rc 0 "issue add (future public date)"
ID1=$OUT
run security issue update "$ID1" --state triaged --author bob \
	--note "$NOTE reproduced <img src=x onerror=alert(2)>"
expect_rc 0 "issue update with a note"
# Public date already passed (STEWARD_NOW is 2026-01-01): still private.
run security issue add --reporter "Mallory <m@example.org>" \
	--summary "$PAST old leak" --public 2025-06-01 --state public \
	--author alice
expect_rc 0 "issue add (past public date)"
ID2=$OUT

run user add root --admin --json
expect_rc 0 "user add --admin"
expect_json "j['admin'] is True and len(j['token']) == 40"
ADMIN=$(python3 -c "import json; print(json.load(open('$T/.out'))['token'])")
run user add maint --maintainer
expect_rc 0 "user add --maintainer"
MAINT=$OUT
run user add plain
expect_rc 0 "user add"
PLAIN=$OUT
[ "$(sqlite3 steward.db "SELECT group_concat(username || ':' || admin, ' ') FROM (SELECT * FROM users ORDER BY id)")" = "root:1 maint:0 plain:0" ] \
	&& pass || fail "admin column"
run user add root2 --admin --bogus
expect_rc 2 "unknown option"
[ "$(sqlite3 steward.db "SELECT count(*) FROM users WHERE username = 'root2'")" = 0 ] \
	&& pass || fail "no user from a bad command line"

# The default page cache (10 s) is on: a page an admin saw must never be
# replayed to anyone else.
start_server

PRIVATE="/security/issues /security/issues/ /security/issues/$ID1 /security/issues/$ID2 /security/issues/999 /security/issues/x"
for round in 1 2; do
	for p in $PRIVATE; do
		if [ "$round" = 2 ]; then
			# Admin first, so a cached copy would show below.
			get "$p" -H "Authorization: Token $ADMIN"
		fi
		get "$p"
		expect_code 401 "no token: $p"
		expect_hdr "WWW-Authenticate: Token" "no token: $p"
		expect_hdr "Cache-Control: no-store" "no token: $p"
		for s in "$SECRET" "$PAST" "$NOTE" "$REPORTER" "CVE-2030" "XSA-901"; do
			expect_no_body "$s" "no token: $p"
		done
		get "$p" -H "Authorization: Token 0000000000000000000000000000000000000000"
		expect_code 401 "bad token: $p"
		expect_no_body "$SECRET" "bad token: $p"
		get "$p" -H "Authorization: Bearer $ADMIN"
		expect_code 401 "other scheme: $p"
		expect_no_body "$SECRET" "other scheme: $p"
		get "$p" -H "Authorization: Token $PLAIN"
		expect_code 403 "non-admin: $p"
		expect_hdr "Cache-Control: no-store" "non-admin: $p"
		expect_no_body "$SECRET" "non-admin: $p"
		expect_no_body "$PAST" "non-admin: $p"
		get "$p" -H "Authorization: Token $MAINT"
		expect_code 403 "maintainer, not admin: $p"
		expect_no_body "$SECRET" "maintainer: $p"
	done
done
# HEAD is GET without a body: the same refusal.
CODE=$(curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/security/issues")
expect_code 401 "HEAD without a token"

get /security/issues -H "Authorization: Token $ADMIN"
expect_code 200 "admin: list"
expect_hdr "Cache-Control: no-store" "admin: list"
expect_hdr "Content-Security-Policy: default-src 'none'" "admin: list"
expect_body "$SECRET guest escape &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" "admin: summary escaped"
expect_body "$PAST old leak" "admin: past issue listed"
expect_body "CVE-2030-0001" "admin: CVE"
expect_body "XSA-901" "admin: advisory"
expect_body "2030-01-01" "admin: public date"
expect_body "triaged" "admin: state"
expect_body "href=\"/security/issues/$ID1\"" "admin: link to the issue"
expect_no_body "<script" "admin: list"
expect_no_body "<b>x" "admin: list"
# A lower-case scheme is accepted too (RFC 9110: case-insensitive).
get /security/issues -H "authorization: token $ADMIN"
expect_code 200 "admin: lower-case scheme"

get "/security/issues/$ID1" -H "Authorization: Token $ADMIN"
expect_code 200 "admin: issue"
expect_hdr "Cache-Control: no-store" "admin: issue"
expect_body "&lt;script&gt;alert(1)&lt;/script&gt;" "admin: issue summary escaped"
expect_body "4.19 &lt;i&gt;4.20&lt;/i&gt;" "admin: affected escaped"
expect_body "$REPORTER@example.org" "admin: reporter"
expect_body "$NOTE reproduced &lt;img src=x onerror=alert(2)&gt;" "admin: note escaped"
expect_body "<p class=\"muted\">bob, " "admin: note author"
expect_body "Audit log" "admin: audit log"
expect_body "<td>state</td><td>reported</td><td>triaged</td>" "admin: audit change"
expect_body "<td>alice</td><td>summary</td>" "admin: audit actor"
expect_no_body "<script" "admin: issue"
expect_no_body "<img" "admin: issue"
get "/security/issues/$ID2/" -H "Authorization: Token $ADMIN"
expect_code 200 "admin: past issue"
expect_body "$PAST old leak" "admin: past issue"
expect_body "2025-06-01" "admin: past public date"
get /security/issues/999 -H "Authorization: Token $ADMIN"
expect_code 404 "admin: missing issue"
get /security/issues/x -H "Authorization: Token $ADMIN"
expect_code 404 "admin: bad id"
get /security/issues -X POST -H "Authorization: Token $ADMIN"
expect_code 405 "POST"

# Right after the admin's views: still nothing for anyone else.
get /security/issues
expect_code 401 "no token after admin views"
expect_no_body "$SECRET" "no token after admin views"

# Every public page, feed and API response: crawled from the entry
# points, following every link (JSON: every URL of this server).
python3 "$HERE/crawl.py" "$PORT" crawl.txt / /queue /queue.atom \
	"/queue?state=new" /metrics /api /api/1.2/ /api/1.2/projects \
	/api/1.2/people /api/1.2/users /api/1.2/patches /api/1.2/covers \
	/api/1.2/series /api/1.2/events /api/1.2/bundles \
	"/api/1.2/patches/?per_page=100" "/api/1.2/events/?per_page=100" \
	/people/alice%40example.org \
	>crawl.out 2>&1 && pass || { cat crawl.out; fail "crawl"; }
N=$(grep -c '^==== 200 ' crawl.txt)
[ "$N" -ge 40 ] && pass || fail "crawl saw only $N pages"
grep -q '^==== 200 /series/' crawl.txt && pass || fail "crawl reached series pages"
grep -q '^==== 200 /patch/' crawl.txt && pass || fail "crawl reached patch pages"
grep -q '^==== 200 /api/1.2/patches/[0-9]' crawl.txt && pass || fail "crawl reached API patches"
grep -q '^==== 200 /queue.atom' crawl.txt && pass || fail "crawl fetched the feed"
for s in "$SECRET" "$PAST" "$NOTE" "$REPORTER" CVE-2030-0001 XSA-901 security_issues; do
	grep -qF -- "$s" crawl.txt && fail "public responses contain '$s'" || pass
done
grep -q '/security/' crawl.txt && fail "public pages link to the tracker" || pass
stop_server
[ "$SERVER_RC" = 0 ] && pass || fail "server exit $SERVER_RC"
# The access log (-v) names paths and statuses, never tokens or text.
grep -q 'path=/security/issues status=200' "$T/serve.err" \
	&& pass || fail "access log of the tracker"
grep -qF -e "$ADMIN" -e "$PLAIN" -e "$SECRET" -e "$NOTE" "$T/serve.err" \
	&& fail "server log holds a token or tracker text" || pass

# The static site: nothing of the tracker in any file, compressed or not.
run web build -o site --json
expect_rc 0 "web build"
expect_json "j['outputs'] > 5"
grep -rlF -e "$SECRET" -e "$PAST" -e "$NOTE" -e "$REPORTER" -e CVE-2030-0001 site/ site.d/ \
	&& fail "site contains tracker text" || pass
for f in $(find site.d -name '*.gz'); do
	zcat "$f"
done >site-gz.txt
[ -s site-gz.txt ] && pass || fail "no compressed files checked"
grep -qF -e "$SECRET" -e "$PAST" -e "$NOTE" -e "$REPORTER" site-gz.txt \
	&& fail "compressed site contains tracker text" || pass
finish
