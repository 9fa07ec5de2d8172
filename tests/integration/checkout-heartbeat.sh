# A pending stream stays open, quiet, and gets a ": ping" comment every
# 15 s (how dead clients are found); the server stays idle meanwhile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345678")
REF=$2
c0=$(awk '{ print $14 + $15 }' "/proc/$SF_PID/stat")
curl -sN --max-time 25 "$URL/checkout/$REF/events" > "$T/sse" || true
c1=$(awk '{ print $14 + $15 }' "/proc/$SF_PID/stat")
expect_match "$(cat "$T/sse")" '"status":"pending"' "status first"
expect_match "$(cat "$T/sse")" '^: ping' "heartbeat comment"
# 25 s holding a suspended stream (a loaded machine may send the 15 s ping
# late): a busy loop would burn 2500 ticks; the
# bound leaves room for an ASan build (no busy loop is what is proved).
[ $((c1 - c0)) -lt 400 ] || fail "storefront used $((c1 - c0)) ticks while idle"
echo ok
