# NYOTA_SIM_AUTO=approve|decline: the handset answers by itself after the
# delay.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=300
start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345678")
sse_open "$2" "$T/sse"
wait "$SSE_PID" || true
expect_match "$(cat "$T/sse")" '"status":"paid"' "auto approve"
expect_match "$(DB "SELECT receipt FROM payments")" '^SIM' "receipt kept"
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
export NYOTA_SIM_AUTO=decline
start_storefront
csrf_init
set -- $(checkout song "0712345679")
sse_open "$2" "$T/sse2"
wait "$SSE_PID" || true
expect_match "$(cat "$T/sse2")" '"status":"failed","reason":"cancelled"' "auto decline"
echo ok
