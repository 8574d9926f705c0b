#!/usr/bin/env python3
"""gen-store.py DB MESSAGES: fill a migrated Steward store with a generated
archive of about MESSAGES messages (series of 1-6 patches, most with a
cover letter, replies giving trailers, later versions superseding earlier
ones), following common/schema/0002-mail.sql. Deterministic (fixed seed).
"""
import random
import sqlite3
import sys
import zlib

db = sqlite3.connect(sys.argv[1])
target = int(sys.argv[2])
rnd = random.Random(42)
NOW = 1767225600
START = NOW - 3 * 365 * 86400
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
db.execute("INSERT INTO lists(id, name, address) VALUES "
           "(1, 'xen-devel', 'xen-devel@lists.xenproject.org')")
NPEOPLE = 400
db.executemany("INSERT INTO people(id, email, name) VALUES (?, ?, ?)",
               [(i, "dev%d@example.com" % i, "Developer %d" % i)
                for i in range(1, NPEOPLE + 1)])
AREAS = ["xen/arch/arm", "xen/arch/x86", "xen/common", "tools/libs",
         "docs", "xen/drivers/passthrough"]
msgs, patches, series, trailers, comments = [], [], [], [], []
mid = pid = sid = 0
last_by_topic = {}


def message(author, date, subject, body, kind, parent=None):
    global mid
    mid += 1
    msgid = "%d.%d@example.com" % (mid, date)
    raw = ("From: Developer %d <dev%d@example.com>\nDate: %d\n"
           "Subject: %s\nMessage-ID: <%s>\n\n%s"
           % (author, author, date, subject, msgid, body)).encode()
    msgs.append((mid, msgid, author, date, subject, parent, kind, body,
                 zlib.compress(raw, 1), len(raw)))
    return mid


while mid < target:
    sid += 1
    author = rnd.randint(1, NPEOPLE)
    date = START + (NOW - START) * sid // (target // 5)
    date = min(date, NOW - 3600)
    n = rnd.choice([1, 1, 2, 3, 4, 6])
    topic = rnd.randint(0, 3000)
    prev = last_by_topic.get(topic)
    version = prev[1] + 1 if prev else 1
    name = "%s: change %d" % (rnd.choice(AREAS), topic)
    cover = message(author, date, "[PATCH v%d 0/%d] %s" % (version, n, name),
                    "Cover letter.\n", "cover") if n > 1 else None
    state = rnd.choice(["new", "new", "under-review", "accepted",
                        "changes-requested"])
    series.append([sid, author, cover, name, version, n, n, date,
                   date + 86400, 1, state, prev[0] if prev else None, None])
    if prev:
        series[prev[0] - 1][12] = sid
    last_by_topic[topic] = (sid, version)
    for k in range(1, n + 1):
        area = rnd.choice(AREAS)
        diff = ("diff --git a/%s/f%d.c b/%s/f%d.c\n--- a/%s/f%d.c\n"
                "+++ b/%s/f%d.c\n@@ -1 +1,2 @@\n x\n+y%d\n"
                % ((area, k) * 4 + (sid,)))
        body = ("Change %d.\n\nSigned-off-by: Developer %d <dev%d@example.com>"
                "\n---\n%s" % (k, author, author, diff))
        m = message(author, date + k, "[PATCH v%d %d/%d] %s part %d"
                    % (version, k, n, name, k), body, "patch", cover)
        pid += 1
        patches.append((pid, m, sid, k, author, "%s part %d" % (name, k),
                        ("%s part %d" % (name, k)).lower(), date + k,
                        "Change %d." % k, diff, "%040x" % pid, state))
        if rnd.random() < 0.5:
            rev = rnd.randint(1, NPEOPLE)
            r = message(rev, date + 86400 * rnd.randint(1, 30),
                        "Re: [PATCH] %s" % name,
                        "Reviewed-by: Developer %d <dev%d@example.com>\n"
                        % (rev, rev), "comment", m)
            comments.append((r, pid, None))
            trailers.append((pid, sid, r, "Reviewed-by", rev,
                             "Developer %d <dev%d@example.com>" % (rev, rev)))

db.executemany("INSERT INTO messages(id, msgid, list_id, author_id, date,"
               " subject, parent_id, kind, body, raw, raw_size) VALUES"
               " (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)", msgs)
# Later schemas add series.norm_name (NOT NULL): fill it when present.
norm = "norm_name" in [r[1] for r in db.execute("PRAGMA table_info(series)")]
db.executemany("INSERT INTO series(id, list_id, submitter_id, cover_id, name,"
               " version, total, received, date, last_activity, complete,"
               " state, supersedes_id, superseded_by_id%s) VALUES"
               " (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?%s)"
               % ((", norm_name", ", ?") if norm else ("", "")),
               [r + ([r[3].lower()] if norm else []) for r in series])
db.executemany("INSERT INTO patches(id, message_id, series_id, number,"
               " submitter_id, name, norm_name, date, commit_msg, diff,"
               " git_patch_id, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
               " ?, ?)", patches)
db.executemany("INSERT INTO comments(message_id, patch_id, series_id)"
               " VALUES (?, ?, ?)", comments)
db.executemany("INSERT INTO trailers(patch_id, series_id, message_id, kind,"
               " person_id, value) VALUES (?, ?, ?, ?, ?, ?)", trailers)
db.commit()
print("%d messages, %d series, %d patches" % (mid, sid, pid))
