# test-dispatch.sh: the dispatcher's help, usage errors and exit codes.
. "$(dirname "$0")/../lib.sh"

run --help
expect_rc 0 "--help"
expect_out "usage: steward"
expect_out "config"
# Every command in the table has a one-line summary.
awk '/^commands:/{f=1;next} f&&/^  [a-z]/{if (NF<3) bad=1} END{exit bad}' "$T/.out" \
	&& pass || fail "a command without summary"

run --version
expect_rc 0 "--version"
expect_out "steward "

run
expect_rc 2 "no command"
expect_err "usage: steward"

run no-such-command
expect_rc 2 "unknown command"
expect_err "unknown command 'no-such-command'"

run --bogus
expect_rc 2 "unknown global option"
expect_err "unknown option '--bogus'"

run config --bogus
expect_rc 2 "unknown command option"
expect_err "steward: config: unknown option '--bogus'"
expect_err "usage: steward config"

run help config
expect_rc 0 "help config"
expect_out "usage: steward config"

run config --help
expect_rc 0 "config --help"
expect_out "usage: steward config"

run help nope
expect_rc 2 "help unknown"

run --config /nonexistent/steward.conf config
expect_rc 1 "missing config"
expect_err "steward: config: cannot read config '/nonexistent/steward.conf': No such file or directory"

mkdir sub
printf '[core]\n\tdb = data/s.db\n[list "xen-devel"]\n\taddress = x@y\n' >sub/my.conf
run config --config sub/my.conf --json
expect_rc 0 "config --json"
# A relative store path is relative to the config file's folder.
expect_json "j['db'] == 'sub/data/s.db'"
expect_json "j['list'] == ['xen-devel']"

printf '[core\n' >bad.conf
run config --config=bad.conf
expect_rc 1 "bad config"
expect_err "bad.conf"

# Output to a closed stdout is a failure, not silent success.
"$STEWARD" config >/dev/full 2>"$T/.err"
RC=$?
expect_rc 1 "write to full disk"
expect_err "cannot write the output"

finish
