#!/bin/sh
# bench/serve/run.sh: throughput and latency of `steward serve` on a store
# made from a generated archive (default 100,000 messages), with wrk
# (-t2 -c64 -d10s) on /queue, /series/ID and /api/1.2/patches/?per_page=30:
# once with the per-worker page cache (the default), once without
# (--cache-ttl 0), and the same /queue page saved to a file and served by
# nginx for comparison. Not a ctest test: run it by hand.
#   bench/serve/run.sh [STEWARD] [MESSAGES]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
STEWARD=${1:-$HERE/../../build/steward}
MESSAGES=${2:-100000}
DURATION=${DURATION:-10s}
W=$(mktemp -d /tmp/steward-bench.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	[ -f "$W/nginx.pid" ] && kill "$(cat "$W/nginx.pid")" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
cd "$W"
"$STEWARD" user add bench >/dev/null
python3 "$HERE/gen-store.py" steward.db "$MESSAGES"
SERIES=$(sqlite3 steward.db "SELECT max(id) FROM series WHERE total > 2")

serve() {
	"$STEWARD" serve --listen 127.0.0.1:0 --threads 2 "$@" >serve.out \
		2>serve.err &
	PID=$!
	PORT=
	while [ -z "$PORT" ]; do
		sleep 0.1
		PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' serve.out)
	done
}
stop() {
	kill "$PID"
	wait "$PID" || true
	PID=
}
bench() { # LABEL URL
	wrk -t2 -c64 -d"$DURATION" --latency "$2" >wrk.out
	printf '%-44s %10s req/s   p50 %-9s p99 %s\n' "$1" \
		"$(awk '/Requests\/sec/ {print $2}' wrk.out)" \
		"$(awk '$1 == "50%" {print $2}' wrk.out)" \
		"$(awk '$1 == "99%" {print $2}' wrk.out)"
	grep -E "Non-2xx|Socket errors" wrk.out || true
}

echo "store: $MESSAGES messages; series $SERIES; $(nproc) cores (shared with wrk)"
for mode in cached uncached; do
	if [ $mode = cached ]; then serve; else serve --cache-ttl 0; fi
	for url in /queue "/series/$SERIES" "/api/1.2/patches/?per_page=30"; do
		sleep 1
		curl -s -o /dev/null "http://127.0.0.1:$PORT$url" || true
		bench "steward $mode $url" "http://127.0.0.1:$PORT$url"
	done
	[ $mode = cached ] && curl -s -o queue.html "http://127.0.0.1:$PORT/queue"
	stop
done

mkdir -p www
mv queue.html www/queue.html
# nginx workers run as an unprivileged user: let them read the page.
chmod a+rx "$W" www
chmod a+r www/queue.html
NPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >nginx.conf <<CONF
daemon on;
worker_processes 2;
pid $W/nginx.pid;
error_log $W/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $W/tmp;
	proxy_temp_path $W/tmp;
	fastcgi_temp_path $W/tmp;
	uwsgi_temp_path $W/tmp;
	scgi_temp_path $W/tmp;
	server {
		listen 127.0.0.1:$NPORT;
		root $W/www;
	}
}
CONF
mkdir -p tmp
nginx -c "$W/nginx.conf" -p "$W"
sleep 0.3
bench "nginx static /queue.html" "http://127.0.0.1:$NPORT/queue.html"
