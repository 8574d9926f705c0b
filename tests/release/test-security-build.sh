# test-security-build.sh: `steward security check --build`: the patched
# tree of each branch an advisory applies to is built in a temporary
# directory with security.build-command; a patch that breaks the build
# fails its cell with the end of the log; a build that hangs is killed;
# the repository is never touched and no directory is left behind.
. "$(dirname "$0")/../lib.sh"
export GIT_AUTHOR_NAME=T GIT_AUTHOR_EMAIL=t@example.org
export GIT_COMMITTER_NAME=T GIT_COMMITTER_EMAIL=t@example.org
export GIT_AUTHOR_DATE="2025-01-01T00:00:00Z" GIT_COMMITTER_DATE="2025-01-01T00:00:00Z"
mkdir tmp
export TMPDIR="$T/tmp"

# A project whose build fails when a.c loses its declaration, and which
# prints the line it is checking, so the log shows what was built.
git init -q -b master xen
cd xen
printf 'int ok;\nint value = 1;\n' >a.c
printf 'all:\n\t@grep "value" a.c\n\t@grep -q "^int ok;" a.c || { echo "a.c: error: ok undeclared"; exit 2; }\n\t@echo built >built.txt\n' >Makefile
git add . && git commit -qm "base"
git branch stable-4.19
printf 'int ok;\nint value = 2;\n' >a.c
git commit -qam "master moves on"
cd ..

mkdir adv
# XSA-1: a good fix, one patch per version.
cat >adv/xsa1.patch <<'P'
Subject: [PATCH] fix value on master

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,2 +1,2 @@
 int ok;
-int value = 2;
+int value = 20;
P
cat >adv/xsa1-4.19.patch <<'P'
Subject: [PATCH] fix value on 4.19

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,2 +1,2 @@
 int ok;
-int value = 1;
+int value = 10;
P
# XSA-2: applies everywhere but breaks the build.
cat >adv/xsa2.patch <<'P'
Subject: [PATCH] drop ok

diff --git a/a.c b/a.c
--- a/a.c
+++ b/a.c
@@ -1,1 +1,1 @@
-int ok;
+int not_ok;
P
recipe() { printf '{"Recipes": {"xen": {"StableRef": null, "Prereqs": [], "Patches": %s}}}' "$1"; }
cat >adv/xsa1.meta <<M
{"XSA": 1, "SupportedVersions": ["master", "4.19"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '["xsa1.patch"]'),
             "4.19": $(recipe '["xsa1-4.19.patch"]')}}
M
cat >adv/xsa2.meta <<M
{"XSA": 2, "SupportedVersions": ["master", "4.19"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '["xsa2.patch"]'),
             "4.19": $(recipe '["xsa2.patch"]')}}
M
# XSA-3: does not apply on 4.19, so 4.19 is not built.
cat >adv/xsa3.meta <<M
{"XSA": 3, "SupportedVersions": ["master", "4.19"], "Trees": ["xen"],
 "Recipes": {"master": $(recipe '["xsa1.patch"]'),
             "4.19": $(recipe '["xsa1.patch"]')}}
M
printf '[tree "xen"]\n\tpath = xen\n\tbranch = master\n[security]\n\tbuild-command = make\n' >steward.conf

run security import adv
expect_rc 0 "import"

# Without --build nothing is built.
run security check 2 --json
expect_rc 0 "XSA-2 applies"
expect_json "all(c['status'] == 'applies' and 'build' not in c for c in j)"

run security check 1 --build --json
expect_rc 0 "XSA-1 builds"
expect_json "[(c['version'], c['status'], c['build']['status']) for c in j] == [('master', 'applies', 'passed'), ('4.19', 'applies', 'passed')]"
expect_json "all(c['build']['command'] == 'make' and c['build']['exit_code'] == 0 and c['build']['duration_ms'] >= 0 for c in j)"
# The patched trees were built: the log shows the patched line.
expect_json "'int value = 20;' in j[0]['build']['log'] and 'int value = 10;' in j[1]['build']['log']"

run security check 2 --build --json
expect_rc 1 "XSA-2 breaks the build"
expect_json "[(c['status'], c['build']['status'], c['build']['exit_code']) for c in j] == [('applies', 'failed', 2), ('applies', 'failed', 2)]"
expect_json "all('a.c: error: ok undeclared' in c['build']['log'] for c in j)"
run security check 2 --build
expect_rc 1 "XSA-2 text"
expect_out "build failed: make (exit 2"
expect_out "      | a.c: error: ok undeclared"

run security check 3 --build --json
expect_rc 1 "XSA-3 does not apply on 4.19"
expect_json "j[0]['status'] == 'applies' and j[0]['build']['status'] == 'passed'"
expect_json "j[1]['status'] == 'fails' and 'build' not in j[1]"

# A build that hangs is killed at the timeout; a bounded log keeps the end.
printf '[tree "xen"]\n\tpath = xen\n\tbranch = master\n[security]\n\tbuild-command = seq 1 5000 && sleep 30\n\tbuild-timeout = 1\n\tbuild-log-max = 256\n' >steward.conf
T0=$(date +%s)
run security check 1 --build --json
T1=$(date +%s)
expect_rc 1 "hung build"
expect_json "all(c['build']['status'] == 'timed-out' and c['build']['log_truncated'] for c in j)"
expect_json "all(c['build']['log'].endswith('5000\n') and len(c['build']['log']) <= 256 for c in j)"
[ $((T1 - T0)) -lt 10 ] && pass || fail "timeout not enforced: $((T1 - T0)) s"

# Bad settings are refused before anything runs.
printf '[tree "xen"]\n\tpath = xen\n[security]\n\tbuild-timeout = 0\n' >steward.conf
run security check 1 --build
expect_rc 1 "zero timeout"
expect_err "security.build-timeout must be 1 to 604800 seconds"
printf '[tree "xen"]\n\tpath = xen\n[security]\n\tbuild-timeout = soon\n' >steward.conf
run security check 1 --build
expect_rc 1 "bad timeout"
expect_err "build-timeout"
run security list --build
expect_rc 2 "--build elsewhere"
expect_err "--build is for 'security check'"

# No directory for the build: a clear error naming it.
printf '[tree "xen"]\n\tpath = xen\n\tbranch = master\n' >steward.conf
TMPDIR=/proc/no/such
run security check 1 --build
TMPDIR="$T/tmp"
expect_rc 1 "unwritable TMPDIR"
expect_err "cannot make '/proc/no/such/steward-seccheck-"

# The repository is untouched and every build directory is gone.
[ -z "$(git -C xen status --porcelain)" ] && [ ! -e xen/built.txt ] \
	&& pass || fail "repository touched"
[ -z "$(ls tmp)" ] && pass || fail "left in TMPDIR: $(ls tmp)"

finish
