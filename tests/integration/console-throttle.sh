# Login throttling end to end: after five wrong codes a handle must wait
# (the client is told why); another creator from the same address still
# logs in at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
S1=$(console creator add juma 2>/dev/null | sed -n 's/^secret: //p')
S2=$(console creator add neema 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$S1" ] && [ -n "$S2" ] || fail "creator add"

# Five wrong codes (OpenSSH asks three times per connection).
# until_count NAME REGEX N: until N lines match (or the client ended).
until_count() {
	for _ in $(seq 1 300); do
		[ "$(count_of "$1" "$2")" -ge "$3" ] && return 0
		screen_of "$1" | grep -q 'ssh-exit' && return 0
		sleep 0.1
	done
	fail "$1: fewer than $3 '$2'"
}
for round in 1 2; do
	ssh_in "w$round" juma
	for k in 1 2 3; do
		[ "$round" = 2 ] && [ "$k" = 3 ] && break
		until_count "w$round" 'Verification code:' "$k"
		tm send-keys -t "w$round" 000000 Enter
	done
	# Round 1: the third prompt was already on screen before the third
	# answer, so wait for the client to give up (the third answer was
	# heard); round 2: the third prompt (the second answer was heard).
	if [ "$round" = 1 ]; then
		until_count w1 'ssh-exit' 1
	else
		until_count w2 'Verification code:' 3
	fi
	tm kill-session -t "w$round"
done
failures() { sql "SELECT count(*) FROM login_attempts WHERE handle='juma' AND ok=0"; }
five_failed() { [ "$(failures)" -ge 5 ]; }
wait_until 30 "five failures recorded, got $(failures)" five_failed

# Now even the right code is not even asked for.
# (Default LogLevel: OpenSSH prints a round's instruction with logit.)
tm new-session -d -s w3 -x 80 -y 24 "ssh -p $SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PreferredAuthentications=keyboard-interactive juma@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for w3 'Too many failed attempts' 30
wait_for w3 'Majaribio mengi mno yameshindwa' 30
wait_for w3 'ssh-exit=255' 30
screen_of w3 | grep -q Dashboard && fail "locked handle logged in"

# The other creator is not locked out.
login ok neema "$(totp "$S2")"
wait_for ok 'Dashboard'
expect_match "$(sql "SELECT count(*) FROM audit_log WHERE action='login.fail' AND detail='juma'")" '^[5-9]$' "audited"
echo ok
