#!/usr/bin/env python3
"""serve-data.py DB: fill a migrated Steward store with a small, realistic
review history for the dashboard tests: a two-version series with a cover
letter, replies giving trailers, a hostile series (script tags, attribute
breakers, javascript: URLs in names, subjects, bodies and diffs) and
enough filler series to paginate. Rows follow common/schema/0002-mail.sql.
"""
import sqlite3
import sys
import zlib

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA foreign_keys = ON")
NOW = 1767225600  # 2026-01-01, STEWARD_NOW in the tests
DAY = 86400
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'

db.execute("INSERT INTO lists(id, name, address) VALUES "
           "(1, 'xen-devel', 'xen-devel@lists.xenproject.org')")
people = [
    (1, "ann@example.com", "Ann Contributor"),
    (2, "evil@example.com", HOSTILE),
    (3, "rob@example.com", "Rob Reviewer"),
    (4, "mia@example.com", "Mia Maintainer"),
]
db.executemany("INSERT INTO people(id, email, name) VALUES (?, ?, ?)",
               [(i, e, n) for i, e, n in people])
NAMES = {i: (n, e) for i, e, n in people}

msg_id = 0


def message(author, date, subject, body, kind, parent=None, thread=None,
            msgid=None):
    global msg_id
    msg_id += 1
    name, email = NAMES[author]
    msgid = msgid or "m%d.%d@example.com" % (msg_id, date)
    raw = ("From: %s <%s>\nTo: xen-devel@lists.xenproject.org\n"
           "Date: Thu, 1 Jan 2026 00:00:00 +0000\nSubject: %s\n"
           "Message-ID: <%s>\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\n"
           "Content-Transfer-Encoding: 8bit\n\n%s"
           % (name, email, subject, msgid, body)).encode()
    db.execute(
        "INSERT INTO messages(id, msgid, list_id, author_id, date, subject,"
        " parent_id, thread_id, kind, body, raw, raw_size)"
        " VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (msg_id, msgid, author, date, subject, parent, thread or parent,
         kind, body, zlib.compress(raw), len(raw)))
    return msg_id


def diff(line):
    return ("diff --git a/README b/README\n"
            "--- a/README\n+++ b/README\n"
            "@@ -1 +1,2 @@\n hello\n+%s\n" % line)


def patch_body(msg, d, author):
    return ("%s\n\nSigned-off-by: %s <%s>\n---\n README | 1 +\n"
            " 1 file changed, 1 insertion(+)\n\n%s"
            % (msg, NAMES[author][0], NAMES[author][1], d))


def series(sid, author, date, name, version, patches, cover=True,
           supersedes=None, state="new"):
    cover_id = None
    if cover:
        cover_id = message(author, date, "[PATCH v%d 0/%d] %s"
                           % (version, len(patches), name),
                           "This series does things.\n", "cover")
    db.execute(
        "INSERT INTO series(id, list_id, submitter_id, cover_id, name,"
        " version, total, received, date, last_activity, complete, state,"
        " supersedes_id) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        (sid, author, cover_id, name, version, len(patches), len(patches),
         date, date + DAY, state, supersedes))
    if supersedes:
        db.execute("UPDATE series SET superseded_by_id = ? WHERE id = ?",
                   (sid, supersedes))
    ids = []
    for n, (pname, msg, d) in enumerate(patches, 1):
        subj = "[PATCH v%d %d/%d] %s" % (version, n, len(patches), pname)
        body = patch_body(msg, d, author)
        mid = message(author, date + n, subj, body, "patch",
                      parent=cover_id, thread=cover_id)
        pid = sid * 100 + n
        db.execute(
            "INSERT INTO patches(id, message_id, series_id, number,"
            " submitter_id, name, norm_name, date, commit_msg, diff,"
            " git_patch_id, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            (pid, mid, sid, n, author, pname, pname.lower(), date + n,
             "%s\n\nSigned-off-by: %s <%s>" % (msg, NAMES[author][0],
                                                NAMES[author][1]),
             d, "%040x" % pid, state))
        db.execute(
            "INSERT INTO trailers(patch_id, series_id, message_id, kind,"
            " person_id, value) VALUES (?, ?, ?, 'Signed-off-by', ?, ?)",
            (pid, sid, mid, author, "%s <%s>" % NAMES[author]))
        ids.append((pid, mid))
    return cover_id, ids


def reply(author, date, parent, subject, body, patch=None, series_id=None,
          trailer=None):
    mid = message(author, date, "Re: " + subject, body, "comment",
                  parent=parent)
    db.execute("INSERT INTO comments(message_id, patch_id, series_id)"
               " VALUES (?, ?, ?)", (mid, patch, series_id))
    if trailer:
        db.execute(
            "INSERT INTO trailers(patch_id, series_id, message_id, kind,"
            " person_id, value) VALUES (?, ?, ?, ?, ?, ?)",
            (patch, series_id, mid, trailer, author,
             "%s <%s>" % NAMES[author]))
    return mid


# Series 1 (v1) and 2 (v2) of the same work, by Ann.
series(1, 1, NOW - 40 * DAY, "xen/arm: ffa: harden SEND2", 1,
       [("xen/arm: ffa: check SEND2 sizes", "Check sizes.", diff("one"))])
cover2, p2 = series(2, 1, NOW - 20 * DAY, "xen/arm: ffa: harden SEND2", 2,
                    [("xen/arm: ffa: check SEND2 sizes", "Check sizes.",
                      diff("world")),
                     ("xen/arm: ffa: log SEND2 errors", "Log errors.",
                      "diff --git a/LOG b/LOG\nnew file mode 100644\n"
                      "--- /dev/null\n+++ b/LOG\n@@ -0,0 +1 @@\n+log\n")],
                    supersedes=1)
reply(3, NOW - 19 * DAY, p2[0][1], "[PATCH v2 1/2] check",
      "> +world\nLooks right.\n\nReviewed-by: Rob Reviewer <rob@example.com>\n",
      patch=p2[0][0], trailer="Reviewed-by")
reply(4, NOW - 18 * DAY, cover2, "[PATCH v2 0/2] harden",
      "For the series:\nAcked-by: Mia Maintainer <mia@example.com>\n",
      series_id=2, trailer="Acked-by")

# Series 3: hostile content everywhere.
hostile_diff = ("diff --git a/x.html b/x.html\n--- a/x.html\n+++ b/x.html\n"
                "@@ -1 +1,2 @@\n <p>\n+<script>alert(1)</script>"
                "<a href=\"javascript:alert(1)\">x</a>\n")
series(3, 2, NOW - 5 * DAY, HOSTILE + " javascript:alert(1)", 1,
       [(HOSTILE, "<script>alert(1)</script> javascript:alert(1)",
         hostile_diff)])
db.execute("UPDATE patches SET pull_url = 'javascript:alert(1)'"
           " WHERE id = 301")
reply(2, NOW - 4 * DAY, None, HOSTILE,
      "<script>alert(1)</script>\n<a href=\"javascript:alert(1)\">x</a>\n",
      patch=301)

# Filler: 60 one-patch series by Rob, no cover, for pagination.
for i in range(60):
    series(10 + i, 3, NOW - (60 + i) * DAY, "filler change %d" % i, 1,
           [("filler change %d" % i, "Filler.", diff("filler %d" % i))],
           cover=False)
db.commit()
