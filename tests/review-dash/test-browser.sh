# test-browser.sh: Debian's headless Chromium over the queue, a series, a
# contributor and the hostile series: what a person would see is there,
# the stylesheet applies with no Content-Security-Policy violation, no
# script element exists in the rendered DOM, and a screenshot of each
# page is kept in the build tree (screenshots/).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"
. "$HERE/serve-lib.sh"

CHROMIUM=$(command -v chromium || command -v chromium-browser)
[ -n "$CHROMIUM" ] && pass || { fail "chromium missing (ci/setup installs it)"; finish; exit 1; }
SHOTS=${STEWARD_BUILD:-$T}/screenshots
mkdir -p "$SHOTS"

run user add admin --maintainer
expect_rc 0 "user add"
python3 "$HERE/serve-data.py" steward.db && pass || fail "test data"
start_server

# browse NAME PATH: rendered DOM into $T/NAME.html, console into
# $T/NAME.log, screenshot into $SHOTS/NAME.png.
browse() {
	local flags="--headless=new --no-sandbox --disable-gpu
		--user-data-dir=$T/chromium --no-first-run --disable-extensions
		--enable-logging=stderr --v=0 --window-size=1280,1000"
	# shellcheck disable=SC2086
	timeout 60 "$CHROMIUM" $flags --dump-dom "http://127.0.0.1:$PORT$2" \
		>"$T/$1.html" 2>"$T/$1.log" && pass || fail "chromium dump $2"
	# shellcheck disable=SC2086
	timeout 60 "$CHROMIUM" $flags --screenshot="$SHOTS/$1.png" \
		"http://127.0.0.1:$PORT$2" >/dev/null 2>>"$T/$1.log" \
		&& pass || fail "chromium screenshot $2"
	[ "$(head -c 4 "$SHOTS/$1.png" | od -An -c | tr -d ' ')" = "211PNG" ] \
		&& pass || fail "$1.png is not a PNG"
	[ "$(stat -c %s "$SHOTS/$1.png")" -gt 10000 ] && pass || fail "$1.png is blank"
	grep -qi "content security policy\|refused to" "$T/$1.log" \
		&& fail "$2: CSP violation: $(grep -i 'refused' "$T/$1.log" | head -2)" || pass
	grep -qi "<script" "$T/$1.html" && fail "$2: script element in the DOM" || pass
	grep -qiE "<[a-z][^<>]* on[a-z]+=" "$T/$1.html" && fail "$2: event handler attribute" || pass
}
seen() { grep -qF -- "$2" "$T/$1.html" && pass || fail "$1: a person would not see '$2'"; }

browse queue "/queue?page=2"
seen queue "xen/arm: ffa: harden SEND2"
seen queue "Ann Contributor"
seen queue "R:1 A:1 T:0"
seen queue 'rel="prev"'
browse series /series/2
seen series "Version 2"
seen series '<a href="/series/1">v1</a>'
seen series "Acked-by: Mia Maintainer"
seen series "Looks right."
seen series "Download mbox"
browse person /people/ann%40example.com
seen person "Ann Contributor"
seen person "superseded"
browse hostile /series/3
seen hostile "&lt;script&gt;alert(1)&lt;/script&gt;"
browse metrics /metrics
seen metrics "<svg"
stop_server
[ "$SERVER_RC" = 0 ] && pass || fail "server stop"
finish
