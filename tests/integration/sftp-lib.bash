# Helpers for the sftp-*.sh integration tests (sourced after lib.sh and
# console-lib.bash; not a test itself).
#
# The real OpenSSH clients run in tmux windows because the console always
# asks for a TOTP code (keyboard-interactive, typed here from oathtool).
# sftp -b turns BatchMode on, which would skip that prompt: an earlier
# "-o BatchMode=no" wins (ssh keeps the first value of an option). Each
# creator keeps its own last TOTP step (replays are refused), so tests
# that log in often use several creators rather than wait for the clock.

SFTP_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=no"
KBD="-o PreferredAuthentications=keyboard-interactive"
declare -A SECRETS STEPS

# sftp_creator HANDLE [LOCALE]: a creator added with the CLI.
sftp_creator() {
	local s
	s=$(console creator add "$1" 2>/dev/null | sed -n 's/^secret: //p')
	[ -n "$s" ] || fail "creator add $1"
	SECRETS[$1]=$s
	STEPS[$1]=$(( $(date +%s) / 30 - 2 ))
	if [ -n "${2:-}" ]; then
		sql "UPDATE creators SET locale='$2' WHERE handle='$1'"
	fi
}

# code_for HANDLE: sets CODE to a fresh code of HANDLE's secret.
code_for() {
	LAST_STEP=${STEPS[$1]}
	fresh_code "${SECRETS[$1]}"
	STEPS[$1]=$LAST_STEP
}

# in_tmux NAME CMD: runs CMD (shell words) in a new tmux window; its
# stdout+stderr go to $T/NAME.out, then a line "exit=N".
in_tmux() {
	rm -f "$T/$1.out"
	tm new-session -d -s "$1" -x 200 -y 50 \
		"$2 > $T/$1.out 2>&1; echo exit=\$? >> $T/$1.out; sleep 60"
}

# type_code NAME HANDLE: waits for the code prompt in window NAME and
# types a fresh code for HANDLE.
type_code() {
	wait_for "$1" 'Verification code:' 60
	code_for "$2"
	tm send-keys -t "$1" "$CODE" Enter
}

# wait_exit NAME [SECONDS]: until the client in NAME has ended; sets RC.
wait_exit() {
	local i
	for i in $(seq 1 $(( ${2:-120} * 10 ))); do
		if grep -q '^exit=' "$T/$1.out" 2>/dev/null; then
			RC=$(sed -n 's/^exit=//p' "$T/$1.out" | tail -1)
			return 0
		fi
		sleep 0.1
	done
	cat "$T/$1.out" >&2 2>/dev/null || true
	screen_of "$1" >&2
	fail "client $1 did not end"
}

# sftp_batch NAME HANDLE BATCHFILE [OPTS...]: one sftp session running the
# batch file (commands prefixed with '-' may fail); sets RC, OUT.
sftp_batch() {
	local name=$1 h=$2 b=$3
	shift 3
	in_tmux "$name" "sftp -P $SSH_PORT $SFTP_OPTS $KBD $* -b $b $h@127.0.0.1"
	type_code "$name" "$h"
	wait_exit "$name"
	OUT=$(cat "$T/$name.out")
	tm kill-session -t "$name" 2>/dev/null || true
}

# up HANDLE: the creator's uploads folder.
up() { printf '%s' "$NYOTA_DATA_DIR/uploads/$1"; }

# mode_of PATH: octal permission bits.
mode_of() { stat -c %a "$1"; }

# no_temporaries HANDLE: fails if an upload temporary is left.
no_temporaries() {
	local left
	left=$(find "$(up "$1")" -name '.nyota-part-*' 2>/dev/null | head -5)
	[ -z "$left" ] || fail "temporaries left: $left"
}

# wait_gone PATTERN [SECONDS]: until no connection process of the console
# is left (its temporaries are removed when it ends).
wait_conns_gone() {
	local i
	for i in $(seq 1 $(( ${1:-30} * 10 ))); do
		[ -z "$(pgrep -P "$CON_PID" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	fail "connection processes still running: $(pgrep -P "$CON_PID" | tr '\n' ' ')"
}
