# test-end-to-end.sh: the main pipeline on the generated sample project,
# checked against the generator's ground truth. `steward demo-data` writes
# archive.mbox, repo.git (master, stable-1.0) and truth.json; a steward.conf
# like ci/demo's names them; `steward ingest` then `steward trees sync`
# must find every message, thread, series, version, patch and review
# trailer, link every committed patch to its commit on master (by patch-id,
# or by subject and author when the committer edited it), find the
# cherry-picks on stable-1.0, and accept nothing that was not committed.
# A second ingest adds nothing, quickly. E2E_MESSAGES and E2E_SEED
# (default 2000 and 11) try other samples.
. "$(dirname "$0")/../lib.sh"

now_ms() { date +%s%3N; }

run demo-data sample --messages "${E2E_MESSAGES:-2000}" --seed "${E2E_SEED:-11}" --json
expect_rc 0 "demo-data"
cp "$T/.out" gen.json
expect_json "j['commits'] > 50 and j['edited'] > 2 and j['stable_commits'] > 5"

cat >steward.conf <<'CONF'
[core]
	db = steward.db
[list "demo-devel"]
	address = demo-devel@lists.example.org
	source = sample/archive.mbox
[tree "demo"]
	path = sample/repo.git
	branch = master
	branch = stable-1.0
CONF

# Ingest: the counts are the truth's. A [GIT PULL] is stored as a patch
# of its own one-patch series (as Patchwork does) but counted as a pull.
run ingest --json
expect_rc 0 "ingest"
cp "$T/.out" ingest1.json
python3 - <<'PY' && pass || fail "ingest counts differ from the truth"
import json
t = json.load(open('sample/truth.json'))['counts']
j = json.load(open('ingest1.json'))
want = {'messages': t['messages'], 'new': t['messages'], 'duplicates': 0,
        'patches': t['patches'], 'covers': t['covers'],
        'pulls': t['pulls'], 'comments': t['replies'],
        'series': t['versions'] + t['pulls'], 'rejected': 0}
bad = {k: (j.get(k), v) for k, v in want.items() if j.get(k) != v}
if bad:
    print('ingest (got, want):', bad)
assert not bad
PY

# Trees: every commit of both branches is indexed; the patches matched are
# exactly the committed ones (earlier versions share the subject and
# author of the commit but were not committed).
run trees sync --json
expect_rc 0 "trees sync"
NCOMMITS=$(git -C sample/repo.git rev-list --count master stable-1.0)
expect_json "j['commits_indexed'] == $NCOMMITS and j['commits_total'] == $NCOMMITS"
expect_json "j['patches_matched'] == $(python3 -c "import json; print(json.load(open('gen.json'))['commits'])")"

# Ingest again: nothing new, and fast (it resumes at the saved offset).
T0=$(now_ms)
run ingest --json
T1=$(now_ms)
expect_rc 0 "second ingest"
expect_json "j['new'] == 0 and j['patches'] == 0 and j['series'] == 0 and j['accepted'] == 0"
[ $((T1 - T0)) -lt 3000 ] && pass || fail "second ingest took $((T1 - T0)) ms"
# Matching everything again finds nothing more.
run trees match --full --json
expect_rc 0 "trees match --full"
expect_json "j['links_added'] == 0 and j['patches_accepted'] == 0 and j['series_accepted'] == 0"

run series list --json
expect_rc 0 "series list"
cp "$T/.out" series.json

# Series, versions, patches, states, commits and trailers against the truth;
# threads against the archive's own In-Reply-To/References.
python3 - >check.out 2>&1 <<'PY'
import collections, email.parser, json, sqlite3, sys
t = json.load(open('sample/truth.json'))
sl = json.load(open('series.json'))
db = sqlite3.connect('steward.db')
bad = []
def want(cond, *what):
    if not cond:
        bad.append(' '.join(str(w) for w in what))
strip = lambda m: m.strip().strip('<>')
REVIEW = ('Reviewed-by', 'Acked-by', 'Tested-by')

want(len(sl) == t['counts']['versions'] + t['counts']['pulls'],
     'series rows', len(sl))
patches = {}
byset = {}
for s in sl:
    byset[frozenset(p['message_id'] for p in s['patches'])] = s
    for p in s['patches']:
        patches[p['message_id']] = (s, p)
want(len(patches) == t['counts']['patches'] + t['counts']['pulls'],
     'patches', len(patches))

byid = {s['id']: s for s in sl}
committed = edited = 0
for ts in t['series']:
    mine = {byset[frozenset(strip(p['msgid']) for p in v['patches'])]['id']
            for v in ts['versions']
            if frozenset(strip(p['msgid']) for p in v['patches']) in byset}
    prev = None
    for vi, v in enumerate(ts['versions']):
        last = vi == len(ts['versions']) - 1
        key = frozenset(strip(p['msgid']) for p in v['patches'])
        s = byset.get(key)
        want(s, 'series', ts['id'], 'v%d' % v['version'], 'not grouped as posted')
        if not s:
            continue
        want(s['version'] == v['version'] and s['total'] == v['total'],
             'series', s['id'], 'version/total', s['version'], s['total'])
        want(s['cover'] == (strip(v['cover']) if v['cover'] else None),
             'series', s['id'], 'cover', s['cover'])
        want(s['submitter'] == ts['author']['email'], 'series', s['id'],
             'submitter', s['submitter'])
        if prev:
            want(s['supersedes'] == prev['id'], 'series', s['id'],
                 'supersedes', s['supersedes'], 'not', prev['id'])
        # A later series under the same name from the same submitter
        # is taken for a new version (series.h), even when the generator
        # happened to reuse the name for another series.
        sup = byid.get(s['superseded_by'])
        want((s['superseded_by'] is None) == last or
             (last and sup and sup['name'] == s['name'] and
              sup['submitter'] == s['submitter'] and
              sup['version'] == 1 and sup['id'] not in mine),
             'series', s['id'], 'superseded_by', s['superseded_by'])
        all_in = last and all(p.get('commit') for p in v['patches'])
        want((s['state'] == 'accepted') == bool(all_in), 'series', s['id'],
             'state', s['state'])
        prev = s
        for tp in v['patches']:
            s_, p = patches[strip(tp['msgid'])]
            c = tp.get('commit') if last else None
            if c:
                committed += 1
                edited += tp['edited']
                want(p['state'] == 'accepted' and p['commit_ref'] == c,
                     'patch', tp['msgid'], 'edited' * tp['edited'], p['state'],
                     p['commit_ref'], 'not accepted as', c)
            else:
                want(p['state'] != 'accepted' and p['commit_ref'] is None,
                     'patch', tp['msgid'], 'accepted as', p['commit_ref'],
                     'but never committed')
            # A reviewer may give the same trailer to the patch and to
            # the cover: two rows, one review.
            got = {(x['kind'], x['name'], x['email']) for x in p['trailers']
                   if x['kind'] in REVIEW}
            exp = {(x['kind'], x['name'], x['email']) for x in tp['trailers']}
            want(got == exp, 'patch', tp['msgid'], 'trailers',
                 sorted(got), 'not', sorted(exp))
want(committed == t['counts']['commits'], 'committed', committed)
want(edited == t['counts']['edited'], 'edited', edited)

# People: every one, with the full name (encoded names included).
people = dict(db.execute("SELECT email, name FROM people"))
want(len(people) == len(t['people']), 'people', len(people))
for p in t['people']:
    want(people.get(p['email']) == p['name'], 'person', p['email'],
         people.get(p['email']), 'not', p['name'])

# Pull requests: the URL and tag asked for.
pulls = {p['message_id']: p for s in sl for p in s['patches']
         if p['pull_url']}
want(len(pulls) == len(t['pulls']), 'pulls', len(pulls))
for tp in t['pulls']:
    p = pulls.get(strip(tp['msgid']))
    want(p and p['pull_url'] == tp['url'], 'pull', tp['msgid'], p)
branch = dict(db.execute("SELECT m.msgid, p.pull_branch FROM patches p "
                         "JOIN messages m ON m.id = p.message_id "
                         "WHERE p.pull_url IS NOT NULL"))
for tp in t['pulls']:
    want(branch.get(strip(tp['msgid'])) == tp['tag'], 'pull', tp['msgid'],
         'branch', branch.get(strip(tp['msgid'])), 'not', tp['tag'])

# How each committed patch was found: by patch-id unless edited.
rows = db.execute(
    "SELECT m.msgid, pc.method, c.oid FROM patch_commits pc "
    "JOIN commits c ON c.id = pc.commit_id "
    "JOIN patches p ON p.id = pc.patch_id "
    "JOIN messages m ON m.id = p.message_id "
    "JOIN branches b ON b.id = pc.branch_id "
    "WHERE b.name = 'master'").fetchall()
links = collections.defaultdict(list)
for msgid, method, oid in rows:
    links[msgid].append((method, oid))
for ts in t['series']:
    for tp in ts['versions'][-1]['patches']:
        if tp.get('commit'):
            how = 'subject-author' if tp['edited'] else 'patch-id'
            want(links.get(strip(tp['msgid'])) == [(how, tp['commit'])],
                 'patch', tp['msgid'], 'master links',
                 links.get(strip(tp['msgid'])), 'not', how, tp['commit'])

# Threads: a message's root follows In-Reply-To, else the last known
# References entry, up to a message with no parent in the archive.
parent = {}
msgs = []
hp = email.parser.BytesHeaderParser()
with open('sample/archive.mbox', 'rb') as f:
    cur = []
    def flush():
        if cur:
            h = hp.parsebytes(b''.join(cur))
            msgs.append((strip(h['Message-ID']),
                         strip(h['In-Reply-To'] or ''),
                         [strip(r) for r in (h['References'] or '').split()]))
    for line in f:
        if line.startswith(b'From ') and (not cur or cur[-1] == b'\n'):
            flush()
            cur = []
            continue
        cur.append(line)
    flush()
ids = {m[0] for m in msgs}
for mid, irt, refs in msgs:
    cands = ([irt] if irt else []) + list(reversed(refs))
    parent[mid] = next((r for r in cands if r in ids and r != mid), None)
def root(m):
    seen = set()
    while parent[m] and m not in seen:
        seen.add(m)
        m = parent[m]
    return m
roots = {m: root(m) for m in ids}
want(len(msgs) == t['messages'], 'mbox messages', len(msgs))
got = dict(db.execute(
    "SELECT m.msgid, r.msgid FROM messages m "
    "JOIN messages r ON r.id = m.thread_id").fetchall())
want(len(set(got.values())) == len(set(roots.values())), 'threads',
     len(set(got.values())), 'not', len(set(roots.values())))
wrong = [m for m in roots if got.get(m) != roots[m]]
want(not wrong, len(wrong), 'messages in the wrong thread, e.g.', wrong[:3])

for b in bad[:25]:
    print(b)
print('committed', committed, 'edited', edited, 'threads',
      len(set(roots.values())), 'problems', len(bad))
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && pass || fail "truth check: $(tail -26 check.out)"

# The user's view of a few patches: `trees where` on a message id names the
# commit on master (how it was found), and for the cherry-picked ones the
# backport on stable-1.0; `trees where` on the master commit shows it on
# both branches.
python3 - >where.list <<'PY'
import json
t = json.load(open('sample/truth.json'))
ed = st = 0
for s in t['series']:
    for p in s['versions'][-1]['patches']:
        how = 'subject-author' if p.get('edited') else 'patch-id'
        if p.get('commit') and p['edited'] and ed < 4:
            ed += 1
            print(p['msgid'].strip('<>'), p['commit'], '-', how)
        elif p.get('commit') and p.get('stable') and st < 6:
            st += 1
            print(p['msgid'].strip('<>'), p['commit'], p['stable'], how)
PY
[ "$(wc -l <where.list)" -eq 10 ] && pass || fail "truth lacks edited or stable patches"
while read -r MSGID COMMIT STABLE HOW; do
	run trees where "$MSGID" --json
	expect_rc 0 "where $MSGID"
	expect_json "j['kind'] == 'patch' and {'tree': 'demo', 'branch': 'master', 'oid': '$COMMIT', 'how': '$HOW'}.items() <= next((b for b in j['branches'] if b['branch'] == 'master'), {}).items()"
	[ "$STABLE" = - ] && continue
	expect_json "any(b['branch'] == 'stable-1.0' and b['oid'] == '$STABLE' and b['how'] in ('patch-id', 'backport-marker') for b in j['branches'])"
	run trees where "$COMMIT" --json
	expect_rc 0 "where $COMMIT"
	expect_json "j['kind'] == 'commit' and any(b['branch'] == 'master' and b['oid'] == '$COMMIT' and b['how'] == 'direct' for b in j['branches']) and any(b['branch'] == 'stable-1.0' and b['oid'] == '$STABLE' and b['how'] == 'backport' for b in j['branches'])"
done <where.list

# Every cherry-pick on stable-1.0 is linked to its master original, and
# the patch that became the original is found on stable-1.0 too.
python3 - >stable.out 2>&1 <<'PY' && pass || fail "stable check: $(tail -5 stable.out)"
import json, sqlite3, sys
t = json.load(open('sample/truth.json'))
db = sqlite3.connect('steward.db')
links = set(db.execute(
    "SELECT c.oid, o.oid FROM commit_links l JOIN commits c ON "
    "c.id = l.commit_id JOIN commits o ON o.id = l.original_commit_id"))
on_stable = set(db.execute(
    "SELECT m.msgid, c.oid FROM patch_commits pc JOIN branches b ON "
    "b.id = pc.branch_id JOIN commits c ON c.id = pc.commit_id "
    "JOIN patches p ON p.id = pc.patch_id JOIN messages m ON "
    "m.id = p.message_id WHERE b.name = 'stable-1.0'"))
n = bad = 0
for s in t['series']:
    for p in s['versions'][-1]['patches']:
        if not p.get('stable'):
            continue
        n += 1
        if (p['stable'], p['commit']) not in links:
            print('backport not linked', p['stable'], p['commit']); bad += 1
        if (p['msgid'].strip('<>'), p['stable']) not in on_stable:
            print('patch not on stable-1.0', p['msgid']); bad += 1
print('stable', n, 'bad', bad)
sys.exit(1 if bad or n != t['counts']['stable_commits'] else 0)
PY


# The same project the other way round, as a cron job would see it: the
# tree indexed first, then the archive ingested as it grows (half, then
# the rest). Matching is incremental; it must end where the first run did.
mkdir grow
python3 - <<'PY'
data = open('sample/archive.mbox', 'rb').read()
cut = data.index(b'\nFrom ', len(data) // 2) + 1
open('grow/archive.mbox', 'wb').write(data[:cut])
open('grow/rest.mbox', 'wb').write(data[cut:])
PY
sed -e 's|db = steward.db|db = grow.db|' \
	-e 's|source = sample/archive.mbox|source = grow/archive.mbox|' \
	steward.conf >grow.conf
run --config grow.conf trees sync --json
expect_rc 0 "grow: trees sync"
run --config grow.conf ingest --json
expect_rc 0 "grow: first half"
expect_json "0 < j['new'] < $(python3 -c "import json; print(json.load(open('gen.json'))['messages'])")"
cat grow/rest.mbox >>grow/archive.mbox
run --config grow.conf ingest --json
expect_rc 0 "grow: the rest"
python3 - >grow.out 2>&1 <<'PY' && pass || fail "grown store differs: $(tail -5 grow.out)"
import sqlite3, sys
q = {
    'messages': "SELECT m.msgid, m.kind, r.msgid FROM messages m "
                "JOIN messages r ON r.id = m.thread_id",
    'patches': "SELECT m.msgid, p.state, p.commit_ref, p.git_patch_id "
               "FROM patches p JOIN messages m ON m.id = p.message_id",
    'series': "SELECT c.msgid, s.version, s.total, s.state, s.received "
              "FROM series s LEFT JOIN messages c ON c.id = s.cover_id",
    'links': "SELECT m.msgid, c.oid, b.name, pc.method FROM patch_commits "
             "pc JOIN patches p ON p.id = pc.patch_id JOIN messages m ON "
             "m.id = p.message_id JOIN commits c ON c.id = pc.commit_id "
             "JOIN branches b ON b.id = pc.branch_id",
    'backports': "SELECT c.oid, o.oid, l.method FROM commit_links l JOIN "
                 "commits c ON c.id = l.commit_id JOIN commits o ON "
                 "o.id = l.original_commit_id",
    'trailers': "SELECT m.msgid, t.kind, t.value FROM trailers t "
                "JOIN messages m ON m.id = t.message_id",
}
a, b = sqlite3.connect('steward.db'), sqlite3.connect('grow.db')
bad = 0
for k, sql in q.items():
    x = sorted(map(repr, a.execute(sql)))
    y = sorted(map(repr, b.execute(sql)))
    if x != y:
        bad += 1
        print(k, len(x), len(y), 'first difference:',
              sorted(set(x) ^ set(y))[:2])
sys.exit(1 if bad else 0)
PY

finish
