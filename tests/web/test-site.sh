# test-site.sh: `steward web build` and `steward web check` on content the
# test writes: escaping, raw HTML, layouts, feeds, sitemap, links,
# incremental rebuilds and the atomic switch of the published link.
. "$(dirname "$0")/../lib.sh"

mkdir -p content/news content/releases content/_layouts content/docs/deep
printf '[web]\n\tbase-url = https://example.org\n\ttitle = Xen <Project>\n' >steward.conf

cat >content/index.md <<'MD'
---
title: Home <script>alert('title')</script> & "quotes"
---
# Welcome

See [the docs](docs/deep/guide.html), [about](/about.html) and [news](/news/).

<div id="evil-block">block</div>

Inline <span id="evil-inline">html</span> here.

[click](javascript:alert(1))
MD
cat >content/about.md <<'MD'
---
title: About
date: 2025-01-02
raw_html: true
---
<div id="opted-in">raw is fine here</div>

Back [home](index.html).
MD
cat >content/docs/deep/guide.md <<'MD'
---
title: Guide
layout: plain
---
Up: [home](../../index.html), [about](../../about.html#top).
MD
cat >content/_layouts/plain.html <<'HTML'
<!DOCTYPE html><html><head><title>{{title}}</title></head>
<body><p class="site">{{site}}</p>{{nav}}<article>{{content}}</article>{{unknown}}</body></html>
HTML
cat >content/news/2025-02-03-release.md <<'MD'
---
title: Xen 4.20 <released>
date: 2025-02-03
---
It is *out*. See [downloads](/releases/).
MD
cat >content/news/2025-01-15-fosdem.md <<'MD'
---
title: FOSDEM & you
date: 2025-01-15
---
Meet us.
MD
cat >content/releases/4.20.md <<'MD'
---
title: Xen 4.20
date: 2025-02-03
---
Release notes.
MD
printf 'PNGDATA' >content/docs/logo.png
# Release downloads: files beside the release page, SHA256SUMS, a signature.
mkdir -p content/releases/4.20
printf 'tarball bytes' >content/releases/4.20/xen-4.20.0.tar.gz
printf 'signature' >content/releases/4.20/xen-4.20.0.tar.gz.asc
printf 'notes' >'content/releases/4.20/notes&<b>.txt'
(cd content/releases/4.20 && sha256sum xen-4.20.0.tar.gz >SHA256SUMS)
tarsum=$(cut -c1-64 content/releases/4.20/SHA256SUMS)

run web build --content content -o site --json
expect_rc 0 "first build"
expect_json "j['written'] == j['outputs'] and j['unchanged'] == 0"
expect_json "j['broken_links'] == 0"
[ -L site ] && pass || fail "site is not a link"
case "$(readlink site)" in site.d/*) pass ;; *) fail "link target $(readlink site)" ;; esac
first=$(readlink site)

# Escaping: hostile titles are text, never markup.
grep -qF '<script>alert' site/index.html && fail "title script in page" || pass
grep -qF 'Home &lt;script&gt;alert(&#39;title&#39;)&lt;&#47;script&gt;' site/index.html \
	|| grep -qF 'Home &lt;script&gt;' site/index.html && pass || fail "escaped title"
grep -qF 'Xen &lt;Project&gt;' site/index.html && pass || fail "escaped site name"
# Raw HTML not opted in is dropped, javascript: links emptied.
grep -q 'evil-block\|evil-inline' site/index.html && fail "raw html leaked" || pass
grep -qi 'javascript:' site/index.html && fail "javascript link kept" || pass
# A page that opted in keeps it.
grep -qF '<div id="opted-in">' site/about.html && pass || fail "opted-in raw html"
grep -qF '<time datetime="2025' site/about.html && pass || fail "date shown"
# A custom layout fills its placeholders, escaping values.
grep -qF '<p class="site">Xen &lt;Project&gt;</p>' site/docs/deep/guide.html && pass || fail "layout site"
grep -qF '<title>Guide</title>' site/docs/deep/guide.html && pass || fail "layout title"
grep -qF '{{unknown}}' site/docs/deep/guide.html && pass || fail "unknown placeholder kept"
grep -qF '<article><p>Up:' site/docs/deep/guide.html && pass || fail "layout content"
# Fixed files.
for f in style.css 404.html sitemap.xml robots.txt news/index.html \
	news/atom.xml releases/index.html releases/atom.xml docs/logo.png; do
	[ -f "site/$f" ] && pass || fail "missing $f"
done
for f in index.html style.css sitemap.xml news/atom.xml; do
	zcat "site/$f.gz" | cmp -s - "site/$f" && pass || fail "gz twin of $f"
done
[ -f site/docs/logo.png.gz ] && fail "gz of a png" || pass
# Feeds and the sitemap are well-formed XML with the right content.
python3 - site <<'PY' && pass || fail "feeds and sitemap"
import sys, xml.dom.minidom as m
d = sys.argv[1]
A = "http://www.w3.org/2005/Atom"
feed = m.parse(d + "/news/atom.xml")
titles = [e.getElementsByTagNameNS(A, "title")[0].firstChild.data
          for e in feed.getElementsByTagNameNS(A, "entry")]
assert titles == ["Xen 4.20 <released>", "FOSDEM & you"], titles
assert feed.getElementsByTagNameNS(A, "updated")[0].firstChild.data == "2025-02-03T00:00:00Z"
rel = m.parse(d + "/releases/atom.xml")
assert len(rel.getElementsByTagNameNS(A, "entry")) == 1
sm = m.parse(d + "/sitemap.xml")
locs = sorted(l.firstChild.data for l in sm.getElementsByTagName("loc"))
assert "https://example.org/" in locs, locs
assert "https://example.org/docs/deep/guide.html" in locs, locs
assert "https://example.org/news/" in locs, locs
assert not any("404" in l for l in locs), locs
PY
grep -qF 'href="&#x2F;news&#x2F;atom&#x2E;xml"' site/news/index.html \
	|| grep -qF 'atom.xml' site/news/index.html && pass || fail "feed link"

# The release page lists its downloads.
f=site/releases/4.20.html
grep -qF '<h2>Downloads</h2>' $f && pass || fail "downloads table"
grep -qF 'xen-4.20.0.tar.gz</a></td><td>13 bytes</td><td><code>'"$tarsum"'</code>' $f \
	&& pass || fail "tarball row: $(grep -o '<tr><td><a.*' $f | head -3)"
grep -qF 'notes&amp;&lt;b&gt;.txt</a>' $f && pass || fail "hostile file name escaped"
grep -c '>signature</a>' $f | grep -qx 1 && pass || fail "one signature link"
grep -q '>xen-4.20.0.tar.gz.asc<' $f && fail "signature listed as a download" || pass
cmp -s site/releases/4.20/xen-4.20.0.tar.gz content/releases/4.20/xen-4.20.0.tar.gz && pass || fail "tarball copied"

run web check site
expect_rc 0 "check a good site"
expect_out "all links resolve"

# A broken link is found, by the build and by check.
cat >content/broken.md <<'MD'
---
title: Broken
---
[nowhere](/no/such/page.html) and [up](../../../etc/passwd) and [ok](about.html)
MD
run web build --content content -o site --json
expect_rc 0 "build with a broken link"
expect_json "j['broken_links'] == 2"
run web check site
expect_rc 1 "check finds broken links"
expect_out "broken.html: broken link '/no/such/page.html'"
expect_out "broken.html: broken link '../../../etc/passwd'"
run web check --json site
expect_rc 1 "check --json"
expect_json "j['count'] == 2 and {b['page'] for b in j['broken']} == {'broken.html'}"
rm content/broken.md

# Incremental: nothing changed, nothing written; only the old builds
# beyond the two newest go.
run web build --content content -o site --json
expect_rc 0 "rebuild"
expect_json "j['written'] > 0"
before=$(readlink site)
ino_about=$(stat -c %i site/about.html)
mtime_guide=$(stat -c %Y site/docs/deep/guide.html)
sleep 1
run web build --content content -o site --json
expect_rc 0 "unchanged rebuild"
expect_json "j['written'] == 0 and j['unchanged'] == j['outputs']"
[ "$(readlink site)" != "$before" ] && pass || fail "a new build folder"
[ "$(stat -c %i site/about.html)" = "$ino_about" ] && pass || fail "unchanged page relinked"
[ "$(ls site.d | wc -l)" -eq 2 ] && pass || fail "keeps two builds: $(ls site.d)"
[ -d "$first" ] && fail "oldest build kept" || pass
[ -d "$before" ] && pass || fail "previous build kept"
python3 -c "import json,sys; m=json.load(open('site/.steward-manifest.json')); sys.exit(0 if 'about.html' in m['outputs'] else 1)" \
	&& pass || fail "manifest"

# One page changed: only it (and its .gz) is written.
printf '\nOne more line.\n' >>content/about.md
run web build --content content -o site --json
expect_rc 0 "one page changed"
expect_json "j['written'] == 2"
[ "$(stat -c %i site/about.html)" != "$ino_about" ] && pass || fail "changed page rewritten"
grep -qF 'One more line.' site/about.html && pass || fail "changed page content"
[ "$(stat -c %Y site/docs/deep/guide.html)" = "$mtime_guide" ] && pass || fail "mtime kept"

# A layout change rebuilds the pages that use it.
printf '<html><body>{{content}}</body></html>\n' >content/_layouts/plain.html
run web build --content content -o site --json
expect_json "j['written'] == 2"
grep -qF '<body><p>Up:' site/docs/deep/guide.html && pass || fail "new layout used"

# Atomic switch: a build that fails leaves the published site as it was.
good=$(readlink site)
printf -- '---\ntitle: x\ndate: 2025-13-45\n---\n' >content/bad.md
run web build --content content -o site
expect_rc 1 "bad front matter"
expect_err "bad.md"
[ "$(readlink site)" = "$good" ] && pass || fail "failed build changed the link"
[ "$(ls site.d | wc -l)" -eq 2 ] && pass || fail "failed build left a folder"
printf -- '---\ntitle: never closed\n' >content/bad.md
run web build --content content -o site
expect_rc 1 "unclosed front matter"
expect_err "front matter is not closed"
rm content/bad.md

# The switch is a rename of a link: a reader that resolves the link
# always finds a complete build, even while builds run.
( for i in 1 2 3 4 5; do "$STEWARD" web build --content content -o site >/dev/null 2>&1 || exit 1; done ) &
bpid=$!
ok=1
while kill -0 "$bpid" 2>/dev/null; do
	[ -f site/index.html ] || ok=0
done
wait "$bpid" && pass || fail "concurrent rebuilds"
[ "$ok" -eq 1 ] && pass || fail "saw a half-built site"

# A trailing slash names the same link.
run web build --content content -o site/ --json
expect_rc 0 "OUTDIR with a slash"
[ -L site ] && [ ! -e site/site.d ] && [ ! -e site/.d ] && pass || fail "slash made something else"

# Another build holding the lock: this one gives up, the site unchanged.
good=$(readlink site)
exec 9>site.d/.lock
flock 9
run web build --content content -o site
expect_rc 1 "locked"
expect_err "cannot lock 'site.d/.lock'"
[ "$(readlink site)" = "$good" ] && pass || fail "locked build changed the link"
exec 9>&-
run web build --content content -o site
expect_rc 0 "unlocked again"

# OUTDIR that is a real folder is refused, not overwritten.
mkdir plain
run web build --content content -o plain
expect_rc 1 "real folder"
expect_err "'plain' exists and is not a site published by steward"

run web build --content content
expect_rc 2 "no output"
run web build --content content -o site --keep 0
expect_rc 2 "bad --keep"
expect_err "steward: web: --keep: 0 is out of range 1..100"
run web bogus
expect_rc 2 "unknown web command"
run web build --help
expect_rc 0 "build --help"
expect_out "usage: steward web build"
run web check /nonexistent
expect_rc 1 "check a missing dir"

finish
