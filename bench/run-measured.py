#!/usr/bin/env python3
"""run-measured.py: run a command, print wall time and peak memory (RSS).

Usage: run-measured.py LABEL CMD [ARGS...]  -> "LABEL: 12.34 s, peak 56.7 MB"
Exits with the command's exit code.
"""
import resource
import subprocess
import sys
import time

label, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
rc = subprocess.call(cmd)
dt = time.monotonic() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
print(f"{label}: {dt:.2f} s, peak {peak:.1f} MB", flush=True)
sys.exit(rc)
