# test-ingest-crash.sh: kill ingest at several moments, run it again, and
# check the store ends exactly as after one uninterrupted run.
. "$(dirname "$0")/../lib.sh"
python3 "$STEWARD_SOURCE/tests/review-dash/mkmbox.py" big.mbox --part many:150

dump() {
	sqlite3 "$1" "
	SELECT msgid, list_id, author_id, date, subject, in_reply_to, parent_id,
	       thread_id, kind, body, hex(raw), raw_size FROM messages ORDER BY id;
	SELECT * FROM series ORDER BY id;
	SELECT * FROM patches ORDER BY id;
	SELECT * FROM trailers ORDER BY id;
	SELECT * FROM comments ORDER BY message_id;
	SELECT * FROM people ORDER BY id;
	SELECT source, position, reason FROM rejected ORDER BY id;
	SELECT list_id, uri, state FROM sources ORDER BY id;" | sha256sum
}

printf '[core]\n\tdb = clean.db\n' >clean.conf
"$STEWARD" --config clean.conf ingest --list l big.mbox >/dev/null || fail "clean run"
want=$(dump clean.db)

for delay in 0.05 0.2 0.4 0.8; do
	rm -f k.db k.db-wal k.db-shm
	printf '[core]\n\tdb = k.db\n' >k.conf
	"$STEWARD" --config k.conf ingest --list l --threads 2 big.mbox >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	"$STEWARD" --config k.conf ingest --list l big.mbox >/dev/null 2>"$T/.err" \
		|| { RC=1; fail "rerun after kill at $delay s"; }
	got=$(dump k.db)
	RC=0
	[ "$got" = "$want" ] && pass || fail "store after kill at $delay s differs"
done
finish
