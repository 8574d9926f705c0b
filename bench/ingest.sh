#!/bin/sh
# bench/ingest.sh [MESSAGES...]: end-to-end ingest speed and memory.
# For each size (default 100000 and 1000000) it generates a sample archive
# with `steward demo-data`, ingests it into a fresh store, then ingests
# again (which must add nothing and be far faster). Prints messages/s and
# peak memory. Build first: cmake -B build && cmake --build build.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
S=${STEWARD:-$ROOT/build/steward}
W=${BENCH_DIR:-/var/tmp/steward-bench-ingest}
M="python3 $ROOT/bench/run-measured.py"
mkdir -p "$W"
cd "$W"
for n in ${*:-100000 1000000}; do
	if [ ! -f "data-$n/archive.mbox" ]; then
		rm -rf "data-$n"
		$M "generate $n" "$S" demo-data "data-$n" --messages "$n" --seed 7 --no-repo >/dev/null
	fi
	rm -f "s-$n.db" "s-$n.db-wal" "s-$n.db-shm"
	printf '[core]\n\tdb = s-%s.db\n' "$n" >"b-$n.conf"
	echo "archive: $n messages, $(du -h "data-$n/archive.mbox" | cut -f1)"
	$M "first ingest $n" "$S" --config "b-$n.conf" ingest --list bench --json "data-$n/archive.mbox" | tee "first-$n.txt"
	$M "second ingest $n" "$S" --config "b-$n.conf" ingest --list bench --json "data-$n/archive.mbox" | tee "second-$n.txt"
	python3 - "$n" "first-$n.txt" "second-$n.txt" <<'PY'
import re, sys
n = int(sys.argv[1])
def secs(path):
    return float(re.search(r": ([0-9.]+) s, peak ([0-9.]+) MB", open(path).read()).group(1))
first, second = secs(sys.argv[2]), secs(sys.argv[3])
print(f"=> {n / first:,.0f} messages/s first run; second run {first / max(second, 1e-3):.1f}x faster")
PY
done
