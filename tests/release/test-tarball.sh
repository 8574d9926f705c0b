# test-tarball.sh: `steward release tarball` writes the bytes of
# `git archive --format=tar` for repositories with every awkward case,
# compressed deterministically, with checksums and signatures.
. "$(dirname "$0")/../lib.sh"

export GIT_AUTHOR_NAME="Ann Author" GIT_AUTHOR_EMAIL=ann@example.org
export GIT_COMMITTER_NAME="Cy Committer" GIT_COMMITTER_EMAIL=cy@example.org
export GIT_AUTHOR_DATE="2025-03-01T10:00:00+0100"
export GIT_COMMITTER_DATE="2025-03-02T11:30:00-0700"
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch main

git init -q repo
cd repo
mkdir -p bin docs/deep/er/still/deeper tools/ignored keep
printf '#!/bin/sh\necho hi\n' >bin/run.sh
chmod +x bin/run.sh
printf 'plain\n' >README
ln -s README readme-link
ln -s "$(printf 'x%.0s' $(seq 1 120))" long-link
printf 'deep\n' >docs/deep/er/still/deeper/file.txt
printf 'not shipped\n' >tools/ignored/secret
printf 'shipped\n' >tools/kept
printf 'dropped\n' >keep/drop.tmp
printf 'kept\n' >keep/stay
printf 'caf\303\251\n' >"caf$(printf '\303\251').txt"
printf '\346\227\245\346\234\254\n' >"$(printf '\346\227\245\346\234\254\350\252\236')"
# A path over 100 bytes that splits into prefix/name, one over 255 that
# needs a pax path record, and a 100-byte last component.
long1=$(printf 'd%.0s' $(seq 1 60))/$(printf 'e%.0s' $(seq 1 60))
mkdir -p "$long1"
printf 'long\n' >"$long1/file"
long2=$(printf 'a%.0s' $(seq 1 150))/$(printf 'b%.0s' $(seq 1 150))
mkdir -p "$long2"
printf 'longer\n' >"$long2/f"
name100=$(printf 'n%.0s' $(seq 1 100))
printf 'x\n' >"keep/$name100"
cat >version.txt <<'V'
commit $Format:%H$ short $Format:%h$ tree $Format:%T$
by $Format:%an <%ae>$ on $Format:%ad$ / $Format:%ai$ / $Format:%at$
committed $Format:%cn <%ce>$ $Format:%cd$ $Format:%ci$ $Format:%ct$
subject: $Format:%s$ percent $Format:%%$ unknown $Format:%Q$ nl $Format:a%nb$
unclosed $Format:%H
V
cp version.txt not-substituted.txt
cat >.gitattributes <<'A'
tools/ignored export-ignore
*.tmp export-ignore
version.txt export-subst
A
git add -A
git update-index --add --cacheinfo 160000,1234567890123456789012345678901234567890,modules/sub
git commit -q -m 'Release prep: version 1.2.3' -m 'Body text.'
cd ..

check_same() { # REF PREFIX FILE.tar: compare with git archive
	git -C repo archive --format=tar --prefix="$2" "$1" >expected.tar
	cmp expected.tar "$3" && pass || fail "tar bytes differ from git archive ($1, '$2')"
}

run release tarball 1.2.3 --repo repo --ref HEAD -o out1 --formats tar,tar.gz,tar.xz
expect_rc 1 "missing output folder"
expect_err "out1"

mkdir out1 out2 out3
run release tarball 1.2.3 --repo repo --ref HEAD -o out1 --formats tar,tar.gz,tar.xz --json --xz-preset 1
expect_rc 0 "tarball"
expect_json "[f['path'] for f in j['files']] == ['out1/project-1.2.3.tar', 'out1/project-1.2.3.tar.gz', 'out1/project-1.2.3.tar.xz']"
expect_json "j['prefix'] == 'project-1.2.3/'"
check_same HEAD project-1.2.3/ out1/project-1.2.3.tar
gzip -t out1/project-1.2.3.tar.gz && pass || fail "gzip -t"
xz -t out1/project-1.2.3.tar.xz && pass || fail "xz -t"
gzip -dc out1/project-1.2.3.tar.gz | cmp - expected.tar && pass || fail "gzip -dc differs"
xz -dc out1/project-1.2.3.tar.xz | cmp - expected.tar && pass || fail "xz -dc differs"
# No name and no time in the gzip header (gzip -n).
[ "$(head -c 10 out1/project-1.2.3.tar.gz | od -An -tx1 | tr -d ' \n')" = 1f8b0800000000000203 ] \
	&& pass || fail "gzip header has a name or time"
(cd out1 && sha256sum -c --quiet SHA256SUMS) && pass || fail "SHA256SUMS"
[ "$(wc -l <out1/SHA256SUMS)" -eq 3 ] && pass || fail "SHA256SUMS lines"
ls -a out1 | grep -q tmp && fail "temporary file left" || pass
# The awkward entries are there, and export-ignore dropped what it names.
tar tf expected.tar >list
grep -qx 'project-1.2.3/modules/sub/' list && pass || fail "submodule entry"
grep -q 'secret\|drop.tmp' list && fail "export-ignore" || pass
grep -q "^project-1.2.3/$long2/f\$" list && pass || fail "pax long path"
grep -q 'unknown %Q' expected.tar && pass || fail "export-subst kept unknown"

# Same bytes every run and for any number of threads.
run release tarball 1.2.3 --repo repo --ref HEAD -o out2 --threads 1 --xz-preset 1
expect_rc 0 "one thread"
run release tarball 1.2.3 --repo repo --ref HEAD -o out3 --threads 3 --xz-preset 1
expect_rc 0 "three threads"
for f in project-1.2.3.tar.gz project-1.2.3.tar.xz; do
	cmp out1/$f out2/$f && pass || fail "$f differs between runs"
done
for f in project-1.2.3.tar.gz project-1.2.3.tar.xz SHA256SUMS; do
	cmp out2/$f out3/$f && pass || fail "$f differs with threads"
done

# A tarball big enough for several gzip chunks and xz blocks.
cd repo
head -c 1000000 /dev/urandom >random.bin
seq 1 700000 >numbers.txt
git add random.bin numbers.txt
git commit -q -m 'Big files'
git tag -a -m 'Project 1.2.4' RELEASE-1.2.4
cd ..
mkdir big1 big2 big3
printf '[core]\n\tproject = Xen\n[release "1.2"]\n\trepo = repo\n\tprefix = xen-%%V-src/\n' >big.conf
run release tarball 1.2.4 --repo repo -o big1 --threads 1 --xz-preset 1
expect_rc 0 "big, default ref is the release tag"
run --config big.conf release tarball 1.2.4 -o big2 --threads 2 --formats tar,gz,xz --xz-preset 1
expect_rc 0 "big, two threads"
run release tarball 1.2.4 --repo repo -o big3 --threads 2 --xz-preset 1
expect_rc 0 "big, two threads"
check_same RELEASE-1.2.4 xen-1.2.4-src/ big2/xen-1.2.4.tar
gzip -dc big2/xen-1.2.4.tar.gz | cmp - expected.tar && pass || fail "big gzip -dc"
xz -dc big2/xen-1.2.4.tar.xz | cmp - expected.tar && pass || fail "big xz -dc"
git -C repo archive --format=tar --prefix=project-1.2.4/ RELEASE-1.2.4 >expected1.tar
gzip -dc big1/project-1.2.4.tar.gz | cmp - expected1.tar && pass || fail "big one thread"
for f in project-1.2.4.tar.gz project-1.2.4.tar.xz; do
	cmp big1/$f big3/$f && pass || fail "big $f differs with threads"
done
[ "$(xz -l --robot big2/xen-1.2.4.tar.xz | awk '$1=="totals"{print $3}')" -ge 2 ] \
	&& pass || fail "xz has several blocks"

# Attributes come from the archived commit, not the index or work tree.
cd repo
printf 'README export-ignore\nversion.txt export-subst\n' >.gitattributes
git commit -q -am 'Ship *.tmp, drop README'
printf '* export-ignore\n' >.gitattributes
git add .gitattributes
cd ..
mkdir attrs
for ref in HEAD HEAD~1 HEAD~2; do
	run release tarball 1.2.3 --repo repo --ref $ref --formats tar -o attrs
	expect_rc 0 "attributes at $ref"
	check_same $ref project-1.2.3/ attrs/project-1.2.3.tar
done
git -C repo reset -q --hard

# A candidate: its tag by default, -rcN in the names.
git -C repo tag 1.2.4-rc1 HEAD~1
mkdir rc
run release tarball 1.2.4 --rc 1 --repo repo -o rc --formats tar
expect_rc 0 "rc tarball"
expect_out "rc/project-1.2.4-rc1.tar"
check_same 1.2.4-rc1 project-1.2.4-rc1/ rc/project-1.2.4-rc1.tar

# tar.umask changes the modes, as for git.
git -C repo config tar.umask 022
run release tarball 1.2.3 --repo repo --ref HEAD --formats tar -o attrs
expect_rc 0 "tar.umask 022"
check_same HEAD project-1.2.3/ attrs/project-1.2.3.tar
git -C repo config tar.umask user
(umask 027 && "$STEWARD" release tarball 1.2.3 --repo repo --ref HEAD --formats tar -o attrs >/dev/null)
(umask 027 && git -C repo archive --format=tar --prefix=project-1.2.3/ HEAD) | cmp - attrs/project-1.2.3.tar \
	&& pass || fail "tar.umask user"
git -C repo config tar.umask 9x
run release tarball 1.2.3 --repo repo --ref HEAD --formats tar -o attrs
expect_rc 1 "bad tar.umask"
expect_err "bad tar.umask '9x'"
git -C repo config --unset tar.umask

# Other prefixes and older commits.
check_prefix() {
	printf '[release "1.2"]\n\trepo = repo\n\tprefix = %s\n' "$1" >p.conf
	rm -rf outp && mkdir outp
	run --config p.conf release tarball 1.2.3 --ref HEAD~1 --formats tar -o outp
	expect_rc 0 "prefix '$1'"
	check_same HEAD~1 "$1" outp/project-1.2.3.tar
}
check_prefix ""
check_prefix "a//"
check_prefix "noslash-"

# Errors: bad version, unknown format, unknown ref, not a repository.
run release tarball 1.x --repo repo
expect_rc 2 "bad version"
expect_err "bad version '1.x'"
run release tarball 1.2.3 --repo repo --formats zip
expect_rc 2 "bad format"
expect_err "unknown tarball format 'zip'"
run release tarball 1.2.3 --repo repo --ref nope -o out1
expect_rc 1 "unknown ref"
expect_err "unknown revision 'nope'"
run release tarball 1.2.3 --repo /nonexistent
expect_rc 1 "no repository"
expect_err "cannot open repository '/nonexistent'"
run release tarball 1.2.9 --repo repo -o out1
expect_rc 1 "no release tag"
expect_err "unknown revision 'RELEASE-1.2.9'"

# Signatures with a throwaway key.
if command -v gpg >/dev/null; then
	export GNUPGHOME="$T/gnupg"
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --passphrase '' --quick-gen-key test@example.org ed25519 sign never 2>/dev/null
	mkdir sig
	run release tarball 1.2.3 --repo repo --ref HEAD~1 -o sig --sign test@example.org
	expect_rc 0 "signed"
	for f in project-1.2.3.tar.gz project-1.2.3.tar.xz SHA256SUMS; do
		gpg --batch --verify sig/$f.sig sig/$f 2>/dev/null && pass || fail "signature of $f"
	done
	printf 'x' >>sig/project-1.2.3.tar.gz
	gpg --batch --verify sig/project-1.2.3.tar.gz.sig sig/project-1.2.3.tar.gz 2>/dev/null \
		&& fail "a bad signature verifies" || pass
	run release tarball 1.2.3 --repo repo --ref HEAD~1 -o sig --sign nobody@example.org
	expect_rc 1 "unknown key"
	expect_err "with key 'nobody@example.org'"
fi

finish
