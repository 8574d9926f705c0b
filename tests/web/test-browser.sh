# test-browser.sh: headless Chromium over a site built and served by
# steward: the page renders (a screenshot is kept), and the server's CSP
# stops an inline script that runs when the same file is opened without
# it. Skipped, with a note, when Chromium is not installed.
. "$(dirname "$0")/../lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROME" ]; then
	echo "note: no chromium: browser test skipped"
	exit 0
fi
SPID=""
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$T"' EXIT

browse() {
	timeout 60 "$CHROME" --headless=new --no-sandbox --disable-gpu \
		--hide-scrollbars --user-data-dir="$T/chrome" \
		--window-size=1024,768 "$@" 2>/dev/null
}

mkdir -p content/news
printf -- '---\ntitle: Xen <Project> & "friends"\n---\n# Welcome\n\nSee [the news](/news/).\n' >content/index.md
printf -- '---\ntitle: Script page\nraw_html: true\n---\n<p id="target">untouched</p>\n<script>document.getElementById("target").textContent = "PWNED-BY-SCRIPT";</script>\n' >content/inline.md
printf -- '---\ntitle: First\ndate: 2025-01-02\n---\nNews.\n' >content/news/first.md
run web build --content content -o site
expect_rc 0 "build"

"$STEWARD" web serve site --http 127.0.0.1:0 >serve.out 2>serve.err &
SPID=$!
for _ in $(seq 50); do
	grep -q '^serving on' serve.out && break
	sleep 0.1
done
U=$(grep -o 'http://[0-9.]*:[0-9]*' serve.out | head -1)

# The home page renders: the title as text, the navigation, a screenshot.
browse --dump-dom "$U/" >dom.html
grep -qF '<h1>Xen &lt;Project&gt; &amp; "friends"</h1>' dom.html && pass || fail "title in the DOM: $(head -c 600 dom.html)"
grep -qF 'href="/news/"' dom.html && pass || fail "nav in the DOM"
browse --screenshot="$T/shot.png" "$U/" >/dev/null
python3 - "$T/shot.png" <<'PY' && pass || fail "screenshot"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1024, 768), (w, h)
assert len(d) > 5000, len(d)  # a blank page compresses to far less
PY
if [ -n "${STEWARD_BUILD:-}" ] && [ -f "$T/shot.png" ]; then
	cp "$T/shot.png" "$STEWARD_BUILD/web-screenshot.png"
fi

# Served: the CSP blocks the inline script of the page that opted in to
# raw HTML. Opened as a file (no CSP), the same page runs it: the check
# above can fail.
browse --dump-dom "$U/inline.html" >served.html
grep -q 'id="target">untouched<' served.html && pass || fail "inline script ran under the CSP"
browse --dump-dom "file://$(readlink -f site)/inline.html" >file.html
grep -q 'PWNED-BY-SCRIPT' file.html && pass || fail "control: script did not run without the CSP"

kill "$SPID"
wait "$SPID"
SPID=""
finish
