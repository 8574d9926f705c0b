#!/usr/bin/env python3
"""gen-repo.py N: a git fast-import stream of N non-merge commits on
master, deterministic (fixed seed): a tree of C-like files, each commit
editing, adding, deleting, renaming (with or without edits) or chmod-ing
a few of them, now and then a binary file. Usage:
    python3 gen-repo.py 20000 | git -C repo fast-import --quiet
"""
import random
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
rnd = random.Random(42)
out = sys.stdout.buffer
WORDS = ("int", "static", "return", "if", "for", "struct", "domain", "vcpu",
         "page", "lock", "irq", "xen", "map", "unmap", "grant", "event",
         "=", "+", ";", "{", "}", "(", ")", "0", "1", "NULL", "ret", "rc")


def line():
    n = rnd.randint(1, 9)
    indent = "\t" * rnd.randint(0, 3)
    return indent + " ".join(rnd.choice(WORDS) for _ in range(n)) + "\n"


def new_file():
    return [line() for _ in range(rnd.randint(10, 120))]


files = {}
modes = {}
mark = 0


def data(b):
    out.write(b"data %d\n" % len(b))
    out.write(b)
    out.write(b"\n")


def emit(i, ops, msg):
    t = 1600000000 + i * 600
    out.write(b"commit refs/heads/master\n")
    out.write(b"author Dev %d <dev%d@example.org> %d +0000\n" % (i % 97, i % 97, t))
    out.write(b"committer Maintainer <maint@example.org> %d +0000\n" % (t + 60))
    data(msg.encode())
    for op in ops:
        out.write(op)


def put(path):
    body = "".join(files[path]).encode() if isinstance(files[path], list) else files[path]
    return b"M %s inline %s\n" % (modes[path].encode(), path.encode()) + \
        b"data %d\n" % len(body) + body + b"\n"


def main():
    # Initial tree: 300 files in 20 directories.
    for d in range(20):
        for f in range(15):
            p = "dir%02d/file%03d.c" % (d, f)
            files[p] = new_file()
            modes[p] = "100644"
    emit(0, [put(p) for p in sorted(files)], "Initial import\n")
    for i in range(1, N):
        ops = []
        kind = rnd.random()
        paths = sorted(files)
        if kind < 0.70:
            for p in rnd.sample(paths, rnd.randint(1, 3)):
                body = files[p]
                if isinstance(body, bytes):
                    continue
                for _ in range(rnd.randint(1, 6)):
                    k = rnd.randint(0, len(body))
                    r = rnd.random()
                    if r < 0.4 and len(body) > 3:
                        body[min(k, len(body) - 1)] = line()
                    elif r < 0.7:
                        body.insert(k, line())
                    elif len(body) > 3:
                        del body[min(k, len(body) - 1)]
                ops.append(put(p))
        elif kind < 0.80:
            p = "dir%02d/new%05d.c" % (rnd.randint(0, 19), i)
            files[p] = new_file()
            modes[p] = "100644"
            ops.append(put(p))
        elif kind < 0.85 and len(paths) > 50:
            p = rnd.choice(paths)
            del files[p]
            del modes[p]
            ops.append(b"D %s\n" % p.encode())
        elif kind < 0.93:
            p = rnd.choice(paths)
            q = "dir%02d/moved%05d.c" % (rnd.randint(0, 19), i)
            files[q] = files.pop(p)
            modes[q] = modes.pop(p)
            if isinstance(files[q], list) and rnd.random() < 0.6:
                for _ in range(rnd.randint(1, 5)):
                    files[q].insert(rnd.randint(0, len(files[q])), line())
            ops.append(b"D %s\n" % p.encode())
            ops.append(put(q))
        elif kind < 0.97:
            p = rnd.choice(paths)
            modes[p] = "100755" if modes[p] == "100644" else "100644"
            ops.append(put(p))
        else:
            p = "blobs/b%05d.bin" % i
            files[p] = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(100, 3000))) + b"\0"
            modes[p] = "100644"
            ops.append(put(p))
        if not ops:
            p = paths[0]
            files[p].append(line()) if isinstance(files[p], list) else None
            ops.append(put(p))
        emit(i, ops, "subsys%d: change number %d\n\nBody of change %d.\n\n"
             "Signed-off-by: Dev %d <dev%d@example.org>\n" % (i % 13, i, i, i % 97, i % 97))


main()
