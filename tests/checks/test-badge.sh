# test-badge.sh: the badge check (OpenSSF Best Practices criteria) on
# repositories with and without each criterion.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org

mkrepo() { git init -q -b master "$1"; }
commit_all() { git -C "$1" add -A && git -C "$1" commit -q -m "$2"; }

# full: every criterion.
mkrepo full
mkdir -p full/tests full/fuzz full/src
printf 'MIT License\n\nPermission is hereby granted, free of charge, to any person\n' >full/LICENSE
printf '# Full\n\nSee https://full.example.org/ and https://docs.example.org/.\nLocal: http://localhost:8080/\n' >full/README.md
printf 'Send patches to the list.\n' >full/CONTRIBUTING.md
printf '# Security\n\nReport vulnerabilities to security@full.example.org.\n' >full/SECURITY.md
printf 'all:\n\ttrue\n' >full/Makefile
printf 'true\n' >full/tests/test-basic.sh
printf '## 1.0\n' >full/CHANGELOG.md
printf 'Checks: "-*"\n' >full/.clang-tidy
printf 'int main(void) { return 0; }\n' >full/fuzz/fuzz-parser.c
commit_all full "everything"
# A tag with a signature block (the check looks for one; it does not verify it).
head=$(git -C full rev-parse HEAD)
tag=$(printf 'object %s\ntype commit\ntag v1.0\ntagger T <t@example.org> 1767225600 +0000\n\nRelease 1.0\n-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n-----END PGP SIGNATURE-----\n' "$head" | git -C full mktag)
git -C full update-ref refs/tags/v1.0 "$tag"
git -C full tag v0.9 HEAD

# none: no criterion at all, one unsigned annotated tag.
mkrepo none
printf 'int x;\n' >none/hello.c
commit_all none "bare"
git -C none tag -a -m "Release 0.1" v0.1

# partial: some met, some unmet for a reason worth reporting.
mkrepo partial
mkdir -p partial/.github/workflows partial/docs
printf '\t\t    GNU GENERAL PUBLIC LICENSE\n\t\t       Version 2, June 1991\n' >partial/COPYING
printf 'Partial\n\nHome: http://partial.example.net/ and https://git.example.net/\n' >partial/README
printf 'Security issues: we will fix them.\n' >partial/docs/SECURITY.md
printf 'jobs:\n  lint:\n    run: cppcheck --enable=all src\n' >partial/.github/workflows/ci.yml
printf 'project(p C)\n' >partial/CMakeLists.txt
commit_all partial "partial"

# The badge site's project records, served on 127.0.0.1.
mkdir -p site/projects
printf '{"id": 1, "name": "full", "badge_level": "passing", "badge_percentage_0": 100}' >site/projects/1.json
printf '{"id": 2, "name": "partial", "badge_level": "passing", "badge_percentage_0": 100}' >site/projects/2.json
python3 - site site.port <<'PY' &
import functools, http.server, os, sys
H = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
H.log_message = lambda *a: None
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(sys.argv[2] + '.tmp', 'w').write(str(s.server_address[1]))
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
s.serve_forever()
PY
SITE=$!
trap 'kill $SITE 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 50); do
	[ -s site.port ] && break
	sleep 0.1
done
SITE_URL=http://127.0.0.1:$(cat site.port)/projects

cat >steward.conf <<CONF
[check "full"]
	kind = badge
	path = full
	export = out/full.json
	site-url = $SITE_URL/1.json
[check "none"]
	kind = badge
	path = none
	site-url = $SITE_URL/3.json
[check "partial"]
	kind = badge
	path = partial
	site-url = $SITE_URL/2.json
[check "missing"]
	kind = badge
	path = nowhere
CONF
mkdir out

# crit ID: the status of criterion ID in the last --json output (parsed
# once per output, into crit.txt).
crit() {
	if [ ! -e crit.txt ] || [ .out -nt crit.txt ]; then
		python3 -c "
import json
j=json.load(open('$T/.out'))
c=[d for d in j[0]['details'] if isinstance(d, list)][0]
print('\n'.join(x['id'] + ' ' + x['status'] for x in c))" >crit.txt
	fi
	awk -v id="$1" '$1 == id { print $2 }' crit.txt
}
expect_crit() { # ID STATUS
	got=$(crit "$1")
	[ "$got" = "$2" ] && pass || fail "criterion $1: expected $2, got $got"
}

run check run full --json
rm -f crit.txt
expect_rc 0 "full"
expect_json "j[0]['status'] == 'pass' and j[0]['score'] == 10"
expect_json "j[0]['reason'] == 'level passing: 10 of 10 required criteria met'"
for id in license_location floss_license description_good contribution \
	vulnerability_report_process sites_https build test release_notes \
	static_analysis dynamic_analysis signed_releases; do
	expect_crit $id met
done
expect_out "LICENSE: MIT"
expect_out "1 of 2 tag(s) signed, e.g. v1.0"
expect_out "Info: badge site: level passing (100% of passing)"
expect_no_out "badge site claims"
python3 -c "
import json; j=json.load(open('out/full.json'))
assert j['level'] == 'passing'
assert j['license_location_status'] == 'Met'
assert j['floss_license_justification'] == 'LICENSE: MIT'
assert j['signed_releases_status'] == 'Met'" && pass || fail "export"

run check run partial --no-store --export partial.json
expect_rc 0 "--export"
python3 -c "
import json; j=json.load(open('partial.json'))
assert j['level'] == 'in_progress'
assert j['contribution_status'] == 'Unmet'
assert j['signed_releases_status'] == '?'" && pass || fail "--export file"
run check run partial none --export x.json
expect_rc 2 "--export with two checks"
expect_err "--export needs exactly one check name"

run check run none --json
rm -f crit.txt
expect_rc 1 "none"
expect_json "j[0]['status'] == 'fail' and j[0]['score'] == 0"
for id in license_location description_good contribution \
	vulnerability_report_process build test release_notes \
	static_analysis dynamic_analysis signed_releases; do
	expect_crit $id unmet
done
expect_crit floss_license unknown
expect_crit sites_https unknown
expect_out "none of 1 tag(s) is signed"
expect_out "Warn: badge site: cannot read '$SITE_URL/3.json': not HTTP 200"

run check run partial --json
rm -f crit.txt
expect_rc 0 "partial warns"
expect_json "j[0]['status'] == 'warn'"
expect_json "j[0]['reason'] == 'level in_progress: 5 of 10 required criteria met'"
expect_crit license_location met
expect_crit floss_license met
expect_out "COPYING: GPL-2.0"
expect_crit description_good met
expect_crit contribution unmet
expect_crit vulnerability_report_process unmet
expect_out "docs/SECURITY.md gives no address or URL to report to"
expect_crit sites_https unmet
expect_out "http://partial.example.net/"
expect_crit build met
expect_crit test unmet
expect_crit static_analysis met
expect_out ".github/workflows/ci.yml runs cppcheck"
expect_crit dynamic_analysis unmet
expect_crit signed_releases unknown
expect_out "Warn: badge site claims 'passing' but the repository misses required criteria"

run check run missing
expect_rc 1 "missing repository"
expect_out "missing: error 0/10: cannot open repository 'nowhere'"

# Text output lists each criterion.
run check run partial
expect_out "Warn: contribution unmet: no CONTRIBUTING guide"
expect_out "Info: build met: CMakeLists.txt"

kill $SITE
finish
