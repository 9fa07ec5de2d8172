# Helpers for the console's integration tests (sourced after lib.sh; not
# a test itself: run-integration.sh runs only *.sh).

# A private tmux server per test.
TMUX_SOCK="nyota-it-$$"
tm() { tmux -L "$TMUX_SOCK" "$@"; }
# A session that outlives the others: tmux exits when its last session
# ends, and a new-session racing that exit fails ("server exited").
tm new-session -d -s keep "sleep 3600"
console_cleanup() {
	local rc=$?
	tm kill-server 2>/dev/null || true
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	if [ -n "${CON_PID:-}" ]; then
		kill "$CON_PID" 2>/dev/null || true
		wait "$CON_PID" 2>/dev/null || true
	fi
	if [ -f "$T/console.log" ] && grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$T/console.log"; then
		grep -A30 'AddressSanitizer\|runtime error\|LeakSanitizer' "$T/console.log" | head -60 >&2
		rc=1
	fi
	[ "$rc" -ne 0 ] && [ -f "$T/console.log" ] && tail -20 "$T/console.log" >&2
	cleanup
	exit "$rc"
}

# start_console: the SSH console on a free port; sets SSH_PORT, CON_PID.
# If the port was taken between free_port and bind (the server exits),
# it starts again on another port.
start_console() {
	local try
	for try in 1 2 3 4 5; do
		SSH_PORT=$(free_port)
		# fresh_code may wait up to 31 s for a new TOTP step while a
		# client sits at the prompt: more than the default login grace
		# (tests of the grace itself set their own).
		NYOTA_SSH_PORT=$SSH_PORT NYOTA_SSH_ADDR=127.0.0.1 \
			NYOTA_SSH_GRACE_S=${NYOTA_SSH_GRACE_S:-90} \
			"$NYOTA_BIN/nyota-console" serve > "$T/console.log" 2>&1 &
		CON_PID=$!
		PIDS="$PIDS $CON_PID"
		for _ in $(seq 1 600); do
			grep -q 'console listening' "$T/console.log" 2>/dev/null && return 0
			kill -0 "$CON_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$CON_PID" 2>/dev/null && break
		wait "$CON_PID" 2>/dev/null || true
		cp "$T/console.log" "$T/console.log.try$try"
	done
	cat "$T/console.log" >&2
	fail "console did not start"
}

SSH_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o PreferredAuthentications=keyboard-interactive"

# ssh_in NAME USER [COLS ROWS [CMD]]: an ssh client in a tmux window.
ssh_in() {
	tm new-session -d -s "$1" -x "${3:-80}" -y "${4:-24}" \
		"ssh -p $SSH_PORT $SSH_OPTS $2@127.0.0.1 ${5:-}; echo ssh-exit=\$?; sleep 30"
}

# screen_of NAME: the pane's text, wrapped lines joined (-J), so a long
# line (Swahili is longer) matches whatever the width.
screen_of() { tm capture-pane -p -J -t "$1"; }
# screen_rows NAME: the pane row by row (for tests of the layout).
screen_rows() { tm capture-pane -p -t "$1"; }

# wait_for NAME REGEX [SECONDS]: until the screen matches (default 30 s:
# a slow machine under load, not a slow console, is the usual cause).
wait_for() {
	local i n=$(( ${3:-30} * 10 ))
	for i in $(seq 1 $n); do
		screen_of "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	screen_of "$1" >&2
	fail "screen $1 never showed '$2'"
}

# count_of NAME REGEX: lines of the screen matching.
count_of() { screen_of "$1" | grep -Ec -- "$2" || true; }

# wait_count NAME REGEX N [SECONDS]: until exactly N lines of the screen
# match (e.g. a prompt shown again after a refused answer).
wait_count() {
	local i n=$(( ${4:-30} * 10 ))
	for i in $(seq 1 $n); do
		[ "$(count_of "$1" "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	screen_of "$1" >&2
	fail "screen $1: expected $3 lines matching '$2', got $(count_of "$1" "$2")"
}

# totp SECRET [OFFSET_S]: the code at now + offset.
totp() {
	oathtool --totp -b --now "$(date -u -d "@$(( $(date +%s) + ${2:-0} ))" '+%Y-%m-%d %H:%M:%S UTC')" "$1"
}

sql() { sqlite3 -cmd '.timeout 5000' "$NYOTA_DATA_DIR/nyota.db" "$@"; }

# enrol HANDLE: the first creator through the setup code; sets SECRET.
enrol() {
	local code
	code=$(sed -n 's/.*Setup code: \([A-Z0-9-]*\).*/\1/p' "$T/console.log" | head -1)
	[ -n "$code" ] || fail "no setup code in the log"
	ssh_in enrol setup 80 24
	wait_for enrol 'Setup code / Msimbo wa usanidi:'
	tm send-keys -t enrol "$code" Enter
	# The first question is in both languages; Enter keeps English.
	wait_for enrol 'Language / Lugha \[en/sw\]:'
	tm send-keys -t enrol Enter
	wait_for enrol 'Choose a handle'
	tm send-keys -t enrol "$1" Enter
	wait_for enrol 'secret: [A-Z2-7]{32}'
	SECRET=$(screen_of enrol | sed -n 's/.*secret: \([A-Z2-7]*\).*/\1/p' | head -1)
	tm send-keys -t enrol Enter
	wait_for enrol '6-digit code'
	# The whole QR code (quiet zone included) fits on 80x24.
	screen_rows enrol | head -1 | grep -q '^█████████████████████████' ||
		fail "QR code cut at the top: $(screen_rows enrol | head -2)"
	LAST_STEP=$(( $(date +%s) / 30 ))
	tm send-keys -t enrol "$(totp "$SECRET")" Enter
	wait_for enrol 'Enrolled'
	tm kill-session -t enrol
}

# login NAME HANDLE CODE [COLS ROWS]: ssh in and answer the code.
login() {
	ssh_in "$1" "$2" "${4:-80}" "${5:-24}"
	wait_for "$1" 'Verification code:'
	tm send-keys -t "$1" "$3" Enter
}

# fresh_code SECRET: sets CODE to a code for a step newer than the last one this test
# used (LAST_STEP, per secret in the caller's hands), waiting for the
# clock when the ±1 step window has no newer step left.
LAST_STEP=0
fresh_code() {
	local cur step
	cur=$(( $(date +%s) / 30 ))
	if [ "$LAST_STEP" -ge $((cur + 1)) ]; then
		sleep $(( (cur + 1) * 30 - $(date +%s) + 1 ))
		cur=$(( $(date +%s) / 30 ))
	fi
	step=$((LAST_STEP + 1))
	[ "$step" -lt $((cur - 1)) ] && step=$cur
	# The step before the current one dies at the next boundary: use it
	# only with 10 s left to log in, else take the current one.
	[ "$step" -lt "$cur" ] && [ $(( (cur + 1) * 30 - $(date +%s) )) -lt 10 ] &&
		step=$cur
	LAST_STEP=$step
	CODE=$(oathtool --totp -b --now "$(date -u -d "@$((step * 30))" '+%Y-%m-%d %H:%M:%S UTC')" "$1")
}

# wait_line NAME N REGEX: until line N of the screen matches.
wait_line() {
	for _ in $(seq 1 300); do
		screen_rows "$1" | sed -n "${2}p" | grep -Eq -- "$3" && return 0
		sleep 0.1
	done
	screen_rows "$1" >&2
	fail "line $2 of $1 never showed '$3'"
}

# wizard_download NAME TITLE: from any screen, n (new product), a
# download titled TITLE (slug from the title, price 500), the story
# skipped, up to the Content step.
wizard_download() {
	tm send-keys -t "$1" n
	wait_for "$1" 'What are you selling'
	tm send-keys -t "$1" Enter
	wait_for "$1" 'Basics'
	tm send-keys -t "$1" "$2" Enter Enter 500 Enter Enter Enter Enter Enter
	wait_for "$1" 'Story'
	tm send-keys -t "$1" Tab
	wait_for "$1" 'Content'
}

# wizard_edit NAME: e on the selected product (Products); the title says
# Edit, the kind step cannot be reached, Basics and Story unchanged, up
# to the Content step.
wizard_edit() {
	tm send-keys -t "$1" e
	wait_for "$1" 'Edit product, step 2/7'
	wait_for "$1" 'n Edit product'
	wait_for "$1" 'Basics'
	tm send-keys -t "$1" BTab
	sleep 0.3
	screen_of "$1" | grep -q 'What are you selling' && fail "kind step reachable on edit"
	# Seven basics fields; eight with pay what you want (Suggested).
	if screen_of "$1" | grep -q 'Suggested\|Pendekezo'; then
		tm send-keys -t "$1" Enter
	fi
	tm send-keys -t "$1" Enter Enter Enter Enter Enter Enter Enter
	wait_for "$1" 'Story'
	tm send-keys -t "$1" Tab
	wait_for "$1" 'Content'
}

# wizard_review NAME: from the Delivery step (waited for), through the
# automatic messages as they are, to Review.
wizard_review() {
	wait_for "$1" 'Delivery'
	tm send-keys -t "$1" Enter
	wait_for "$1" 'Automatic messages'
	tm send-keys -t "$1" Enter
	wait_for "$1" 'Review'
}
