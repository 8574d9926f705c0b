# test-serve.sh: `steward web serve` over real HTTP and HTTPS on
# 127.0.0.1: content types, validators and 304, gzip twins, security
# headers, no escape from the site, the HTTP to HTTPS redirect, and a
# published rebuild picked up without a restart.
. "$(dirname "$0")/../lib.sh"

SPID=""
stop_server() {
	if [ -n "$SPID" ]; then
		kill -TERM "$SPID" 2>/dev/null
		wait "$SPID"
		SRC=$?
		SPID=""
	fi
}
trap 'stop_server; rm -rf "$T"' EXIT

# start ARGS...: run `steward web serve ARGS` in the background and wait
# for the URLs it prints (port 0: it picks free ports).
start() {
	: >serve.out
	"$STEWARD" web serve "$@" >serve.out 2>serve.err &
	SPID=$!
	for _ in $(seq 150); do
		[ "$(grep -c '^serving on' serve.out)" -ge "$NEED" ] && return 0
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.1
	done
	echo "server did not start: $(cat serve.err)"
	return 1
}

# hdr URL CURL-ARGS...: status line and headers into h.txt, body into b.out.
get() {
	url=$1
	shift
	: >b.out
	rm -f h.txt
	curl -s --path-as-is -o b.out -D h.txt "$@" "$url" >/dev/null
	CODE=$(head -1 h.txt | awk '{print $2}')
}
has_hdr() { grep -qi "^$1" h.txt && pass || fail "${2:-} header '$1' missing: $(cat h.txt)"; }
lacks_hdr() { grep -qi "^$1" h.txt && fail "${2:-} header '$1' present" || pass; }
code() { [ "$CODE" = "$1" ] && pass || fail "$2: status $CODE, wanted $1"; }

mkdir -p content/news
printf -- '---\ntitle: Home\n---\nHello [about](about.html)\n' >content/index.md
printf -- '---\ntitle: About\n---\nAbout us, version one.\n' >content/about.md
printf -- '---\ntitle: N\ndate: 2025-01-02\n---\nNews.\n' >content/news/n.md
printf '\211PNG\r\n' >content/logo.png
echo "root:x:0:0:outside the site" >secret.txt
run web build --content content -o site
expect_rc 0 "build"
# Links pointing out of the site, planted in the published build.
ln -s /etc "$(readlink -f site)/etc-link"
ln -s "$T/secret.txt" "$(readlink -f site)/secret.txt"

NEED=1
start site --http 127.0.0.1:0 || fail "start http"
U=$(grep -o 'http://[0-9.]*:[0-9]*' serve.out | head -1)

get "$U/"
code 200 "/"
has_hdr "Content-Type: text/html; charset=utf-8"
has_hdr "Content-Security-Policy: .*frame-ancestors 'none'"
has_hdr "X-Content-Type-Options: nosniff"
has_hdr "Referrer-Policy: "
has_hdr "X-Frame-Options: DENY"
has_hdr "ETag: \""
has_hdr "Last-Modified: "
has_hdr "Vary: Accept-Encoding"
lacks_hdr "Strict-Transport-Security" "plain http"
lacks_hdr "Content-Encoding" "no Accept-Encoding"
grep -q 'Hello' b.out && pass || fail "home body"
etag=$(grep -i '^ETag:' h.txt | cut -d' ' -f2 | tr -d '\r')
lm=$(grep -i '^Last-Modified:' h.txt | cut -d' ' -f2- | tr -d '\r')

get "$U/style.css"
code 200 "css"
has_hdr "Content-Type: text/css"
get "$U/sitemap.xml"
has_hdr "Content-Type: application/xml"
get "$U/news/atom.xml"
has_hdr "Content-Type: application/atom+xml"
get "$U/logo.png" -H 'Accept-Encoding: gzip'
has_hdr "Content-Type: image/png"
lacks_hdr "Content-Encoding" "png"
get "$U/news"
code 200 "folder without slash"

# Validators: 304 on a matching ETag or a date not older than the file.
get "$U/" -H "If-None-Match: $etag"
code 304 "If-None-Match"
[ -s b.out ] && fail "304 with a body" || pass
has_hdr "ETag: $etag"
get "$U/" -H 'If-None-Match: "other"'
code 200 "other ETag"
get "$U/" -H "If-Modified-Since: $lm"
code 304 "If-Modified-Since"
get "$U/" -H "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT"
code 200 "old If-Modified-Since"

# The gzip twin, only when asked for.
get "$U/about.html" -H 'Accept-Encoding: gzip, br'
code 200 "gzip"
has_hdr "Content-Encoding: gzip"
gzip -dc <b.out | grep -q 'version one' && pass || fail "gzip body"
gz_etag=$(grep -i '^ETag:' h.txt | cut -d' ' -f2 | tr -d '\r')
[ "$gz_etag" != "$etag" ] && pass || fail "gzip variant has its own ETag"
get "$U/about.html" -H 'Accept-Encoding: gzip;q=0'
lacks_hdr "Content-Encoding" "gzip;q=0"

# No way out of the site: all are the 404 page.
for p in "/../etc/passwd" "/../../../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" \
	"/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd" "/news/..%2f..%2fsecret.txt" \
	"/etc-link/passwd" "/secret.txt" "/.steward-manifest.json" \
	"/secret.txt%00.html" "/..%5c..%5cetc%5cpasswd"; do
	get "$U$p"
	case "$CODE" in 403 | 404) pass ;; *) fail "$p: status $CODE" ;; esac
	grep -q 'root:' b.out && fail "$p leaked a file" || pass
done
get "$U/etc-link/passwd"
grep -q 'Page not found' b.out && pass || fail "404 page body"
has_hdr "Content-Security-Policy" "404"

# Methods.
get "$U/" -X POST -d x=1
code 405 "POST"
has_hdr "Allow: GET, HEAD"
curl -s -I "$U/about.html" -o h.txt
CODE=$(head -1 h.txt | awk '{print $2}')
code 200 "HEAD"

# A new build is served at once, without a restart.
printf -- '---\ntitle: About\n---\nAbout us, version two.\n' >content/about.md
run web build --content content -o site
expect_rc 0 "rebuild"
get "$U/about.html"
grep -q 'version two' b.out && pass || fail "rebuilt page served"

stop_server
[ "$SRC" -eq 0 ] && pass || fail "serve exit status $SRC after SIGTERM"

# HTTPS with a certificate made here, and HTTP redirecting to it.
cat >cert.tmpl <<'TMPL'
cn = "localhost"
dns_name = "localhost"
ip_address = "127.0.0.1"
expiration_days = 365
tls_www_server
signing_key
encryption_key
TMPL
certtool --generate-privkey --key-type ecdsa --outfile key.pem >/dev/null 2>&1 \
	&& certtool --generate-self-signed --load-privkey key.pem \
		--template cert.tmpl --outfile cert.pem >/dev/null 2>&1 \
	&& pass || fail "certtool"

NEED=2
start site --https 127.0.0.1:0 --tls-cert cert.pem --tls-key key.pem --http 127.0.0.1:0 \
	|| fail "start https"
S=$(grep -o 'https://[0-9.]*:[0-9]*' serve.out | head -1)
H=$(grep -o 'http://[0-9.]*:[0-9]*' serve.out | head -1)

get "$S/about.html" --cacert cert.pem
code 200 "https"
has_hdr "Strict-Transport-Security: max-age="
has_hdr "Content-Security-Policy"
grep -q 'version two' b.out && pass || fail "https body"
get "$S/" --cacert cert.pem --tlsv1.2 --tls-max 1.2
code 200 "TLS 1.2"
curl -s -o /dev/null --cacert cert.pem --tlsv1.1 --tls-max 1.1 "$S/" \
	&& fail "TLS 1.1 accepted" || pass
# The same with gnutls-cli, which can still speak TLS 1.1: a handshake
# with only 1.1 fails, the control with only 1.2 succeeds.
port=${S##*:}
gnutls-cli --insecure --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.1:+VERS-TLS1.0:%VERIFY_ALLOW_SIGN_WITH_SHA1' \
	-p "$port" 127.0.0.1 </dev/null >tls11.out 2>&1 && fail "TLS 1.1 handshake: $(tail -3 tls11.out)" || pass
gnutls-cli --insecure --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' \
	-p "$port" 127.0.0.1 </dev/null >tls12.out 2>&1 && pass || fail "TLS 1.2 control: $(tail -3 tls12.out)"
get "$S/%2e%2e/%2e%2e/etc/passwd" --cacert cert.pem
code 404 "https traversal"

get "$H/about.html?x=1"
code 301 "redirect"
has_hdr "Location: https://127.0.0.1:${S##*:}/about.html"
get "$H/about.html" -H 'Host: evil"host'
code 400 "bad Host"
# The project's own https check (checks/, when this steward has it)
# must give the server its best grade.
if "$STEWARD" check --help >/dev/null 2>&1; then
	printf '[check "site-https"]\n\tkind = https\n\turl = %s/\n\tcainfo = %s\n\thttp-url = %s/\n' \
		"$S" "$T/cert.pem" "$H" >check.conf
	run check --config check.conf run --no-store --json site-https
	expect_rc 0 "https check"
	expect_out "grade A+"
else
	echo "note: no 'steward check' in this build: https grade not checked"
fi
stop_server
[ "$SRC" -eq 0 ] && pass || fail "https serve exit status"

# Usage errors.
run web serve site
expect_rc 2 "no listener"
expect_err "give --https ADDR or --http ADDR"
run web serve site --https 127.0.0.1:0
expect_rc 2 "https without files"
run web serve site --http localhost
expect_rc 2 "address without port"
run web serve site --http 127.0.0.1:0 --threads x
expect_rc 2 "bad --threads"
expect_err "--threads: 'x' is not a whole number"
run web serve nowhere --http 127.0.0.1:0
expect_rc 1 "missing folder"
expect_err "no site folder 'nowhere'"
run web serve site --https 127.0.0.1:0 --tls-cert nope.pem --tls-key key.pem
expect_rc 1 "missing cert"

finish
