# Helpers for integration tests (sourced by bash scripts).
# Every test gets its own temp dir (data, keys) and free ports, and kills
# what it started on exit.
set -eu
T=$(mktemp -d /tmp/nyota-it.XXXXXX)
PIDS=""
# Sanitizer reports from servers land in their logs under $T (stderr);
# cleanup copies them to the test's output and fails the test.
SAN_RE='ERROR: (AddressSanitizer|LeakSanitizer)|runtime error: |SUMMARY: [A-Za-z]*Sanitizer'
cleanup() {
	local p f san=0
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	for f in $(grep -rlE --binary-files=without-match "$SAN_RE" "$T" 2>/dev/null); do
		echo "FAIL: sanitizer report in $f:" >&2
		head -60 "$f" >&2
		san=1
	done
	# KEEP=1 keeps the temp dir (logs, database) to look at a failure
	[ -n "${KEEP:-}" ] || rm -rf "$T"
	[ "$san" -eq 0 ] || exit 1
}
trap cleanup EXIT
export NYOTA_DATA_DIR="$T/data" NYOTA_KEYS_DIR="$T/keys"
# The /metrics listeners have fixed default ports: off unless a test
# turns them on (on a free port), so tests can run side by side.
export NYOTA_METRICS_PORT=${NYOTA_METRICS_PORT:-0}
export NYOTA_CONSOLE_METRICS_PORT=${NYOTA_CONSOLE_METRICS_PORT:-0}

# Orders a test writes straight into the database get their one line, as
# migration 0012 gave the orders before it (order_create writes its own;
# the readers count order_lines): append it after such an INSERT.
ORDER_LINES_SQL="INSERT INTO order_lines(order_id, product_id, creator_id,
 quantity, unit_minor, amount_minor) SELECT o.id, o.product_id, p.creator_id,
 o.quantity, o.amount_minor / o.quantity, o.amount_minor FROM orders o
 JOIN products p ON p.id = o.product_id WHERE NOT EXISTS (SELECT 1
 FROM order_lines l WHERE l.order_id = o.id);"

# free_port: prints a TCP port nothing listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }

# expect_match TEXT REGEX WHAT
expect_match() { printf '%s' "$1" | grep -Eq -- "$2" || fail "$3: no match for '$2' in: $(printf '%s' "$1" | head -c 400)"; }

# start_storefront [flags]: starts the storefront on a free port, waits for
# /healthz, sets PORT and URL. The port can be taken by another process
# between free_port and the server's bind: if the server dies before it
# answers, it is started again on a new port (up to 5 times). Generous
# timeout: CI machines are small and an ASan build under load is slow.
start_storefront() {
	local try i
	for try in 1 2 3 4 5; do
		PORT=$(free_port)
		URL="http://127.0.0.1:$PORT"
		NYOTA_HTTP_PORT=$PORT NYOTA_BASE_URL=$URL "$NYOTA_BIN/nyota-storefront" "$@" \
			> "$T/storefront.log" 2>&1 &
		SF_PID=$!
		PIDS="$PIDS $SF_PID"
		for i in $(seq 1 600); do
			curl -fsS "$URL/healthz" >/dev/null 2>&1 && return 0
			kill -0 "$SF_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$SF_PID" 2>/dev/null && break
		wait "$SF_PID" 2>/dev/null || true
		cp "$T/storefront.log" "$T/storefront.log.try$try"
	done
	cat "$T/storefront.log" >&2
	fail "storefront did not start"
}

# wait_until TIMEOUT_S WHAT CMD...: polls CMD (every 0.1 s) until it
# succeeds; fails with WHAT after TIMEOUT_S seconds.
wait_until() {
	local n=$(( $1 * 10 )) what=$2 i t=$1
	shift 2
	for i in $(seq 1 "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after $t s: $what"
}

# wait_page PATH REGEX [SECONDS]: polls $URL$PATH until its body matches
# (the storefront notices database changes made by other processes
# asynchronously; a fixed sleep is too short on a loaded machine).
wait_page() {
	local i n=$(( ${3:-30} * 10 ))
	for i in $(seq 1 "$n"); do
		curl -sS -H 'Accept-Language: en' "$URL$1" 2>/dev/null | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	fail "$1 never showed '$2'"
}

# wait_code PATH CODE [SECONDS]: polls $URL$PATH until it answers CODE.
wait_code() {
	local i c n=$(( ${3:-30} * 10 ))
	for i in $(seq 1 "$n"); do
		c=$(curl -s -o /dev/null -w '%{http_code}' "$URL$1")
		[ "$c" = "$2" ] && return 0
		sleep 0.1
	done
	fail "$1: expected HTTP $2, got $c"
}

console() { "$NYOTA_BIN/nyota-console" "$@"; }
