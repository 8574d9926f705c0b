# serve-lib.sh: helpers for the tests that run `steward serve` (source
# after tests/lib.sh): start and stop the server on a free loopback port,
# GET with headers kept, and checks on the last response.
export STEWARD_NOW=1767225600
# Loopback only: no proxy may see these requests.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 PAGER=cat GIT_PAGER=cat
SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID"
		SERVER_RC=$?
		SERVER_PID=
	fi
}
trap 'stop_server; if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi' EXIT

# start_server ARGS...: serve on a free port (the kernel picks: port 0),
# sets $PORT once the server says it listens.
start_server() {
	"$STEWARD" -v serve --listen 127.0.0.1:0 "$@" >"$T/serve.out" \
		2>"$T/serve.err" &
	SERVER_PID=$!
	PORT=
	for _ in $(seq 1 100); do
		PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/serve.out")
		[ -n "$PORT" ] && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$PORT" ] && pass || { cat "$T/serve.err"; fail "server start"; }
}

# get PATH [CURL ARGS]: GET into $T/body, headers into $T/hdr, $CODE.
get() {
	local path=$1
	shift
	CODE=$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$@" \
		"http://127.0.0.1:$PORT$path")
}
expect_code() {
	[ "$CODE" = "$1" ] && pass && return
	fail "$2: got HTTP $CODE, want $1"
	# No answer at all: the server's own words say why.
	[ "$CODE" = 000 ] && tail -n 40 "$T/serve.err" >&2
	return 0
}
expect_body() { grep -qF -- "$1" "$T/body" && pass || fail "$2: body lacks '$1'"; }
expect_no_body() { grep -qF -- "$1" "$T/body" && fail "$2: body has '$1'" || pass; }
expect_hdr() { grep -qi -- "^$1" "$T/hdr" && pass || fail "$2: no header '$1'"; }
body_json() {
	python3 -c "import json,sys; j=json.load(open('$T/body')); sys.exit(0 if ($1) else 1)" \
		&& pass || fail "json: $1 ($(head -c 300 "$T/body"))"
}

