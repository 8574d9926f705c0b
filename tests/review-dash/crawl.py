#!/usr/bin/env python3
"""crawl.py: fetch every public page, feed and API response of a running
`steward serve` on 127.0.0.1, following links, and write them all (one
after another, each headed by its path) to OUT.

Usage: crawl.py PORT OUT START-PATH...
HTML and Atom: every href/src naming a path or a URL of this server;
JSON: every string naming a URL of this server. No credentials are ever
sent. Paths under /security/ are not followed (they are the private
tracker). Stops after 600 fetches; exits 1 when a fetch fails with no
HTTP answer or a 5xx.
"""
import html
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

LIMIT = 600


def main():
    port, out = sys.argv[1], sys.argv[2]
    base = f"http://127.0.0.1:{port}"
    todo = list(sys.argv[3:])
    seen = set(todo)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    bad = 0
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        while todo and n < LIMIT:
            path = todo.pop(0)
            n += 1
            try:
                with opener.open(base + path, timeout=10) as r:
                    code, body = r.status, r.read()
                    ctype = r.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                code, body = e.code, e.read()
                ctype = e.headers.get("Content-Type", "")
            except OSError as e:
                print(f"crawl: {path}: {e}", file=sys.stderr)
                bad += 1
                continue
            if code >= 500:
                print(f"crawl: {path}: HTTP {code}", file=sys.stderr)
                bad += 1
            text = body.decode("utf-8", "replace")
            f.write(f"==== {code} {path}\n{text}\n")
            if "json" in ctype:
                links = re.findall(re.escape(base) + r'(/[^"\s\\]*)', text)
            else:
                # Attribute values are entity-escaped (&#x2F; for '/').
                links = [html.unescape(v) for v in
                         re.findall(r'(?:href|src)="([^"]*)"', text)]
            for link in links:
                if link.startswith(base + "/"):
                    link = link[len(base):]
                link = link.split("#")[0]
                if (not link.startswith("/") or link.startswith("//")
                        or link.startswith("/security/")):
                    continue
                if link not in seen:
                    seen.add(link)
                    todo.append(link)
    print(f"crawled {n} of {len(seen)} paths")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
