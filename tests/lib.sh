# lib.sh: helpers for shell integration tests. Source it; it makes a
# scratch directory $T (removed on exit), and gives run/expect helpers
# that check exit code, stdout and stderr of the real steward binary.
set -u
: "${STEWARD:?STEWARD must name the steward binary}"
T=$(mktemp -d /tmp/steward-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
FAILS=0
PASSES=0

# run ARGS...: run steward, keeping $RC, $OUT (stdout) and $ERR (stderr).
run() {
	"$STEWARD" "$@" >"$T/.out" 2>"$T/.err"
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}

fail() {
	echo "FAIL: $*"
	echo "  rc=$RC"
	echo "  stdout: $(head -c 2000 "$T/.out")"
	echo "  stderr: $(head -c 2000 "$T/.err")"
	FAILS=$((FAILS + 1))
}

pass() {
	PASSES=$((PASSES + 1))
}

expect_rc() { [ "$RC" -eq "$1" ] && pass || fail "${2:-} expected rc $1"; }
expect_out() { grep -qF -- "$1" "$T/.out" && pass || fail "${2:-} stdout lacks '$1'"; }
expect_err() { grep -qF -- "$1" "$T/.err" && pass || fail "${2:-} stderr lacks '$1'"; }
expect_no_out() { grep -qF -- "$1" "$T/.out" && fail "${2:-} stdout has '$1'" || pass; }
# expect_json JQ-LIKE-PYTHON-EXPR: evaluate a Python expression over the
# parsed stdout bound to j; passes when it is true.
expect_json() {
	python3 -c "import json,sys; j=json.load(open('$T/.out')); sys.exit(0 if ($1) else 1)" \
		&& pass || fail "json: $1"
}

finish() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}
