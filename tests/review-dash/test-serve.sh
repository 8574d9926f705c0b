# test-serve.sh: `steward serve` over real HTTP on 127.0.0.1: every page,
# the security headers, hostile mail content kept inert, 404s, the REST
# API (pagination, filters, token-checked writes, checks), mbox downloads
# that `git am` applies with their trailers, TLS 1.2+ only with HSTS, and
# a graceful stop on SIGTERM.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"

. "$HERE/serve-lib.sh"

run user add admin --maintainer --email admin@example.com
expect_rc 0 "user add"
ADMIN=$OUT
[ ${#ADMIN} -eq 40 ] && pass || fail "token length"
run user add ci --json
expect_rc 0 "user add --json"
CI=$(python3 -c "import json,sys; print(json.load(open('$T/.out'))['token'])")
run user add ci
expect_rc 1 "duplicate user"
expect_err "user 'ci' already exists"
run user add 'bad name'
expect_rc 1 "bad user name"
# Only a hash of the token is stored.
sqlite3 steward.db "SELECT token_hash FROM users" | grep -qF "$ADMIN" \
	&& fail "token stored in clear" || pass
python3 "$HERE/serve-data.py" steward.db \
	&& pass || fail "test data"

run serve --listen nonsense
expect_rc 1 "bad listen address"
expect_err "bad listen address 'nonsense'"
run serve --tls-cert x.pem
expect_rc 2 "cert without key"
run serve --maintainers /nonexistent/MAINTAINERS --listen 127.0.0.1:0
expect_rc 1 "missing MAINTAINERS"
expect_err "cannot read '/nonexistent/MAINTAINERS'"
run serve --threads 0
expect_rc 2 "bad --threads"
run serve --listen 127.0.0.1:0 --tls-cert /nonexistent/c.pem --tls-key /nonexistent/k.pem
expect_rc 1 "missing certificate"
expect_err "cannot read '/nonexistent/c.pem'"

start_server

# ---- every page: 200, security headers, nothing hostile left active ----
PAGES="/ /queue /queue?page=2 /queue?noreply=1 /queue?submitter=ann%40example.com
/queue?list=xen-devel&age=30 /queue?state=new /series/1 /series/2 /series/3
/patch/201 /patch/202 /patch/301 /people/ann%40example.com
/people/evil%40example.com /people/rob@example.com /metrics /queue.atom"
for p in $PAGES; do
	get "$p"
	expect_code 200 "GET $p"
	expect_hdr "Content-Security-Policy: default-src 'none'; style-src 'self'" "$p"
	expect_hdr "X-Content-Type-Options: nosniff" "$p"
	expect_hdr "X-Frame-Options: DENY" "$p"
	expect_hdr "Referrer-Policy: " "$p"
	expect_no_body "<script" "$p"
	expect_no_body "onmouseover=\"" "$p"
	grep -qi 'href="javascript' "$T/body" && fail "$p: javascript: href" || pass
	grep -qi 'href="[^"]*&#x3a;' "$T/body" && grep -qi 'href="javascript&#x3a;' "$T/body" \
		&& fail "$p: escaped javascript: href" || pass
done
get /series/3
expect_body "&lt;script&gt;alert(1)&lt;/script&gt;" "hostile name shown as text"
get /patch/301
expect_body "<a href=\"#\">javascript:alert(1)</a>" "javascript: pull URL neutralised"
expect_body '<span class="add">+&lt;script&gt;' "hostile diff escaped"

get /queue
expect_body "filler change 59" "queue oldest first"
python3 -c "
b=open('$T/body').read()
assert b.index('filler change 59') < b.index('filler change 10')
assert 'harden SEND2' not in b  # page 1 is the 50 oldest
" && pass || fail "queue order"
expect_body 'rel="next"' "queue pagination"
get "/queue?page=2"
expect_body "harden SEND2" "queue page 2"
expect_no_body "filler change 59" "queue page 2"
expect_no_body ">xen/arm: ffa: harden SEND2</a></td><td>v1" "superseded v1 not queued"
get "/queue?noreply=1&page=2"
expect_no_body "harden SEND2" "noreply hides replied series"
get "/queue?submitter=ann%40example.com"
expect_body "R:1 A:1 T:0" "trailer counts"
expect_no_body "filler" "submitter filter"
get /series/2
expect_body '<a href="/series/1">v1</a>' "versions linked"
expect_body "Acked-by: Mia Maintainer" "cover trailers"
expect_body "Looks right." "comments"
expect_body 'Changes since <a href="/series/1">v1</a>' "interdiff"
expect_body '<span class="del">-+one</span>' "interdiff removed line"
expect_body '<span class="add">++world</span>' "interdiff added line"
expect_body "log SEND2 errors: new in this version" "interdiff new patch"
get /series/1
expect_body '<a href="/series/2">v2</a>' "versions linked back"
get /people/ann%40example.com
expect_body "superseded" "contributor status"
expect_body "reviewed" "contributor status"
get /people/rob%40example.com
expect_body "Reviewed-by" "reviews given"
get /metrics
expect_body "<svg" "metrics chart"
expect_body "Time to first review" "metrics"
expect_body "Rob Reviewer" "top reviewers"
get /queue.atom
expect_hdr "Content-Type: application/atom+xml" "atom"
expect_body "<feed xmlns=\"http://www.w3.org/2005/Atom\">" "atom"
get /static/style.css
expect_code 200 "css"
expect_hdr "Content-Type: text/css" "css"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -I "http://127.0.0.1:$PORT/queue")
expect_code 200 "HEAD"

# ---- the per-worker page cache follows the store ----
for _ in 1 2 3 4; do get /series/2; done
expect_body "harden SEND2" "cached page"
sqlite3 steward.db "UPDATE series SET name = 'renamed by ingest' WHERE id = 2" \
	&& pass || fail "update the store"
for _ in 1 2 3 4; do
	get /series/2
	expect_body "renamed by ingest" "page after a write elsewhere"
done
sqlite3 steward.db "UPDATE series SET name = 'xen/arm: ffa: harden SEND2' WHERE id = 2"

# ---- not found, bad input ----
for p in /series/999 /series/abc /patch/0 /people/nobody%40x /nope /series/2/mbox/extra; do
	get "$p"
	expect_code 404 "GET $p"
	expect_body "<h1>404" "$p"
	expect_hdr "Content-Security-Policy" "$p 404"
done
get /api/1.2/patches/999/
expect_code 404 "api 404"
body_json "j == {'detail': 'Not found.'}"
get "/queue?age=-1"
expect_code 400 "bad age"
get "/api/1.2/patches/?per_page=0"
expect_code 400 "per_page 0"
get "/api/1.2/patches/?page=x"
expect_code 400 "page x"
get "/api/1.2/patches/?order=bogus"
expect_code 400 "bad order"
get "/api/1.2/patches/?archived=maybe"
expect_code 400 "bad archived"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://127.0.0.1:$PORT/queue")
expect_code 405 "DELETE"

# ---- mbox downloads ----
get /series/2/mbox
expect_code 200 "series mbox"
expect_hdr "Content-Disposition: attachment; filename=2-xen-arm-ffa-harden-SEND2.patch" "series mbox"
python3 -c "
b=open('$T/body').read()
first=b.split('From patchwork-202')[0]
assert first.index('Reviewed-by: Rob Reviewer') < first.index('\n---\n')
assert first.index('Acked-by: Mia Maintainer') < first.index('\n---\n')
assert first.count('Signed-off-by:') == 1
" && pass || fail "trailers above ---"
mkdir repo && (cd repo && git init -q && git config user.name T &&
	git config user.email t@example.com && echo hello >README &&
	git add README && git commit -qm init) || fail "git repo"
(cd repo && git am -q "$T/body") && pass || fail "git am series mbox"
(cd repo && git log --format=%B -2) >log.txt
grep -q "^Reviewed-by: Rob Reviewer <rob@example.com>" log.txt && pass || fail "applied with Reviewed-by"
grep -c "^Acked-by: Mia Maintainer" log.txt | grep -q 2 && pass || fail "cover ack on each patch"
# As ingest stores it: no body for a patch, only commit message and diff;
# and a trailer already in the patch with other capitals.
sqlite3 steward.db "UPDATE messages SET body = NULL WHERE id = (SELECT message_id FROM patches WHERE id = 201);
UPDATE patches SET commit_msg = commit_msg || char(10) || 'Reviewed-By: Rob Reviewer <rob@example.com>' WHERE id = 201" \
	&& pass || fail "store a patch as ingest does"
get /patch/201/mbox
grep -ci "^reviewed-by: Rob Reviewer" "$T/body" | grep -qx 1 && pass || fail "one Reviewed-by, whatever its capitals"
expect_body "Acked-by: Mia Maintainer" "cover ack with a body-less patch"
grep -q "^+world" "$T/body" && pass || fail "diff from the patch row"
rm -rf repo2 && cp -r repo repo2 && (cd repo2 && git reset -q --hard HEAD~2 && git am -q "$T/body") \
	&& pass || fail "git am of a body-less patch's mbox"
sqlite3 steward.db "UPDATE patches SET commit_msg = replace(commit_msg, char(10) || 'Reviewed-By: Rob Reviewer <rob@example.com>', '') WHERE id = 201"
# A raw copy that does not decompress: headers come from the fields, and
# a line break in one cannot add a header.
sqlite3 steward.db "UPDATE messages SET raw = x'00', subject = 'S' || char(10) || 'X-Evil: 1' WHERE id = (SELECT message_id FROM patches WHERE id = 1001)" \
	&& pass || fail "break a raw copy"
get /patch/1001/mbox
expect_code 200 "mbox without a raw copy"
expect_body "Subject: S X-Evil: 1" "fallback subject on one line"
grep -q "^X-Evil" "$T/body" && fail "header injected" || pass
get /patch/201/mbox
expect_code 200 "patch mbox"
expect_hdr "Content-Disposition: attachment" "patch mbox"
get "/api/1.2/patches/201/"
MBOX=$(python3 -c "import json; print(json.load(open('$T/body'))['mbox'])")
CODE=$(curl -s -o "$T/body" -w '%{http_code}' "$MBOX?series=*")
expect_code 200 "patchwork-style mbox URL"
expect_body "Reviewed-by: Rob Reviewer" "patchwork-style mbox"

# ---- REST API reads ----
get /api/1.2/
body_json "j['patches'].endswith('/api/1.2/patches/')"
get "/api/1.2/patches/?per_page=5"
expect_code 200 "patch list"
body_json "len(j) == 5 and j[0]['id'] == 101"
grep -i '^Link:' "$T/hdr" | grep -q 'page=2&per_page=5>; rel="next"' && pass || fail "Link next"
grep -i '^Link:' "$T/hdr" | grep -q 'page=13&per_page=5>; rel="last"' && pass || fail "Link last (64 patches)"
get "/api/1.2/patches/?per_page=5&page=13"
body_json "len(j) == 4"
grep -i '^Link:' "$T/hdr" | grep -q 'rel="next"' && fail "no next on last page" || pass
get "/api/1.2/patches/?state=under-review&state=new&archived=false&order=-date&project=xen-devel"
body_json "len(j) == 30 and j[0]['id'] == 301 and all(p['state'] == 'new' for p in j)"
body_json "set(j[0]) >= {'id','date','name','submitter','state','archived','delegate'}"
get "/api/1.2/patches/?submitter=ann%40example.com&order=-id"
body_json "[p['id'] for p in j] == [202, 201, 101]"
get "/api/1.2/patches/?hash=$(printf '%040x' 201)"
body_json "[p['id'] for p in j] == [201]"
get "/api/1.2/patches/?q=log+SEND2"
body_json "[p['id'] for p in j] == [202]"
get "/api/1.2/patches/201/"
body_json "j['msgid'] == '<m4.1765497601@example.com>' and j['series'][0]['id'] == 2 and j['project']['name'] == 'xen-devel' and '+world' in j['diff'] and j['submitter']['email'] == 'ann@example.com'"
get "/api/1.2/series/?order=-date&project=xen-devel"
body_json "j[0]['id'] == 3 and set(j[0]) >= {'id','date','name','version','submitter'}"
get "/api/1.2/series/2/"
body_json "j['version'] == 2 and j['received_all'] and j['total'] == 2 and [p['id'] for p in j['patches']] == [201, 202] and j['cover_letter'] is not None and j['mbox'].endswith('/series/2/mbox/')"
get "/api/1.2/series/?submitter=ann%40example.com"
body_json "[s['id'] for s in j] == [1, 2]"
get "/api/1.2/people/?q=Ann+Contributor"
body_json "[p['id'] for p in j] == [1]"
get "/api/1.2/users/?q=admin"
body_json "[u['username'] for u in j] == ['admin']"
get "/api/1.2/covers/"
body_json "len(j) == 3"
get "/api/1.2/patches/201/comments/"
body_json "len(j) == 1 and 'Looks right' in j[0]['content']"
get "/api/1.2/bundles/?order=name&project=xen-devel"
body_json "j == []"
get /api/1.2/projects/1/
body_json "j['name'] == 'xen-devel'"
for p in projects covers series people users; do
	get "/api/1.2/$p/999999/"
	expect_code 404 "no $p 999999"
done

# ---- REST API writes ----
api_patch() { # TOKEN DATA [CONTENT-TYPE]
	CODE=$(curl -s -o "$T/body" -w '%{http_code}' -X PATCH \
		${1:+-H "Authorization: Token $1"} \
		-H "Content-Type: ${3:-application/x-www-form-urlencoded}" \
		--data "$2" "http://127.0.0.1:$PORT/api/1.2/patches/201/")
}
state_of() { sqlite3 steward.db "SELECT state || ',' || archived || ',' || ifnull(commit_ref, '') || ',' || ifnull(delegate_id, '') FROM patches WHERE id = 201"; }
api_patch "" "state=accepted"
expect_code 401 "PATCH without token"
body_json "'detail' in j"
[ "$(state_of)" = "new,0,," ] && pass || fail "unchanged without token: $(state_of)"
api_patch "0123456789012345678901234567890123456789" "state=accepted"
expect_code 401 "PATCH with a bad token"
api_patch "$CI" "state=accepted"
expect_code 403 "PATCH by a non-maintainer"
api_patch "$ADMIN" "state=bogus"
expect_code 400 "PATCH bad state"
[ "$(state_of)" = "new,0,," ] && pass || fail "unchanged after errors: $(state_of)"
api_patch "$ADMIN" "state=accepted"
expect_code 200 "PATCH state"
body_json "j['state'] == 'accepted' and j['id'] == 201"
api_patch "$ADMIN" "commit_ref=c447b7308b1330ec6dcfef37220736c28f41daa0&archived=False&delegate=1"
expect_code 200 "PATCH commit_ref/archived/delegate"
body_json "j['delegate']['username'] == 'admin' and j['commit_ref'].startswith('c447') and j['archived'] is False"
api_patch "$ADMIN" '{"archived": true}' application/json
expect_code 200 "PATCH JSON"
state_of | grep -q "^accepted,1,c447b7308b1330ec6dcfef37220736c28f41daa0,[0-9]" && pass || fail "stored: $(state_of)"
get "/api/1.2/patches/?delegate=admin&state=accepted&archived=true"
body_json "[p['id'] for p in j] == [201]"
get "/api/1.2/events/?category=patch-state-changed"
body_json "len(j) == 1 and j[0]['payload']['patch']['id'] == 201 and j[0]['payload']['previous_state'] == 'new' and j[0]['payload']['current_state'] == 'accepted' and j[0]['actor']['username'] == 'admin'"
get "/api/1.2/events/?patch=999"
body_json "j == []"
api_patch "$ADMIN" '{"archived": "perhaps"}' application/json
expect_code 400 "PATCH bad JSON value"
api_patch "$ADMIN" '{"archived": ' application/json
expect_code 400 "PATCH broken JSON"
CODE=$(head -c 300000 /dev/zero | tr '\0' a | curl -s -o /dev/null -w '%{http_code}' \
	-X PATCH -H "Authorization: Token $ADMIN" --data-binary @- \
	"http://127.0.0.1:$PORT/api/1.2/patches/201/")
expect_code 413 "body over the cap"

post_check() { # TOKEN DATA
	CODE=$(curl -s -o "$T/body" -w '%{http_code}' -X POST \
		${1:+-H "Authorization: Token $1"} --data "$2" \
		"http://127.0.0.1:$PORT/api/1.2/patches/202/checks/")
}
post_check "" "state=success&context=build"
expect_code 401 "check without token"
post_check "$CI" "state=maybe&context=build"
expect_code 400 "check bad state"
post_check "$CI" "state=fail&context=build-arm64&target_url=javascript:alert(1)&description=%3Cscript%3Ealert(1)%3C/script%3E"
expect_code 201 "check posted"
body_json "j['state'] == 'fail' and j['context'] == 'build-arm64' and j['user']['username'] == 'ci'"
get "/api/1.2/patches/202/checks/"
body_json "len(j) == 1"
get "/api/1.2/patches/202/"
body_json "j['check'] == 'fail'"
get /patch/202
expect_body "build-arm64" "check on the patch page"
expect_no_body "<script" "check description escaped"
expect_no_body 'href="javascript' "check URL neutralised"
get /series/2
expect_body "fail" "check on the series page"

# ---- Debian's git-pw 2.0, unmodified, against the server ----
command -v git-pw >/dev/null && pass || fail "git-pw missing (ci/setup installs it)"
pw_state() { sqlite3 steward.db "SELECT state FROM patches WHERE id = 202"; }
mkdir pw && (cd pw && git init -q && git config user.name T &&
	git config user.email t@example.com && echo hello >README &&
	git add README && git commit -qm init &&
	git config pw.server "http://127.0.0.1:$PORT/api/1.2" &&
	git config pw.project xen-devel && git config pw.token "$ADMIN") ||
	fail "git-pw repo"
(cd pw && git pw patch list) >pw.out 2>&1 && pass || fail "git pw patch list: $(tail -3 pw.out)"
grep -q "| *202 | .*xen/arm: ffa: log SEND2 errors" pw.out && pass || fail "patch list content"
grep -q "| *201 |" pw.out && fail "archived/accepted 201 listed" || pass
(cd pw && git pw series list) >pw.out 2>&1 && pass || fail "git pw series list"
grep -q "| *2 | .*xen/arm: ffa: harden SEND2 *| *2 |" pw.out && pass || fail "series list content"
(cd pw && git pw patch show 202) >pw.out 2>&1 && pass || fail "git pw patch show"
grep -q "Message ID *| <m5.1765497602@example.com>" pw.out && pass || fail "patch show content"
(cd pw && git pw series show 2) >pw.out 2>&1 && pass || fail "git pw series show"
grep -q "Received *| 2 of 2" pw.out && pass || fail "series show content"
(cd pw && git -c pw.token=0123456789012345678901234567890123456789 pw patch update --state rejected 202) >pw.out 2>&1 \
	&& fail "git pw update with a bad token" || pass
[ "$(pw_state)" = new ] && pass || fail "unchanged after a rejected update"
(cd pw && git pw patch update --state accepted 202) >pw.out 2>&1 && pass || fail "git pw patch update: $(tail -3 pw.out)"
[ "$(pw_state)" = accepted ] && pass || fail "git pw update stored"
(cd pw && git pw series apply 2) >pw.out 2>&1 && pass || fail "git pw series apply: $(tail -3 pw.out)"
(cd pw && git log --format=%B -2) | grep -q "^Reviewed-by: Rob Reviewer" && pass || fail "series apply kept trailers"
(cd pw && git pw patch download 201 "$T/p201.patch") >pw.out 2>&1 && pass || fail "git pw patch download: $(tail -3 pw.out)"
grep -q "^Reviewed-by: Rob Reviewer" "$T/p201.patch" && pass || fail "downloaded patch has trailers"

# ---- access log, graceful stop ----
grep -q "http ip=127.0.0.1 method=GET path=/queue status=200" "$T/serve.err" \
	&& pass || fail "access log"
grep -q "$ADMIN" "$T/serve.err" && fail "token in the log" || pass
stop_server
[ "$SERVER_RC" = 0 ] && pass || { tail -40 "$T/serve.err"; fail "graceful stop (rc $SERVER_RC)"; }

# ---- MAINTAINERS (who still has to ack) and landed commits ----
printf '%b\n' "CORE" "M:\tMia Maintainer <mia@example.com>" \
	"M:\tZed Core <zed@example.com>" "F:\tREADME" "" \
	"LOGGING" "M:\tLou Logger <lou@example.com>" "F:\tLOG" "X:\tLOG/old" "" \
	"THE REST" "M:\tAndrew Rest <andrew@example.com>" "F:\t*" "F:\t*/" >MAINTAINERS
# The trees tables (schema 0003, another component's) as the trees
# indexer fills them; IF NOT EXISTS: present once both are merged.
sqlite3 steward.db <<'SQL' && pass || fail "trees rows"
CREATE TABLE IF NOT EXISTS trees (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, path TEXT, url TEXT);
CREATE TABLE IF NOT EXISTS branches (id INTEGER PRIMARY KEY, tree_id INTEGER NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0, tip TEXT);
CREATE TABLE IF NOT EXISTS commits (id INTEGER PRIMARY KEY, tree_id INTEGER NOT NULL, oid TEXT NOT NULL, author_name TEXT, author_email TEXT, author_time INTEGER NOT NULL, committer_name TEXT, committer_email TEXT, commit_time INTEGER NOT NULL, subject TEXT NOT NULL, norm_subject TEXT NOT NULL, git_patch_id TEXT, is_merge INTEGER NOT NULL DEFAULT 0, backport_of TEXT, xsa TEXT, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patch_commits (patch_id INTEGER NOT NULL, commit_id INTEGER NOT NULL, branch_id INTEGER NOT NULL, method TEXT NOT NULL);
INSERT INTO trees(id, name, path) VALUES (1, 'xen', '/srv/git/xen.git');
INSERT INTO branches(id, tree_id, name) VALUES (1, 1, 'staging');
INSERT INTO commits(id, tree_id, oid, author_time, commit_time, subject, norm_subject, message)
 VALUES (1, 1, 'c447b7308b1330ec6dcfef37220736c28f41daa0', 1766000000, 1766000000, 'xen/arm: ffa: check SEND2 sizes', 'xen/arm: ffa: check send2 sizes', 'm');
INSERT INTO patch_commits VALUES (201, 1, 1, 'patch-id');
SQL
# From steward.conf this time ([serve] maintainers), as a site would.
printf '[serve]\n\tmaintainers = MAINTAINERS\n' >steward.conf
start_server
get "/queue?submitter=ann%40example.com"
expect_body "Zed Core &lt;zed@example.com&gt;" "still to ack: CORE"
expect_body "Lou Logger" "still to ack: LOGGING"
expect_no_body "Mia Maintainer &lt;" "Mia acked the series"
get "/queue?maintainer=lou&page=1"
expect_body "harden SEND2" "maintainer filter"
expect_no_body "filler" "maintainer filter"
get "/queue?area=THE+REST"
expect_body "/series/3" "THE REST when nothing else matches"
expect_no_body "harden SEND2" "THE REST not for covered files"
get "/queue?missing_ack=1&submitter=ann%40example.com"
expect_body "harden SEND2" "missing ack: Zed and Lou have not acked"
sqlite3 steward.db "INSERT INTO messages(id, msgid, list_id, author_id, date, subject, kind, body, raw, raw_size) VALUES (9001, 'ack1@x', 1, 4, $STEWARD_NOW, 'Re: acks', 'comment', 'acks', x'00', 1);
INSERT INTO trailers(patch_id, series_id, message_id, kind, person_id, value) VALUES
 (NULL, 2, 9001, 'Acked-by', 4, 'Zed Core <zed@example.com>'),
 (NULL, 2, 9001, 'Acked-by', 4, 'Lou Logger <lou@example.com>');" && pass || fail "acks"
get "/queue?missing_ack=1&submitter=ann%40example.com"
expect_no_body "harden SEND2" "every maintainer acked"
get "/queue?missing_ack=1"
expect_body "filler change" "fillers still miss CORE's acks"
get "/queue.atom?maintainer=lou"
expect_body "harden SEND2" "atom with the maintainer filter"
expect_no_body "filler" "atom with the maintainer filter"
get /series/2
expect_body "<h2>Landed</h2>" "landed section"
expect_body "<code>c447b7308b1330ec6dcfef37220736c28f41daa0</code>" "landed commit"
expect_body "staging" "landed branch"
get /people/ann%40example.com
expect_body "; landed on xen/staging" "contributor page: landed on which branch"
get /metrics
expect_body "Time to merge" "time to merge with trees"
stop_server
[ "$SERVER_RC" = 0 ] && pass || { tail -40 "$T/serve.err"; fail "server stop (rc $SERVER_RC)"; }

# ---- TLS: TLS 1.2+ only, HSTS ----
cat >cert.cfg <<'CFG'
cn = "127.0.0.1"
ip_address = "127.0.0.1"
expiration_days = 2
tls_www_server
signing_key
encryption_key
ca
cert_signing_key
CFG
certtool --generate-privkey --key-type=ecdsa --outfile key.pem 2>/dev/null &&
	certtool --generate-self-signed --load-privkey key.pem \
		--template cert.cfg --outfile cert.pem 2>/dev/null && pass || fail "certtool"
start_server --tls-cert cert.pem --tls-key key.pem
CODE=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' --cacert cert.pem \
	"https://127.0.0.1:$PORT/queue")
expect_code 200 "HTTPS"
expect_hdr "Strict-Transport-Security: max-age=31536000" "HSTS"
curl -s -o /dev/null --cacert cert.pem --tls-max 1.1 "https://127.0.0.1:$PORT/" \
	&& fail "TLS 1.1 accepted" || pass
curl -s -o /dev/null --cacert cert.pem --tlsv1.3 "https://127.0.0.1:$PORT/" \
	&& pass || fail "TLS 1.3"
curl -s -o /dev/null "http://127.0.0.1:$PORT/" && fail "plain HTTP on TLS port" || pass
stop_server
[ "$SERVER_RC" = 0 ] && pass || { tail -40 "$T/serve.err"; fail "TLS server stop (rc $SERVER_RC)"; }

finish
