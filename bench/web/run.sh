#!/bin/sh
# bench/web/run.sh: the static site benchmark (a script, not a ctest).
#   1. build 10,000 Markdown pages with `steward web build`, and with Hugo
#      (Debian's hugo) from the same pages, in the same run; then a
#      rebuild with nothing changed and one with one page changed;
#   2. serve one page with `steward web serve` and with nginx from the
#      same folder, measured with `wrk -t2 -c64 -d10s`.
# Usage: bench/web/run.sh [STEWARD] [PAGES]   (needs hugo, nginx, wrk for
# the comparisons; what is missing is skipped and said so)
set -eu
STEWARD=${1:-build/steward}
PAGES=${2:-10000}
case "$STEWARD" in /*) ;; *) STEWARD=$PWD/$STEWARD ;; esac
W=$(mktemp -d /tmp/steward-bench-web.XXXXXX)
chmod 755 "$W" # nginx workers run as another user
SPID=""
NPID=""
cleanup() {
	if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null || true; fi
	if [ -n "$NPID" ]; then kill "$NPID" 2>/dev/null || true; fi
	rm -rf "$W"
}
trap cleanup EXIT
cd "$W"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

echo "generating $PAGES pages"
python3 - "$PAGES" <<'PY'
import os, random, sys
n = int(sys.argv[1])
random.seed(42)
words = ("xen hypervisor guest domain patch series review release branch "
         "staging memory scheduler interrupt grant table event channel "
         "toolstack libxl qemu device model boot").split()
def para():
    return " ".join(random.choice(words) for _ in range(60)) + ".\n\n"
for i in range(n):
    sec = "news" if i % 10 == 0 else "docs/%02d" % (i % 50)
    os.makedirs("content/" + sec, exist_ok=True)
    with open("content/%s/page-%d.md" % (sec, i), "w") as f:
        f.write("---\ntitle: Page %d about %s\ndate: 2025-%02d-%02d\n---\n"
                % (i, random.choice(words), 1 + i % 12, 1 + i % 28))
        f.write("# Section %d\n\n" % i + para() + "* one\n* two *three*\n\n"
                + "```\ncode %d\n```\n\n" % i + para()
                + "[home](/) and [next](page-%d.html)\n" % i)
PY

echo "== build"
t0=$(now)
"$STEWARD" web build --content content -o out --no-store >/dev/null
t1=$(now)
steward_cold=$(elapsed "$t0" "$t1")
echo "steward web build (cold):        $steward_cold s"
t0=$(now)
"$STEWARD" web build --content content -o out --no-store >/dev/null
t1=$(now)
echo "steward web build (unchanged):   $(elapsed "$t0" "$t1") s"
echo "changed" >>content/news/page-0.md
t0=$(now)
"$STEWARD" web build --content content -o out --no-store --json
t1=$(now)
echo "steward web build (one changed): $(elapsed "$t0" "$t1") s"

if command -v hugo >/dev/null; then
	mkdir -p hugo/layouts/_default
	cp -r content hugo/content
	printf 'baseURL = "http://localhost/"\ntitle = "Bench"\ndisableKinds = ["taxonomy", "term"]\n' >hugo/config.toml
	printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title><link rel="stylesheet" href="/style.css"></head><body><nav><a href="/">Home</a></nav><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n' >hugo/layouts/_default/single.html
	printf '<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n' >hugo/layouts/_default/list.html
	t0=$(now)
	hugo --quiet -s hugo -d "$W/hugo-public" >/dev/null 2>&1
	t1=$(now)
	hugo_cold=$(elapsed "$t0" "$t1")
	echo "hugo $(hugo version | awk '{print $2}') (cold):        $hugo_cold s"
	echo "hugo / steward (cold):           $(echo "$hugo_cold / $steward_cold" | bc -l | xargs printf '%.2f')x"
	t0=$(now)
	hugo --quiet -s hugo -d "$W/hugo-public" >/dev/null 2>&1
	t1=$(now)
	echo "hugo (second run):               $(elapsed "$t0" "$t1") s"
else
	echo "hugo: not installed, skipped (apt-get install hugo)"
fi

echo "== serve"
if ! command -v wrk >/dev/null; then
	echo "wrk: not installed, skipped"
	exit 0
fi
PAGE=/docs/01/page-1.html
"$STEWARD" web serve out --http 127.0.0.1:0 >serve.out 2>serve.err &
SPID=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q 'http://' serve.out 2>/dev/null && break
	sleep 0.3
done
URL=$(grep -o 'http://[0-9.:]*' serve.out | head -1)
echo "steward web serve $URL$PAGE:"
curl -s "$URL$PAGE" | cmp -s - "out$PAGE" || { echo "steward does not serve the page"; exit 1; }
wrk -t2 -c64 -d10s "$URL$PAGE" | tee wrk-steward.txt | grep -E 'Requests/sec|Latency|requests in'
if command -v nginx >/dev/null; then
	ROOT=$(readlink -f out)
	mkdir -p nginx
	cat >nginx/nginx.conf <<NGX
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	include /etc/nginx/mime.types;
	sendfile on;
	gzip_static on;
	client_body_temp_path $W/nginx;
	proxy_temp_path $W/nginx;
	fastcgi_temp_path $W/nginx;
	uwsgi_temp_path $W/nginx;
	scgi_temp_path $W/nginx;
	server { listen 127.0.0.1:18089; root $ROOT; }
}
NGX
	nginx -c "$W/nginx/nginx.conf" -g 'daemon off;' &
	NPID=$!
	sleep 1
	echo "nginx $(nginx -v 2>&1 | sed 's,.*/,,') http://127.0.0.1:18089$PAGE:"
	# Both must answer 200 with the same page, or the figures mean nothing.
	curl -s "http://127.0.0.1:18089$PAGE" | cmp -s - "out$PAGE" \
		|| { echo "nginx does not serve the page"; exit 1; }
	wrk -t2 -c64 -d10s "http://127.0.0.1:18089$PAGE" | tee wrk-nginx.txt | grep -E 'Requests/sec|Latency|requests in'
	a=$(awk '/Requests\/sec/{print $2}' wrk-steward.txt)
	b=$(awk '/Requests\/sec/{print $2}' wrk-nginx.txt)
	echo "steward / nginx requests/s:      $(echo "100 * $a / $b" | bc -l | xargs printf '%.0f')%"
else
	echo "nginx: not installed, skipped"
fi
