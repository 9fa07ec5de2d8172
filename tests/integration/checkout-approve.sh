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
# The buying browser gets this order's own page, never the phone's
# library link (that goes to the phone on WhatsApp).
expect_match "$sse" '"status":"paid".*"library_url":"http://127\.0\.0\.1:[0-9]+/checkout/'"$REF"'/library"' "paid with the order's url"
printf '%s' "$sse" | grep -q '/l/' && fail "library link in the stream"
st=$(curl -fsS -b "$JAR" "$URL/checkout/$REF/status")
expect_match "$st" '"status":"paid"' "status json"
lib=$(printf '%s' "$st" | sed 's/.*"library_url":"\([^"]*\)".*/\1/')
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$lib")" 200 "order page opens"
# Without the buyer cookie: the status, nothing else.
expect_match "$(curl -fsS "$URL/checkout/$REF/status")" '"library_url":null' "no link without the cookie"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$lib")" 404 "order page needs the cookie"
# Approving again changes nothing; one entitlement, one receipt.
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")" 409 "second approve"
expect_eq "$(DB 'SELECT count(*) FROM entitlements')" 1 "entitlements"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE kind = 'receipt'")" 1 "receipts"
# A double-submitted form gives the same order.
set -- $(checkout song "0712345678")
A=$2
set -- $(checkout song "+254 712 345 678")
expect_eq "$2" "$A" "double submit, same order"
# Free products: no push; the code sent to the phone on WhatsApp grants it.
set -- $(checkout free "0712345670")
FREE=$2
code=$(sent_code 254712345670)
expect_eq "$(curl -fsS "$URL/checkout/$FREE/status" | sed 's/.*"status":"\([a-z]*\)".*/\1/')" pending "free waits for the code"
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d "code=$code" "$URL/checkout/$FREE/confirm")" 303 "code accepted"
wait_status "$FREE" paid 600
# The page after paying links the order's items (for this browser only).
expect_match "$(curl -fsS -b "$JAR" "$URL/checkout/$REF")" 'id="co-library"' "library button"
curl -fsS "$URL/checkout/$REF" | grep -q 'id="co-library"' && fail "library button without the cookie"
echo ok
