# NYOTA_SIM_AUTO=approve: the handset answers by itself after the delay.
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
echo ok
