# test-demo-data.sh: `steward demo-data`, the sample project generator:
# determinism, message count, mboxrd, real diffs that apply and share
# their patch-id with the commits, trailers, branches, and errors.
. "$(dirname "$0")/../lib.sh"

run demo-data a --messages 2000 --seed 7 --json
expect_rc 0 "generate a"
expect_json "j['messages'] == 2000"
expect_json "j['commits'] > 20 and j['stable_commits'] > 2 and j['edited'] > 0"
expect_json "j['pulls'] == 1 and j['quoted_trailers'] > 0 and j['covers'] > 0"
cp "$T/.out" a.json
run demo-data b --seed 7 --messages 2000
expect_rc 0 "generate b"
expect_out "b: 2000 messages"

# Same seed, same bytes, same commits.
cmp -s a/archive.mbox b/archive.mbox && pass || fail "same seed, mbox differs"
cmp -s a/truth.json b/truth.json && pass || fail "same seed, truth differs"
HA=$(git -C a/repo.git rev-parse master stable-1.0)
HB=$(git -C b/repo.git rev-parse master stable-1.0)
[ -n "$HA" ] && [ "$HA" = "$HB" ] && pass || fail "same seed, heads differ: $HA / $HB"
[ "$(git -C a/repo.git symbolic-ref HEAD)" = refs/heads/master ] \
	&& pass || fail "HEAD is not master"
git -C a/repo.git fsck --no-dangling >/dev/null 2>&1 && pass || fail "fsck"

# Another seed, other bytes.
run demo-data c --messages 2000 --seed 8
expect_rc 0 "generate c"
cmp -s a/archive.mbox c/archive.mbox && fail "seeds 7 and 8 give one mbox" || pass
[ "$(git -C c/repo.git rev-parse master)" != "$(git -C a/repo.git rev-parse master)" ] \
	&& pass || fail "seeds 7 and 8 give one master"

# The archive: N messages, mboxrd quoting, encoded and raw UTF-8 names,
# every kind of subject.
[ "$(grep -c '^From ' a/archive.mbox)" -eq 2000 ] && pass || fail "not 2000 From lines"
grep -q '^>From the ' a/archive.mbox && pass || fail "no mboxrd-quoted body line"
grep -q '^From the ' a/archive.mbox && fail "unquoted From in a body" || pass
grep -q '^From: =?UTF-8?B?' a/archive.mbox && pass || fail "no B-encoded From"
grep -q '^From: =?UTF-8?Q?' a/archive.mbox && pass || fail "no Q-encoded From"
LC_ALL=C grep -q '^From: [^=]*[^ -~]' a/archive.mbox && pass || fail "no raw UTF-8 From"
for tag in '\[PATCH v2 0/' '\[PATCH v4 ' '\[RFC PATCH' '\[PATCH RESEND\]' \
	'\[XEN PATCH for-4.20' '\[GIT PULL\]' '^Subject: Re: ' \
	'^> Reviewed-by: ' '^Reviewed-by: ' '^Acked-by: ' '^Tested-by: ' \
	'^are available in the Git repository at:' '^Message-ID: <2025[0-9]\{10\}\.[0-9]*-1-'; do
	grep -q -- "$tag" a/archive.mbox && pass || fail "mbox lacks '$tag'"
done
mkdir split
git mailsplit --mboxrd -osplit a/archive.mbox >/dev/null && pass || fail "mailsplit"
[ "$(ls split | wc -l)" -eq 2000 ] && pass || fail "mailsplit count"

# The repository: MAINTAINERS, trailers, cherry-picks.
git -C a/repo.git show master:MAINTAINERS >maint
for e in '^THE REST$' '^M:	' '^R:	' '^L:	demo-devel@lists.example.org' \
	'^S:	Supported' '^F:	xen/arch/arm/' '^X:	'; do
	grep -q -- "$e" maint && pass || fail "MAINTAINERS lacks '$e'"
done
python3 - <<'PY' && pass || fail "truth areas differ from MAINTAINERS"
import json, sys
t = json.load(open('a/truth.json'))
m = open('maint').read().splitlines()
for a in t['areas']:
    i = m.index(a['title'])
    sec = m[i + 1:m.index('', i) if '' in m[i:] else len(m)]
    for e in a['maintainers']:
        assert any(l.startswith('M:\t') and '<%s>' % e in l for l in sec), e
    for e in a['reviewers']:
        assert any(l.startswith('R:\t') and '<%s>' % e in l for l in sec), e
    for f in a['files']:
        assert 'F:\t' + f in sec, f
    assert len(t['areas']) == 11
PY
git -C a/repo.git log master --format=%B >log
grep -q '^Reviewed-by: ' log && pass || fail "no Reviewed-by in master"
grep -q '^Signed-off-by: ' log && pass || fail "no Signed-off-by in master"
git -C a/repo.git log master..stable-1.0 --format=%B >slog
grep -q '^(cherry picked from commit [0-9a-f]\{40\})$' slog && pass || fail "no cherry-pick"
grep -q '^master commit: [0-9a-f]\{40\}$' slog && pass || fail "no master commit:"
FORK=$(git -C a/repo.git merge-base master stable-1.0)
[ "$FORK" != "$(git -C a/repo.git rev-parse master)" ] && pass || fail "stable not forked"

# Against the truth: committed patches apply to their parent and share the
# commit's patch-id; edited ones do not; commit trailers are the truth's.
git clone -q a/repo.git w 2>/dev/null
python3 - "$T" >check.out 2>&1 <<'PY'
import glob, json, re, subprocess, sys
T = sys.argv[1]
t = json.load(open(T + '/a/truth.json'))
mails = {}
for f in glob.glob(T + '/split/*'):
    with open(f, 'rb') as fh:
        for line in fh:
            if line.lower().startswith(b'message-id:'):
                mails[line.split(b':', 1)[1].strip().decode()] = f
                break
def git(*a, inp=None):
    return subprocess.run(['git', '-C', T + '/w'] + list(a), input=inp,
                          capture_output=True)
def pid(data):
    out = subprocess.run(['git', 'patch-id', '--stable'], input=data,
                         capture_output=True).stdout.split()
    return out[0] if out else b''
ok = bad = edited = 0
for s in t['series']:
    for p in s['versions'][-1]['patches']:
        c = p.get('commit')
        if not c or (ok >= 60 and not p['edited']):
            continue
        mail = open(mails[p['msgid']], 'rb').read()
        same = pid(mail) == pid(git('show', c).stdout) != b''
        if p['edited']:
            edited += 1
            if same:
                print('edited patch shares the patch-id', p['msgid'])
                bad += 1
            continue
        if not same:
            print('patch-id differs', p['msgid'], c); bad += 1
        # The posted diff is the commit's, byte for byte (hunk headers and
        # their function lines included), but for the abbreviations.
        norm = lambda x: re.sub(rb'(?m)^index [0-9a-f]+\.\.[0-9a-f]+', b'index', x)
        posted_diff = mail[mail.index(b'\ndiff --git') + 1:mail.rindex(b'-- \n2.39.5')]
        if norm(posted_diff) != norm(git('show', '--format=', c).stdout):
            print('diff differs from git show', p['msgid']); bad += 1
        # The index lines name the real blobs, abbreviated.
        idx = lambda text: [l.split()[1] for l in text.splitlines()
                            if l.startswith(b'index ')]
        posted = idx(mail)
        full = idx(git('show', '--full-index', '--format=', c).stdout)
        if len(posted) != len(full) or not all(
                f.split(b'..')[0].startswith(m.split(b'..')[0]) and
                f.split(b'..')[1].startswith(m.split(b'..')[1])
                for m, f in zip(posted, full)):
            print('index lines differ', p['msgid'], posted, full); bad += 1
        body = git('log', '-1', '--format=%B', c).stdout.decode()
        for tr in p['trailers']:
            line = '%s: %s <%s>' % (tr['kind'], tr['name'], tr['email'])
            if line not in body.splitlines():
                print('commit lacks', line, c); bad += 1
        given = [l for l in body.splitlines()
                 if l.split(':')[0] in ('Reviewed-by', 'Acked-by', 'Tested-by')]
        if len(given) != len(p['trailers']):
            print('commit has other trailers', c); bad += 1
        if ok < 15:
            git('checkout', '-q', c + '^')
            if git('apply', '--check', '-', inp=mail).returncode != 0:
                print('does not apply to parent', p['msgid']); bad += 1
            git('checkout', '-q', c)
            if git('apply', '--check', '-', inp=mail).returncode == 0:
                print('applies twice', p['msgid']); bad += 1
        ok += 1
print('checked', ok, 'edited', edited, 'bad', bad)
sys.exit(1 if bad or ok < 20 or edited < 1 else 0)
PY
[ $? -eq 0 ] && pass || fail "truth check: $(tail -5 check.out)"

# The truth counts trailers at the start of a line, and quoted ones apart.
cp a.json "$T/.out"
expect_json "j['trailers'] == $(grep -c -E '^(Reviewed|Acked|Tested)-by: ' a/archive.mbox)"
expect_json "j['quoted_trailers'] == $(grep -c -E '^> (Reviewed|Acked|Tested)-by: ' a/archive.mbox)"

# --no-repo: the same mails but no repository.
run demo-data d --messages 300 --seed 7 --no-repo
expect_rc 0 "no-repo"
[ ! -e d/repo.git ] && [ -s d/truth.json ] && pass || fail "no-repo wrote a repo"
[ "$(grep -c '^From ' d/archive.mbox)" -eq 300 ] && pass || fail "300 messages"

# Tiny archives still have exactly N messages.
for n in 1 2 3 7; do
	run demo-data "tiny$n" --messages $n --seed 3 --no-repo
	expect_rc 0 "tiny $n"
	[ "$(grep -c '^From ' tiny$n/archive.mbox)" -eq $n ] && pass || fail "tiny $n count"
done

# Outputs are written under temporary names, then renamed.
ls a | grep -q 'tmp' && fail "temporary files left in a" || pass
mkdir g && : >g/archive.mbox.tmp
run demo-data g --messages 5
expect_rc 1 "leftover temporary file"
expect_err "'g/archive.mbox.tmp' already exists (left by an interrupted run"

# Errors.
run demo-data a --messages 10
expect_rc 1 "existing output"
expect_err "already exists"
run demo-data e --messages 0
expect_rc 2 "zero messages"
run demo-data e --messages lots
expect_rc 2 "bad number"
run demo-data
expect_rc 2 "missing DIR"
expect_err "missing DIR"
run demo-data e f
expect_rc 2 "two DIRs"
run demo-data /proc/no/such/dir --messages 5
expect_rc 1 "unwritable DIR"
expect_err "cannot create '/proc/no/such/dir'"
: >plainfile
run demo-data plainfile --messages 5
expect_rc 1 "DIR is a file"
expect_err "'plainfile' is not a directory"
run demo-data --help
expect_rc 0 "help"
expect_out "usage: steward demo-data"

finish
