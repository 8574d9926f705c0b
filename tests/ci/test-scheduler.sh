# test-scheduler.sh: `steward ci`: due jobs, the per-job lock with two
# concurrent runs, retries, timeouts (killing nested builds), history,
# and the webhook and mail on failure, to loopback servers started here.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
git init -q -b master repo
git -C repo commit -q --allow-empty -m base
# 2026-01-01T12:00:30Z: a "* * * * *" schedule is due at 12:00.
export STEWARD_NOW=1767268830

run ci next '0 */6 * * *' --from 1767225600 -n 2
expect_rc 0 "next"
expect_out "2026-01-01T06:00:00Z
2026-01-01T12:00:00Z"
run ci next '61 * * * *'
expect_rc 1 "bad cron"
expect_err "cron minute: 61 is out of range 0-59"

# --- Two concurrent runs: one runs the job, the other skips it.
mkdir lock
cat >lock/steward.conf <<'CONF'
[check "slow"]
	kind = build
	path = ../repo
	command = sleep 3
[schedule "slow"]
	cron = * * * * *
	run = check run slow
CONF
"$STEWARD" --config lock/steward.conf ci run-due >a.out 2>a.err &
A=$!
for _ in $(seq 50); do
	[ -s lock/run/slow.lock ] && break
	sleep 0.1
done
run --config lock/steward.conf ci run-due
expect_rc 0 "second run skips"
expect_out "slow: skipped: already running (pid $A)"
wait $A
RC=$?
expect_rc 0 "first run"
grep -q "slow: ok (exit 0, 1 attempt(s), due 2026-01-01T12:00:00Z)" a.out \
	&& pass || fail "first run output: $(cat a.out a.err)"
# Done for this minute: not due again.
run -v --config lock/steward.conf ci run-due
expect_rc 0 "not due"
expect_out "slow: not due, next 2026-01-01T12:01:00Z"
run --config lock/steward.conf ci history slow --json
expect_json "len(j) == 1 and j[0]['status'] == 'ok' and j[0]['exit_code'] == 0"
expect_json "'slow: pass 10/10' in j[0]['log']"
# The next minute, it runs again.
STEWARD_NOW=$((STEWARD_NOW + 60)) run --config lock/steward.conf ci run-due --json
expect_json "j[0]['outcome'] == 'ok' and j[0]['due'] == '2026-01-01T12:01:00Z'"

# --- A failing job: retried, then reported to the webhook.
python3 - hook.log hook.port <<'PY' &
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        with open(sys.argv[1], 'ab') as f:
            f.write(self.headers.get('Content-Type', '').encode() + b' ' + body + b'\n')
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(sys.argv[2] + '.tmp', 'w').write(str(s.server_address[1]))
import os; os.rename(sys.argv[2] + '.tmp', sys.argv[2])
s.serve_forever()
PY
HOOK=$!
# A minimal SMTP server keeping what it is told in smtp.log.
python3 - smtp.log smtp.port <<'PY' &
import os, socketserver, sys
class H(socketserver.StreamRequestHandler):
    def handle(self):
        out = open(sys.argv[1], 'ab')
        def w(s):
            self.wfile.write(s.encode() + b'\r\n')
        w('220 test ESMTP')
        data = False
        for line in self.rfile:
            out.write(line)
            if data:
                if line == b'.\r\n':
                    data = False
                    w('250 queued')
                continue
            cmd = line[:4].upper()
            if cmd in (b'EHLO', b'HELO'):
                w('250 test')
            elif cmd == b'DATA':
                data = True
                w('354 go ahead')
            elif cmd == b'QUIT':
                w('221 bye')
                break
            else:
                w('250 ok')
        out.close()
s = socketserver.TCPServer(('127.0.0.1', 0), H)
open(sys.argv[2] + '.tmp', 'w').write(str(s.server_address[1]))
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
s.serve_forever()
PY
SMTP=$!
trap 'kill $HOOK $SMTP 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do
	[ -s hook.port ] && [ -s smtp.port ] && break
	sleep 0.1
done
mkdir fail
cat >fail/steward.conf <<CONF
[ci]
	smtp-url = smtp://127.0.0.1:$(cat smtp.port)
	mail-from = steward@example.org
[check "bad"]
	kind = build
	path = ../repo
	command = "echo broken build; exit 1"
[check "hang"]
	kind = build
	path = ../repo
	command = sleep 30.4343
[schedule "bad"]
	cron = */5 * * * *
	run = check run bad
	retries = 1
	retry-delay = 1
	webhook = http://127.0.0.1:$(cat hook.port)/hook
	mail-to = ops@example.org
[schedule "hang"]
	cron = @hourly
	run = check run hang
	timeout = 2
[schedule "later"]
	cron = 0 0 2 jan *
	run = check run bad
[schedule "broken"]
	cron = 0 0 31 2 * *
	run = check run bad
CONF
run --config fail/steward.conf ci run-due
expect_rc 1 "failing job"
expect_out "bad: failed (exit 1, 2 attempt(s), due 2026-01-01T12:00:00Z)"
expect_out "hang: timeout (exit 137, 1 attempt(s), due 2026-01-01T12:00:00Z)"
expect_out "broken: error: cron expression '0 0 31 2 * *' has more than 5 fields"
expect_no_out "later:"
# The timeout killed the nested build too, not just steward.
pgrep -f 'sleep 30.4343' >/dev/null && fail "the build survived the timeout" || pass
python3 -c "
import json
lines = open('hook.log').read().splitlines()
assert len(lines) == 1, lines
ctype, body = lines[0].split(' ', 1)
assert ctype == 'application/json', ctype
j = json.loads(body)
assert j['schedule'] == 'bad' and j['outcome'] == 'failed', j
assert j['attempts'] == 2 and j['exit_code'] == 1, j
assert j['command'] == 'check run bad', j
assert 'exited with 1' in j['log_tail'], j
" && pass || fail "webhook body: $(cat hook.log)"
grep -q '^MAIL FROM:<steward@example.org>' smtp.log && pass || fail "smtp sender: $(cat smtp.log)"
grep -q '^RCPT TO:<ops@example.org>' smtp.log && pass || fail "smtp recipient"
grep -q "^Subject: \[steward\] schedule 'bad' failed" smtp.log && pass || fail "mail subject"
grep -q "^Outcome: failed, exit 1, 2 attempt(s)" smtp.log && pass || fail "mail body"
grep -q "exited with 1" smtp.log && pass || fail "mail log tail"
[ "$(grep -c '^RCPT TO' smtp.log)" -eq 1 ] && pass || fail "one mail only (hang has no mail-to)"
run --config fail/steward.conf ci history bad --json
expect_rc 0 "history"
expect_json "[(r['attempt'], r['status'], r['exit_code']) for r in j] == [(2, 'failed', 1), (1, 'failed', 1)]"
expect_json "'broken build' in j[0]['log']"
run --config fail/steward.conf ci history hang --json
expect_json "j[0]['status'] == 'timeout'"
run --config fail/steward.conf ci history later
expect_rc 1 "never ran"
expect_err "schedule 'later' never ran"
run --config fail/steward.conf ci list --json
expect_rc 0 "list"
expect_json "[(s['schedule'], s['last_status']) for s in j] == [('bad', 'failed'), ('hang', 'timeout'), ('later', None), ('broken', None)]"
expect_json "j[2]['next'] == '2026-01-02T00:00:00Z'"
expect_json "'more than 5 fields' in j[3]['error']"

# --- A check with a schedule key is a schedule of its own.
mkdir implicit
cat >implicit/steward.conf <<'CONF'
[check "tick"]
	kind = build
	path = ../repo
	command = true
	schedule = @hourly
[check "unscheduled"]
	kind = build
	path = ../repo
	command = true
CONF
run --config implicit/steward.conf ci run-due
expect_rc 0 "implicit schedule"
expect_out "check-tick: ok (exit 0, 1 attempt(s), due 2026-01-01T12:00:00Z)"
expect_no_out "unscheduled"
run --config implicit/steward.conf check history tick --json
expect_json "len(j) == 1 and j[0]['status'] == 'pass'"
run --config implicit/steward.conf ci list --json
expect_json "[(s['schedule'], s['run'], s['next']) for s in j] == [('check-tick', 'check run tick', '2026-01-01T13:00:00Z')]"

# --- The daemon runs due jobs and stops on SIGTERM.
mkdir daemon
cat >daemon/steward.conf <<'CONF'
[check "quick"]
	kind = build
	path = ../repo
	command = true
[schedule "quick"]
	cron = * * * * *
	run = check run quick
CONF
"$STEWARD" --config daemon/steward.conf ci daemon >d.out 2>d.err &
D=$!
for _ in $(seq 100); do
	grep -q "quick: ok" d.out 2>/dev/null && break
	sleep 0.1
done
kill -TERM $D
wait $D
RC=$?
expect_rc 0 "daemon stops on SIGTERM"
grep -q "quick: ok (exit 0" d.out && pass || fail "daemon output: $(cat d.out d.err)"

# A run directory that cannot be made is an error, not a silent skip.
printf '[ci]\n\trun-dir = /proc/steward-no\n[schedule "x"]\n\tcron = * * * * *\n\trun = config\n' >norun.conf
run --config norun.conf ci run-due
expect_rc 1 "unusable run directory"
expect_err "steward: ci: cannot make '/proc/steward-no'"

run ci frob
expect_rc 2 "unknown subcommand"
run ci --help
expect_rc 0
expect_out "usage: steward ci run-due"

kill $HOOK $SMTP 2>/dev/null
finish
