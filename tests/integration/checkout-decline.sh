# Decline on the handset, and a push nobody answers (short timeout):
# SSE says failed/expired with the reason; seats come back.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_PAY_TIMEOUT_S=2
start_storefront
seed_catalog
csrf_init

set -- $(checkout gig "0712345678" 2)
expect_eq "$1" 303 "ticket checkout"
REF=$2
expect_eq "$(DB "SELECT seats FROM reservations")" 2 "seats reserved"
sse_open "$REF" "$T/sse"
wait_pushed "$REF"
curl -fsS -o /dev/null -d action=decline "$URL/sim/stk/$REF"
wait "$SSE_PID" || true
expect_match "$(cat "$T/sse")" '"status":"failed","reason":"cancelled"' "declined over SSE"
expect_eq "$(DB "SELECT count(*) FROM reservations")" 0 "seats released"
page=$(curl -fsS -H 'Accept-Language: sw' "$URL/checkout/$REF")
expect_match "$page" 'Ulighairi ombi la malipo' "reason in Swahili"

# Nobody answers: expired after NYOTA_PAY_TIMEOUT_S.
set -- $(checkout song "0712345679")
REF=$2
sse_open "$REF" "$T/sse2"
t0=$(date +%s)
wait "$SSE_PID" || true
t1=$(date +%s)
expect_match "$(cat "$T/sse2")" '"status":"expired","reason":"expired"' "expired over SSE"
# It expires by itself (not at the stream's 60 s max-time); how fast is
# not this test's business (a loaded CI machine is slow).
[ $((t1 - t0)) -le 45 ] || fail "expiry took $((t1 - t0)) s"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")" 409 "late approve refused"
expect_match "$(curl -fsS "$URL/checkout/$REF/status")" '"status":"expired"' "status expired"
echo ok
