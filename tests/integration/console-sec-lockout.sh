# A stranger cannot lock a creator out (security issue, item 3): thirty
# wrong codes for bob from 127.0.0.2 stop guesses from 127.0.0.2 only;
# bob's right code from 127.0.0.3 is accepted, and so is a right code
# with a key even from the stranger's own address; the same for invite
# codes. Many addresses together are held to the handle's hourly cap, and
# still a right code from a new address gets in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/console-sec-lib.bash"
trap console_cleanup EXIT

start_console
S=$(console creator add bob 2>/dev/null | sed -n 's/^secret: //p')
SK=$(console creator add kiki 2>/dev/null | sed -n 's/^secret: //p')
INV=$(console invite 2>/dev/null | sed -n 's/^invite code: //p')
[ -n "$S" ] && [ -n "$SK" ] && [ -n "$INV" ] || fail "creators and invite"
ssh-keygen -q -t ed25519 -N '' -C 'kiki laptop' -f "$T/id"
fp=$(ssh-keygen -lf "$T/id.pub" | awk '{print $2}')
sql "INSERT INTO creator_keys (creator_id, fingerprint, created_at) VALUES ((SELECT id FROM creators WHERE handle='kiki'), '$fp', strftime('%s'))"

# The stranger: thirty wrong codes for each of bob, kiki and invite
# (from three addresses: each may open 40 connections in a burst).
wrong_codes 30 127.0.0.2 bob
wrong_codes 30 127.0.0.5 kiki
wrong_codes 30 127.0.0.6 invite
n=$(sql "SELECT count(*) FROM login_attempts WHERE handle='bob' AND ok=0")
[ "$n" -ge 5 ] || fail "the stranger's failures were not counted: $n"
echo "lockout: 30 wrong codes for bob from 127.0.0.2, $n checked"

# From the stranger's address even a right code is not looked at...
LAST_STEP=$(( $(date +%s) / 30 - 2 ))
fresh_code "$S"
guess 127.0.0.2 bob "$CODE" && fail "127.0.0.2 still guessing after 30 failures"
expect_match "$(cat "$T/guess.out")" 'Permission denied' "refused at 127.0.0.2"

# ...but bob from his own address logs in at once.
fresh_code "$S"
guess 127.0.0.3 bob "$CODE" || fail "bob locked out from 127.0.0.3 by a stranger: $(cat "$T/guess.out")"
expect_match "$(cat "$T/guess.out")" '"30d":\{"sales":0' "bob's stats"

# kiki has a key: with it (and her code) she is let in even from the
# address the stranger used.
guess_key "$T/id" 127.0.0.5 kiki "$(totp "$SK")" || fail "kiki with her key refused: $(cat "$T/guess.out")"
expect_match "$(cat "$T/guess.out")" '"today":' "kiki's stats"

# The invitee enrols from elsewhere (authenticated: the exec is refused
# by the console, status 1, not by the login, 255).
rc=0
guess 127.0.0.4 invite "$INV" stats || rc=$?
[ "$rc" = 1 ] || fail "invite code refused after a stranger's guesses (exit $rc): $(cat "$T/guess.out")"
expect_match "$(cat "$T/guess.out")" 'unknown command' "invite logged in"
# Many addresses (127.0.0.10-79), two wrong codes each: the first guess
# of each address is checked (it has no failures yet), then the handle's
# cap (60 an hour, the stranger's 5 above included) stops them all.
K=70
for round in 1 2; do
	pids=""
	for i in $(seq 10 $((9 + K))); do
		guess "127.0.0.$i" bob 000000 stats "$T/many.$i" &
		pids="$pids $!"
		if [ $((i % 10)) -eq 9 ]; then wait $pids || true; pids=""; fi
	done
done
checked=$(sql "SELECT count(*) FROM login_attempts WHERE handle='bob' AND addr NOT IN ('127.0.0.2', '127.0.0.3')")
echo "cap: $((2 * K)) wrong codes from $K addresses, $checked checked"
[ "$checked" -le $((60 + K)) ] || fail "$checked guesses checked from $K addresses (at most 60 + $K)"
# Now a right code from one of them is not looked at; from a new address
# it is accepted.
fresh_code "$S"
guess 127.0.0.10 bob "$CODE" && fail "127.0.0.10 let in past the handle's cap"
guess 127.0.0.250 bob "$CODE" || fail "bob refused from a new address under the cap: $(cat "$T/guess.out")"
echo ok
