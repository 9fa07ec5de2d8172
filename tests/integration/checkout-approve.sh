# Buy, approve on the simulated handset: the SSE stream says paid with the
# library link and closes; the status, the page and the database agree.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
csrf_init

set -- $(checkout song "0712 345 678")
expect_eq "$1" 303 "checkout answer"
REF=$2
expect_match "$(curl -fsS "$URL/checkout/$REF")" 'co-pending|data-status="pending"' "waiting page"
expect_match "$(curl -fsS "$URL/checkout/$REF")" 'http-equiv="refresh"' "no-JS refresh"
expect_match "$(curl -fsS "$URL/checkout/$REF")" '/static/checkout\.[0-9a-f]+\.js' "script file"
sse_open "$REF" "$T/sse"
wait_pushed "$REF"
page=$(curl -fsS "$URL/sim/phone?phone=0712345678")
expect_match "$page" "/sim/stk/$REF" "handset shows the prompt"
code=$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")
expect_eq "$code" 200 "approve"
# The stream ends by itself after the final event.
for _ in $(seq 1 50); do kill -0 "$SSE_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$SSE_PID" 2>/dev/null && fail "SSE stream still open after paid"
sse=$(cat "$T/sse")
expect_match "$sse" 'event: status' "sse event"
expect_match "$sse" '"status":"pending"' "first pending"
expect_match "$sse" '"status":"paid".*"library_url":"http://127\.0\.0\.1:[0-9]+/l/[A-Za-z0-9_-]{43}"' "paid with library url"
st=$(curl -fsS "$URL/checkout/$REF/status")
expect_match "$st" '"status":"paid"' "status json"
lib=$(printf '%s' "$st" | sed 's/.*"library_url":"\([^"]*\)".*/\1/')
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$lib")" 200 "library opens"
# Approving again changes nothing; one entitlement, one receipt.
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")" 409 "second approve"
expect_eq "$(DB 'SELECT count(*) FROM entitlements')" 1 "entitlements"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE kind = 'receipt'")" 1 "receipts"
# A double-submitted form gives the same order.
set -- $(checkout song "0712345678")
A=$2
set -- $(checkout song "+254 712 345 678")
expect_eq "$2" "$A" "double submit, same order"
# Free products are paid at once, no push.
set -- $(checkout free "0712345670")
wait_status "$2" paid 600
# The page after paying links the library.
expect_match "$(curl -fsS "$URL/checkout/$REF")" 'id="co-library"' "library button"
echo ok
