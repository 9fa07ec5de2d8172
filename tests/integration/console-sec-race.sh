# The throttle cannot be raced (security issue, item 4): thirty clients
# from one address all get the prompt (nobody has failed yet), then all
# answer at the same moment. Each guess is reserved (counted) before its
# code is checked, so only the (handle, address) allowance of five is
# checked; the others are refused unseen. The old check-at-prompt,
# record-after-answer order let all thirty through.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/console-sec-lib.bash"
trap console_cleanup EXIT
N=30
FREE=5		# LOGIN_PAIR_FREE (shared/login.h)

# Room for thirty connections not yet logged in from one address: this
# test is about the login throttle, not the startup limits.
export NYOTA_SSH_PER_SOURCE_STARTUPS=100 NYOTA_SSH_MAX_STARTUPS=100
export NYOTA_SSH_GRACE_S=120	# thirty handshakes on a slow machine
start_console
S=$(console creator add bob 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$S" ] || fail "creator add"

mkdir "$T/barrier"
pids=""
for i in $(seq 1 $N); do
	GUESS_BARRIER="$T/barrier:$N" guess 127.0.0.2 bob 000000 stats "$T/race.$i" &
	pids="$pids $!"
done
prompted() { [ "$(ls "$T/barrier" | wc -l)" -ge $N ]; }
wait_until 60 "all $N clients prompted, got $(ls "$T/barrier" | wc -l)" prompted
for p in $pids; do
	rc=0
	wait "$p" || rc=$?
	[ "$rc" = 255 ] || fail "a wrong code was not refused (ssh exit $rc)"
done

checked=$(sql "SELECT count(*) FROM login_attempts WHERE handle='bob'")
echo "race: $N parallel guesses, $checked checked"
[ "$checked" -le $FREE ] || fail "$checked of $N parallel guesses were checked (at most $FREE may be)"
[ "$checked" -ge 1 ] || fail "no guess was checked"
audited=$(sql "SELECT count(*) FROM audit_log WHERE action='login.fail' AND detail='bob'")
expect_eq "$audited" "$checked" "each checked guess audited"
expect_match "$(cat "$T/console.log")" 'msg="ssh login throttled" handle="bob" addr="127.0.0.2"' "the rest throttled"

# Still locked from there; still open from elsewhere.
LAST_STEP=$(( $(date +%s) / 30 - 2 ))
fresh_code "$S"
guess 127.0.0.2 bob "$CODE" && fail "127.0.0.2 let in after the race"
fresh_code "$S"
guess 127.0.0.3 bob "$CODE" || fail "bob refused from 127.0.0.3: $(cat "$T/guess.out")"
echo ok
