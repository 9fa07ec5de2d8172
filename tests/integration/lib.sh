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
	rm -rf "$T"
	[ "$san" -eq 0 ] || exit 1
}
trap cleanup EXIT
export NYOTA_DATA_DIR="$T/data" NYOTA_KEYS_DIR="$T/keys"

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
# /healthz, sets PORT and URL.
start_storefront() {
	PORT=$(free_port)
	URL="http://127.0.0.1:$PORT"
	NYOTA_HTTP_PORT=$PORT NYOTA_BASE_URL=$URL "$NYOTA_BIN/nyota-storefront" "$@" \
		> "$T/storefront.log" 2>&1 &
	SF_PID=$!
	PIDS="$PIDS $SF_PID"
	for _ in $(seq 1 100); do
		curl -fsS "$URL/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$T/storefront.log" >&2
	fail "storefront did not start"
}

console() { "$NYOTA_BIN/nyota-console" "$@"; }
