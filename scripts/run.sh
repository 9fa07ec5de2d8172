#!/bin/sh
# `make run`: start Nyota on the embedded defaults (SQLite in ./data,
# simulated payments, WhatsApp messages to data/whatsapp.jsonl). The
# binaries are already built by make; starting them applies migrations.
# On an empty catalog the demo catalog is loaded. Ctrl-C stops both.
set -eu
B=${B:-build}
CONSOLE="$B/nyota-console"
STOREFRONT="$B/nyota-storefront"
HERE=$(cd "$(dirname "$0")" && pwd)

for bin in "$CONSOLE" "$STOREFRONT"; do
	[ -x "$bin" ] || { echo "run: $bin is missing; run make first" >&2; exit 1; }
done

# Migrates, then loads the demo only when there is no product yet.
"$CONSOLE" import --if-empty "$HERE/demo/catalog.json"

url=${NYOTA_BASE_URL:-http://localhost:${NYOTA_HTTP_PORT:-8080}}
ssh_port=${NYOTA_SSH_PORT:-2222}
echo
echo "  Storefront:  $url"
echo "  Simulated phone (approve payments): $url/sim/phone?phone=254712345678"
echo "  Console:     ssh -p $ssh_port HANDLE@localhost"
if code=$("$CONSOLE" setup-code 2>/dev/null | sed -n 's/^setup code: //p') &&
    [ -n "$code" ]; then
	echo
	echo "  No creator is enrolled yet. Either:"
	echo "    ssh -p $ssh_port setup@localhost     (setup code: $code)"
	echo "  or create one here and scan the QR code it prints:"
	echo "    $CONSOLE creator add amani"
fi
echo

SF_PID= CO_PID=
stop() {
	trap - INT TERM
	[ -n "$SF_PID" ] && kill "$SF_PID" 2>/dev/null || true
	[ -n "$CO_PID" ] && kill "$CO_PID" 2>/dev/null || true
	wait 2>/dev/null || true
	exit 0
}
trap stop INT TERM

"$STOREFRONT" &
SF_PID=$!
"$CONSOLE" serve &
CO_PID=$!

# Runs until Ctrl-C or until one of them exits (then stops the other).
while kill -0 "$SF_PID" 2>/dev/null && kill -0 "$CO_PID" 2>/dev/null; do
	sleep 1
done
echo "run: a server exited; stopping" >&2
stop
