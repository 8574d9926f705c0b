#!/usr/bin/env python3
"""mkmbox.py: write the mail scenarios the ingest tests check, as an mbox.

Each message is built by hand the way git send-email and mail clients
write them; the scenario names in Message-IDs say what each is for.
Usage: mkmbox.py OUT.mbox [--part 1|2]  (part 2: mail that arrives later)
"""
import re
import sys

BASE = 1736150400  # 2025-01-06 08:00 UTC


def date(minutes):
    import email.utils
    return email.utils.formatdate(BASE + minutes * 60, usegmt=True)


def diff(path, n):
    return (f"diff --git a/{path} b/{path}\n"
            f"index 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n"
            f"@@ -1,3 +1,4 @@\n line one\n line two\n+added line {n}\n line three\n")


def mail(msgid, subject, frm, minutes, body, irt=None, refs=None, extra=""):
    h = [f"From {frm.split('<')[-1].rstrip('>')} Mon Jan  6 08:00:00 2025",
         f"From: {frm}", f"Date: {date(minutes)}", f"Subject: {subject}",
         f"Message-ID: <{msgid}>"]
    if irt:
        h.append(f"In-Reply-To: <{irt}>")
    if refs:
        h.append("References: " + " ".join(f"<{r}>" for r in refs))
    h.append("MIME-Version: 1.0")
    h.append("Content-Type: text/plain; charset=UTF-8")
    if extra:
        h.append(extra)
    return "\n".join(h) + "\n\n" + body.rstrip("\n") + "\n\n"


def patch(msgid, subject, frm, minutes, n, path, irt=None, refs=None, sob=True):
    name = frm
    body = f"Commit message for {subject}.\n\n"
    if sob:
        body += f"Signed-off-by: {name}\n"
    body += "---\n " + path + " | 1 +\n\n" + diff(path, n) + "-- \n2.39.5\n"
    return mail(msgid, subject, frm, minutes, body, irt, refs)


ALICE = "Alice Example <alice@example.org>"
BOB = "=?UTF-8?B?0JHQvtGA0LjRgSDQn9C10YLRgNC+0LI=?= <bob@example.org>"  # Борис Петров
CAROL = "Carol Reviewer <carol@example.org>"
DAVE = "Dave Maint <dave@example.org>"


def part1():
    m = []
    # Series A v1: cover + 3 patches, threaded to the cover.
    m.append(mail("a-v1-0@x", "[PATCH 0/3] xen/arm: tidy the foo", ALICE, 0,
                  "This series tidies foo.\n\nAlice Example (3):\n  one\n  two\n  three\n"))
    for i in (1, 2, 3):
        m.append(patch(f"a-v1-{i}@x", f"[PATCH {i}/3] xen/arm: foo part {i}", ALICE, i, i,
                       f"xen/arch/arm/foo{i}.c", irt="a-v1-0@x", refs=["a-v1-0@x"]))
    # A review of the whole series (to the cover), one of patch 2, and a
    # quoted ack that must not count.
    m.append(mail("a-v1-r1@x", "Re: [PATCH 0/3] xen/arm: tidy the foo", CAROL, 30,
                  "On Mon, Alice wrote:\n> This series tidies foo.\n\nLooks good.\n\nReviewed-by: Carol Reviewer <carol@example.org>\n",
                  irt="a-v1-0@x", refs=["a-v1-0@x"]))
    m.append(mail("a-v1-r2@x", "Re: [PATCH 2/3] xen/arm: foo part 2", DAVE, 40,
                  "> Acked-by: Someone Else <else@example.org>\n> +added line 2\n\nAcked-by: Dave Maint <dave@example.org>\n",
                  irt="a-v1-2@x", refs=["a-v1-0@x", "a-v1-2@x"]))
    # Series B: patches arrive before their cover, out of order.
    m.append(patch("b-2@x", "[PATCH v2 2/2] tools: bar two", BOB, 100, 2, "tools/bar2.c",
                   irt="b-0@x", refs=["b-0@x"]))
    m.append(patch("b-1@x", "[PATCH v2 1/2] tools: bar one", BOB, 101, 1, "tools/bar1.c",
                   irt="b-0@x", refs=["b-0@x"]))
    m.append(mail("b-0@x", "[PATCH v2 0/2] tools: bar", BOB, 99, "Cover for bar.\n"))
    # Series C: no cover; patches 2..3 answer patch 1 (send-email default).
    m.append(patch("c-1@x", "[PATCH 1/3] docs: baz one", CAROL, 200, 1, "docs/baz1.md"))
    m.append(patch("c-2@x", "[PATCH 2/3] docs: baz two", CAROL, 201, 2, "docs/baz2.md",
                   irt="c-1@x", refs=["c-1@x"]))
    m.append(patch("c-3@x", "[PATCH 3/3] docs: baz three", CAROL, 202, 3, "docs/baz3.md",
                   irt="c-1@x", refs=["c-1@x"]))
    # Series D: no thread at all; grouped by submitter, version, total.
    m.append(patch("d-1@x", "[RFC PATCH 1/2] mm: qux one", DAVE, 300, 1, "xen/common/qux1.c"))
    m.append(patch("d-2@x", "[RFC PATCH 2/2] mm: qux two", DAVE, 305, 2, "xen/common/qux2.c"))
    # The same patch 1/2 again under another Message-ID: never takes the
    # filled slot of D, starts another series.
    m.append(patch("d-1-again@x", "[RFC PATCH 1/2] mm: qux one", DAVE, 306, 1, "xen/common/qux1.c"))
    # A single patch with v1 and an unlabelled repost later (v2 by name).
    m.append(patch("e-v1@x", "[XEN PATCH for-4.20] x86: fix the thing", ALICE, 400, 1, "xen/arch/x86/thing.c"))
    m.append(patch("e-v2@x", "[XEN PATCH v2 for-4.20] x86: fix the thing", ALICE, 500, 7, "xen/arch/x86/thing.c"))
    # A duplicate of a message already seen.
    m.append(mail("a-v1-r1@x", "Re: [PATCH 0/3] xen/arm: tidy the foo", CAROL, 30,
                  "duplicate copy\n", irt="a-v1-0@x"))
    # A pull request.
    m.append(mail("pull-1@x", "[GIT PULL] xen: fixes for 4.20", DAVE, 600,
                  "The following changes since commit 0123456789abcdef0123456789abcdef01234567:\n\n"
                  "  x86: something (2025-01-01 10:00:00 +0000)\n\n"
                  "are available in the Git repository at:\n\n"
                  "  https://git.example.org/xen.git tags/fixes-4.20\n\n"
                  "for you to fetch changes up to 89abcdef0123456789abcdef0123456789abcdef:\n"))
    # Garbage: no header block at all.
    m.append("From nobody Mon Jan  6 08:00:00 2025\n\x00\x01\x02 not a mail\x00\n\n")
    return m


def part2():
    m = []
    # Series A v2, in reply to the v1 cover: supersedes it.
    m.append(mail("a-v2-0@x", "[PATCH v2 0/3] xen/arm: tidy the foo", ALICE, 1000,
                  "v2: addressed comments.\n", irt="a-v1-0@x", refs=["a-v1-0@x"]))
    for i in (1, 2, 3):
        m.append(patch(f"a-v2-{i}@x", f"[PATCH v2 {i}/3] xen/arm: foo part {i}", ALICE, 1000 + i,
                       10 + i, f"xen/arch/arm/foo{i}.c", irt="a-v2-0@x", refs=["a-v1-0@x", "a-v2-0@x"]))
    # A reply that arrives before the patch it answers.
    m.append(mail("f-r1@x", "Re: [PATCH] lib: early reply", CAROL, 1101,
                  "Tested-by: Carol Reviewer <carol@example.org>\n", irt="f-1@x", refs=["f-1@x"]))
    m.append(patch("f-1@x", "[PATCH] lib: early reply", BOB, 1100, 1, "lib/early.c"))
    return m


def many(n):
    """n copies of both parts, with distinct ids and dates: bulk input."""
    global BASE
    msgs, base = [], BASE
    for k in range(n):
        BASE = base + k * 86400 * 3
        for text in part1() + part2():
            text = text.replace("@x>", f"@k{k}>")
            msgs.append(re.sub(r"(?m)^(Subject: .*)$", rf"\1 k{k}", text))
    BASE = base
    return msgs


def main():
    out = sys.argv[1]
    part = sys.argv[3] if len(sys.argv) > 3 else "1"
    if part.startswith("many:"):
        msgs = many(int(part[5:]))
    else:
        msgs = part1() if part == "1" else part2()
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(msgs))


if __name__ == "__main__":
    main()
