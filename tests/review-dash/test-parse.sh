# test-parse.sh: `steward parse` over the real mail texts in
# tests/data/mail, checked field by field through its JSON Lines.
. "$(dirname "$0")/../lib.sh"
M=$STEWARD_TEST_DATA/mail

# jl N EXPR...: each EXPR over the Nth JSON line of stdout (bound to j),
# all in one python3 run (it is slow to start).
jl() {
	local n=$1 res
	shift
	res=$(python3 - "$T/.out" "$n" "$@" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
j = lines[int(sys.argv[2])] if int(sys.argv[2]) < len(lines) else None
for e in sys.argv[3:]:
    try:
        ok = j is not None and eval(e)
    except Exception:
        ok = False
    print("ok" if ok else "FAIL " + e)
PY
)
	[ -n "$res" ] || { fail "line $n: no result"; return; }
	while IFS= read -r r; do
		case $r in
		ok) pass ;;
		*) fail "line $n: ${r#FAIL }" ;;
		esac
	done <<<"$res"
}

run parse --json "$M/patch-v2.eml"
expect_rc 0 "patch"
jl 0 "j['kind'] == 'patch' and j['version'] == 2 and j['number'] == 2 and j['total'] == 3" \
	"j['message_id'] == '20240312091542.1234-3-jane.doe@example.org'" \
	"j['name'] == 'xen/arm: fix the foo handling' and j['prefixes'] == ['PATCH']" \
	"j['diff'].startswith('diff --git a/xen/arch/arm/foo.c') and len(j['patch_id']) == 40" \
	"[t['kind'] for t in j['trailers']] == ['Fixes', 'Reported-by', 'Signed-off-by', 'Reviewed-by', 'Acked-by']" \
	"j['trailers'][3]['email'] == 'sstabellini@kernel.org' and j['trailers'][0]['email'] is None" \
	"j['in_reply_to'] == '20240312091542.1234-1-jane.doe@example.org' and j['error'] is None"

run parse --json "$M/cover.eml" "$M/reply-reviewed.eml" "$M/git-pull.eml"
expect_rc 0 "three files"
[ "$(wc -l <"$T/.out")" -eq 3 ] && pass || fail "three lines"
jl 0 "j['kind'] == 'cover' and j['number'] == 0 and j['total'] == 3 and j['diff'] is None"
jl 1 "j['kind'] == 'comment' and j['patch_id'] is None" \
	"[(t['kind'], t['email']) for t in j['trailers']] == [('Reviewed-by', 'sstabellini@kernel.org')]"
jl 2 "j['kind'] == 'pull' and j['pull_url'] == 'git://git.kernel.org/pub/scm/linux/kernel/git/xen/tip.git'" \
	"j['pull_branch'] == 'for-linus-6.9a-rc1-tag' and j['prefixes'] == ['GIT', 'PULL']"

run parse --json "$M/rfc2047-from.eml" "$M/rfc2047-cyrillic.eml" "$M/latin1-from.eml"
jl 0 "j['from_name'] == '王小明' and j['from_email'] == 'wang.xm@example.cn'"
jl 1 "j['from_name'] == 'Дмитрий Иванов' and j['kind'] == 'patch' and '+Привет, мир' in j['diff']"
jl 2 "j['from_name'] == 'René François' and 'café est prêt' in j['body']"

run parse --json "$M/alternative-html.eml" "$M/attached-patch.eml" "$M/lying-charset.eml" "$M/unknown-charset.eml"
jl 0 "'HTML ONLY' not in j['body'] and 'Plain version' in j['body']"
jl 1 "j['kind'] == 'patch' and '+    free(p);' in j['diff']"
jl 2 "'Café naïve' in j['body']"
jl 3 "'éÿþ' in j['body']"

run parse --json "$M/cvs-index.eml" "$M/git-special.eml" "$M/no-message-id.eml" "$M/absurd.eml"
jl 0 "j['kind'] == 'patch' and j['diff'].startswith('Index: ') and '____' not in j['diff']"
jl 1 "j['kind'] == 'patch' and 'GIT binary patch' in j['diff'] and 'new mode 100755' in j['diff']"
jl 2 "j['message_id'].startswith('synthetic-') and j['synthetic_id'] and j['date'] == 0"
jl 3 "j['kind'] == 'comment' and j['references'] == ['a@x', 'b@x', 'c@x']"

# An mbox of several messages, one of them broken: a line each, the
# broken one with its reason, and exit 1.
{
	printf 'From a@b Mon Jan  1 00:00:00 2024\n'
	cat "$M/cover.eml"
	printf '\nFrom a@b Mon Jan  1 00:00:00 2024\n'
	cat "$M/patch-v2.eml"
	printf '\nFrom a@b Mon Jan  1 00:00:00 2024\nnot a header line\n\n'
	printf 'From a@b Mon Jan  1 00:00:00 2024\n'
	cat "$M/git-pull.eml"
} >"$T/list.mbox"
run parse --json "$T/list.mbox"
expect_rc 1 "mbox with a broken message"
[ "$(wc -l <"$T/.out")" -eq 4 ] && pass || fail "four lines"
jl 0 "j['kind'] == 'cover'"
jl 1 "j['kind'] == 'patch'"
jl 2 "j['error'] == 'message has no header fields' and j['message_id'] is None"
jl 3 "j['kind'] == 'pull'"

# The human form: one short line per message.
run parse "$M/patch-v2.eml"
expect_rc 0 "human"
expect_out "patch   v2 2/3 xen/arm: fix the foo handling"
expect_out "5 trailer(s)"

run parse
expect_rc 2 "no file"
expect_err "no file to parse"
run parse --json /nonexistent/mail.eml
expect_rc 1 "missing file"
expect_err "cannot read '/nonexistent/mail.eml'"
run parse --help
expect_rc 0 "help"
expect_out "usage: steward parse"

finish
