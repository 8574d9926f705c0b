#!/usr/bin/env python3
"""gen-repo-headers.py N [SEED]: a git fast-import stream of N commits on
master that edit real C headers (up to 200 files of /usr/include, 5 to
3,000 lines each), one small edit per commit, the way most real commits
touch a large file: a line duplicated next to itself, a blank line added,
a line or a block deleted, a line replaced by a neighbour or by new text,
a few lines copied, a function, a form feed or a closing brace added, the
final newline dropped or restored. Many of these leave xdiff a choice of
where the hunk goes (repeated blank lines, braces, copies), so patch-ids
depend on git's exact rules. The set of headers depends on
the packages installed; for one machine the stream is deterministic.
Usage: python3 gen-repo-headers.py 3000 | git -C repo fast-import --quiet
"""
import glob
import os
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
out = sys.stdout.buffer
files = {}


def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


def emit(i, paths):
    out.write(b"commit refs/heads/master\n")
    out.write(b"committer C <c@example.org> %d +0000\n" % (1600000000 + i * 60))
    data(b"edit %d\n" % i)
    for p in paths:
        out.write(b"M 100644 inline %s\n" % p.encode())
        data("".join(files[p]).encode())


def main():
    srcs = sorted(glob.glob("/usr/include/*.h") + glob.glob("/usr/include/*/*.h"))
    for i, p in enumerate(srcs[:200]):
        with open(p, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines(True)
        if 5 < len(lines) < 3000:
            files["src/%03d_%s" % (i, os.path.basename(p))] = lines
    emit(0, sorted(files))
    for i in range(1, N):
        p = rnd.choice(sorted(files))
        lines = files[p]
        k = rnd.randrange(len(lines))
        r = rnd.random()
        if r < 0.15:
            lines.insert(k, lines[max(0, k - rnd.randint(0, 3))])
        elif r < 0.25:
            if len(lines) > 3:
                del lines[k]
        elif r < 0.35:
            lines.insert(k, "\n")
        elif r < 0.45:
            lines[k] = lines[min(len(lines) - 1, k + rnd.randint(1, 3))]
        elif r < 0.6:
            indent = lines[k][:len(lines[k]) - len(lines[k].lstrip())]
            lines[k] = indent + "changed_%d();\n" % i
        elif r < 0.7:
            j = rnd.randrange(len(lines))
            lines[k:k] = lines[j:j + rnd.randint(1, 5)]
        elif r < 0.77:
            if len(lines) > 12:
                del lines[k:k + rnd.randint(2, 8)]
        elif r < 0.84:
            indent = " " * rnd.randint(0, 8)
            lines[k:k] = ["\n", indent + "int f%d(void)\n" % i, "{\n",
                          indent + "\treturn 0;\n", "}\n"]
        elif r < 0.9:
            lines[k:k] = ["\f\n"] if rnd.random() < 0.5 else ["}\n", "\n"]
        elif lines[-1].endswith("\n"):
            lines[-1] = lines[-1][:-1]
        else:
            lines[-1] += "\n"
        emit(i, [p])


main()
