# test-ingest.sh: ingest real mail scenarios and check threads, series,
# versions, trailers, duplicates, rejects, incremental and repeated runs.
. "$(dirname "$0")/../lib.sh"
MK="python3 $STEWARD_SOURCE/tests/review-dash/mkmbox.py"

$MK a.mbox --part 1
run ingest --list xen-devel --json a.mbox
expect_rc 0 "first ingest"
expect_json "j['messages'] == 20"
expect_json "j['new'] == 18"
expect_json "j['duplicates'] == 1"
expect_json "j['rejected'] == 1"
expect_json "j['covers'] == 2 and j['pulls'] == 1"
expect_json "j['series'] == 8"

run series list --json
expect_rc 0 "series list"
S="{s['cover'] or s['patches'][0]['message_id']: s for s in j}"
expect_json "len(j) == 8"
# Series A: the cover's review counts for every patch; a quoted ack not.
expect_json "(lambda m: m['a-v1-0@x']['total'] == 3 and m['a-v1-0@x']['received'] == 3)($S)"
expect_json "(lambda a: sorted(t['kind'] for t in a['patches'][1]['trailers']) == ['Acked-by', 'Reviewed-by', 'Signed-off-by'])(($S)['a-v1-0@x'])"
expect_json "(lambda a: all(any(t['kind'] == 'Reviewed-by' and t['email'] == 'carol@example.org' and t['from_cover'] for t in p['trailers']) for p in a['patches']))(($S)['a-v1-0@x'])"
expect_json "not any(t['email'] == 'else@example.org' for s in j for p in s['patches'] for t in p['trailers'])"
# Series B: patches before their cover, out of order; the cover names it.
expect_json "(lambda b: b['received'] == 2 and b['version'] == 2 and b['name'] == 'tools: bar' and [p['number'] for p in b['patches']] == [1, 2])(($S)['b-0@x'])"
expect_json "(lambda b: b['submitter_name'] == 'Борис Петров')(($S)['b-0@x'])"
# Series C: no cover, threaded to patch 1; named after patch 1.
expect_json "(lambda c: c['cover'] is None and c['received'] == 3 and c['name'] == 'docs: baz one')(($S)['c-1@x'])"
# Series D: no thread, grouped; the resent 1/2 starts its own series and
# supersedes nothing (it came within minutes).
expect_json "(lambda d: d['received'] == 2 and d['superseded_by'] is None and 'RFC' in d['prefixes'])(($S)['d-1@x'])"
expect_json "(lambda d: d['received'] == 1 and d['total'] == 2 and d['supersedes'] is None)(($S)['d-1-again@x'])"
# Series E: v2 by name supersedes v1.
expect_json "(lambda m: m['e-v1@x']['superseded_by'] == m['e-v2@x']['id'] and m['e-v2@x']['supersedes'] == m['e-v1@x']['id'] and m['e-v1@x']['state'] == 'superseded')($S)"
expect_json "(lambda m: m['pull-1@x']['patches'][0]['pull_url'] == 'https://git.example.org/xen.git')($S)"

# A second run over the same archive adds nothing.
run ingest --list xen-devel --json a.mbox
expect_rc 0 "second ingest"
expect_json "j['new'] == 0 and j['rejected'] == 0"

# The archive grows: only the new mail is read.
$MK b.mbox --part 2
cat b.mbox >>a.mbox
run ingest --list xen-devel --json a.mbox
expect_rc 0 "incremental ingest"
expect_json "j['messages'] == 6 and j['new'] == 6"
run series list --json
expect_json "(lambda m: m['a-v1-0@x']['superseded_by'] == m['a-v2-0@x']['id'] and m['a-v1-0@x']['state'] == 'superseded')($S)"
expect_json "all(p['state'] == 'superseded' for p in ($S)['a-v1-0@x']['patches'])"
# A reply that came before its patch is attached once the patch arrives.
expect_json "any(t['kind'] == 'Tested-by' for t in ($S)['f-1@x']['patches'][0]['trailers'])"

ID=$(python3 -c "import json; print([s['id'] for s in json.load(open('$T/.out')) if s['cover'] == 'a-v2-0@x'][0])")
run series show "$ID" --json
expect_rc 0 "series show"
expect_json "j['cover'] == 'a-v2-0@x' and j['supersedes'] is not None"
run series show 99999
expect_rc 1 "series show missing"
expect_err "no series 99999"

# Standard input, and a list from the config.
printf '[list "minios"]\n\taddress = minios@example.org\n\tsource = c.mbox\n' >steward.conf
$MK c.mbox --part 2
run ingest --json
expect_rc 0 "ingest from config"
expect_json "j['new'] == 0 and j['duplicates'] == 6"
run ingest --list other --json - <a.mbox
expect_rc 0 "ingest stdin"

# A name from a From header is not renamed by a trailer's free text (here
# still MIME-encoded, as a careless tool writes it).
cat >d.mbox <<'MBOX'
From bob@example.org Mon Jan  1 00:00:00 2024
From: =?UTF-8?B?0JHQvtGA0LjRgSDQn9C10YLRgNC+0LI=?= <bob@example.org>
Date: Mon, 1 Jan 2024 10:00:00 +0000
Subject: [PATCH] x86: fix thing
Message-ID: <d1@example.org>
Content-Type: text/plain; charset=UTF-8

Fix it.

Signed-off-by: =?UTF-8?B?0JHQvtGA0LjRgSDQn9C10YLRgNC+0LI=?= <bob@example.org>
---
diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1 +1,2 @@
 a
+b
MBOX
printf '[core]\n\tdb = names.db\n' >names.conf
run --config names.conf ingest --list names d.mbox
expect_rc 0 "ingest d.mbox"
[ "$(sqlite3 names.db "SELECT name FROM people WHERE email = 'bob@example.org'")" = "Борис Петров" ] \
	&& pass || fail "author's name renamed by a trailer"

# A message over the 64 MiB cap (one 100 MB line) is recorded as rejected
# with its reason and first bytes; the run goes on to the next message,
# and a second run neither reads nor records it again.
python3 - big.mbox <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("From a@x Mon Jan  6 08:00:00 2025\nFrom: A <a@example.org>\n"
            "Subject: huge\nMessage-ID: <huge@x>\n\n")
    for _ in range(100):
        f.write("x" * (1 << 20))
    f.write("\n\nFrom a@x Mon Jan  6 08:00:00 2025\nFrom: A <a@example.org>\n"
            "Subject: after the huge one\nMessage-ID: <after-huge@x>\n\nhi\n")
PY
printf '[core]\n\tdb = big.db\n' >big.conf
run --config big.conf ingest --list big --json big.mbox
expect_rc 0 "ingest a 100 MB line"
expect_json "j['rejected'] == 1 and j['new'] == 1"
[ "$(sqlite3 big.db "SELECT position, reason, substr(CAST(sample AS TEXT), 1, 23), length(sample) FROM rejected")" = \
	"byte 0|larger than 67108864 bytes|From: A <a@example.org>|4096" ] && pass || fail "rejected row of the huge message"
[ "$(sqlite3 big.db "SELECT count(*) FROM messages WHERE msgid = 'after-huge@x'")" = 1 ] \
	&& pass || fail "message after the huge one"
run --config big.conf ingest --list big --json big.mbox
expect_rc 0 "ingest a 100 MB line again"
expect_json "j['rejected'] == 0 and j['new'] == 0"
rm -f big.mbox

# Errors: a missing source is one clear line, and nothing is stored.
run ingest --list x missing.mbox
expect_rc 1 "missing source"
expect_err "missing.mbox"
run ingest --threads 0 a.mbox
expect_rc 2 "bad threads"

finish
