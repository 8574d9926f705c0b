# test-rawmail-serve.sh: the raw copies ingest stores are zstd frames, and the
# mbox download reads its headers back from them; a copy an older
# steward stored (zlib) still reads in the same store, and a corrupt or
# mis-sized one falls back to the stored fields.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
. "$HERE/serve-lib.sh"

for n in 1 2 3 4; do
	cat <<MBOX
From pat@example.org Mon Jan  1 10:00:00 2024
From: Pat Poster <pat@example.org>
To: xen-devel@lists.xenproject.org
Cc: Carol Reviewer <carol-$n@example.org>
Date: Mon, 1 Jan 2024 1$n:00:00 +0100
Subject: [PATCH] x86: fix thing $n
Message-ID: <raw-$n@example.org>
Content-Type: text/plain; charset=UTF-8

Fix thing $n.

Signed-off-by: Pat Poster <pat@example.org>
---
diff --git a/a$n.c b/a$n.c
--- a/a$n.c
+++ b/a$n.c
@@ -1 +1,2 @@
 a
+b
MBOX
	echo
done >raw.mbox
run ingest --list xen-devel --json raw.mbox
expect_rc 0 "ingest"
expect_json "j['new'] == 4"
[ "$(sqlite3 steward.db "SELECT count(*) FROM messages WHERE hex(substr(raw, 1, 4)) = '28B52FFD' AND raw_size > length(raw)")" = 4 ] \
	&& pass || fail "raw copies are zstd frames, smaller than the mail"

# Message 2 as an older steward stored it; 3 corrupt; 4 with a wrong size.
python3 - <<'PY' && pass || fail "rewrite raw copies"
import sqlite3, zlib
db = sqlite3.connect('steward.db')
def raw(n):
    return db.execute("SELECT id, raw, raw_size FROM messages WHERE msgid = ?",
                      ('raw-%d@example.org' % n,)).fetchone()
i, z, size = raw(2)
old = bytearray(z)
# The zstd copy is not readable by zlib: the old one is made afresh.
mail = open('raw.mbox', 'rb').read().split(b'\n\nFrom pat@')[1]
mail = b'From pat@' + mail + b'\n'
assert b'raw-2@' in mail
db.execute("UPDATE messages SET raw = ?, raw_size = ? WHERE id = ?",
           (zlib.compress(mail, 1), len(mail), i))
i, z, size = raw(3)
z = bytearray(z)
z[len(z) // 2] ^= 0xff
z[-3] ^= 0xff
db.execute("UPDATE messages SET raw = ? WHERE id = ?", (bytes(z), i))
i, z, size = raw(4)
db.execute("UPDATE messages SET raw_size = ? WHERE id = ?", (size + 1, i))
db.commit()
PY

start_server
for n in 1 2 3 4; do
	ID=$(sqlite3 steward.db "SELECT p.id FROM patches p JOIN messages m ON m.id = p.message_id WHERE m.msgid = 'raw-$n@example.org'")
	get "/patch/$ID/mbox"
	expect_code 200 "patch $n mbox"
	expect_body "Subject: [PATCH] x86: fix thing $n" "patch $n subject"
	expect_body "Message-ID: <raw-$n@example.org>" "patch $n message-id"
	grep -q "^+b" "$T/body" && pass || fail "patch $n diff"
	case $n in
	1 | 2)
		# Headers only the raw copy has, exactly as sent.
		expect_body "Cc: Carol Reviewer <carol-$n@example.org>" "patch $n cc"
		expect_body "Date: Mon, 1 Jan 2024 1$n:00:00 +0100" "patch $n date"
		;;
	*)
		expect_no_body "Cc:" "patch $n fallback"
		;;
	esac
done
stop_server

finish
