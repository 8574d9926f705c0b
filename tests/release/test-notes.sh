# test-notes.sh: `steward release notes` from a history made here.
. "$(dirname "$0")/../lib.sh"

export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch stable-4.19
git config --global user.name "Rel Manager"
git config --global user.email rm@example.org
export GIT_AUTHOR_DATE="2025-01-01T12:00:00+0000" GIT_COMMITTER_DATE="2025-01-01T12:00:00+0000"

git init -q xen
c() { # AUTHOR SUBJECT [BODY]
	printf '%s\n' "$2" >>xen/log
	git -C xen add -A
	GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$(echo "$1" | tr -d ' ')@example.org" \
		git -C xen commit -q -m "$2" ${3:+-m "$3"}
}
c "Old Timer" "Initial import"
git -C xen tag -a -m "Xen 4.19.0" RELEASE-4.19.0
c "Ann Arm" "x86/mm: fix a leak" "Reviewed-by: Rita Reviewer <rita@example.org>
Signed-off-by: Ann Arm <ann@example.org>"
c "Bob Builder" "arm: add a feature" "Acked-by: Rita Reviewer <rita@example.org>
Tested-by: Tim Tester <tim@example.org>"
c "Ann Arm" "x86/spec-ctrl: mitigate speculative leak" "This is XSA-456 / CVE-2025-1234.

Reported-by: Eve Finder <eve@example.org>
Reviewed-by: Rita Reviewer <rita@example.org>"
c "Carol Docs" "Update the documentation"
c "Mallory" "tools: <script>alert(1)</script> *bold* [x](javascript:alert(1))"
git -C xen checkout -q -b side
c "Dan Side" "libxl: side fix"
git -C xen checkout -q stable-4.19
git -C xen merge -q --no-ff -m "Merge branch 'side'" side

run release notes 4.19.1 --repo xen
expect_rc 0 "notes md"
expect_out "# Project 4.19.1 release notes"
expect_out "6 changes since RELEASE-4.19.0 up to HEAD, by 5 authors."
expect_out "- **XSA-456**: x86/spec-ctrl: mitigate speculative leak ("
expect_out "### x86/mm"
expect_out "### Other"
expect_out "Authors: Ann Arm, Bob Builder, Carol Docs, Dan Side, Mallory."
expect_out "Reviewed and acked by: Rita Reviewer."
expect_out "Tested by: Tim Tester."
expect_out "Reported and suggested by: Eve Finder."
expect_no_out "Merge branch"
expect_no_out "Initial import"
# Areas sorted, history order inside, no-area changes last.
awk '/^### /{print $2}' "$T/.out" | tr '\n' ' ' >areas
[ "$(cat areas)" = "arm libxl tools x86/mm x86/spec-ctrl Other " ] && pass || fail "area order: $(cat areas)"

run release notes 4.19.1 --repo xen --format html
expect_rc 0 "notes html"
expect_out "<title>Project 4.19.1 release notes</title>"
expect_out "<h2>Security fixes</h2>"
expect_out "<strong>XSA-456</strong>"
expect_out "&lt;script&gt;alert(1)&lt;/script&gt;"
expect_no_out "<script>"
expect_no_out 'href="javascript'

run release notes 4.19.1 --repo xen --since HEAD~2 --ref HEAD~1
expect_rc 0 "explicit range"
expect_out "1 changes since HEAD\\~2 up to HEAD\\~1"

run release notes 4.19.1 --repo xen --since nope
expect_rc 1 "unknown since"
expect_err "unknown revision 'nope'"
run release notes 4.19.1 --repo xen --format pdf
expect_rc 2 "bad format"
expect_err "unknown format 'pdf'"

finish
