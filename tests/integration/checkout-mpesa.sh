# Daraja against tests/fake-daraja.py: OAuth, push with the exact fields,
# callbacks confirmed by the query API: success, duplicate callback x3,
# every failure code, callback before the query agrees, unknown
# CheckoutRequestID, amount mismatch, malformed JSON, wrong secret, and
# Daraja down (retried with backoff until it is back).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
SECRET=cb-secret-0123456789abcdef
start_fake_daraja
export NYOTA_PAYMENTS=mpesa NYOTA_MPESA_BASE_URL=$FAKE NYOTA_MPESA_CONSUMER_KEY=ck \
	NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
	NYOTA_MPESA_PASSKEY=passkey123 NYOTA_MPESA_CALLBACK_SECRET=$SECRET
start_storefront
seed_catalog
csrf_init

# The simulated handset exists only with NYOTA_PAYMENTS=sim.
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/sim/phone?phone=0712345678")" 404 "no handset with mpesa"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/x")" 404 "no sim answers with mpesa"

ctl() { curl -fsS -H 'Content-Type: application/json' -d "$2" "$FAKE/_ctl/$1"; }
# push_id REF: the CheckoutRequestID of the order's push (waits for it).
push_id() {
	local i id
	for i in $(seq 1 600); do
		id=$(DB "SELECT coalesce(y.provider_ref, '') FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1'")
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1
	done
	fail "no push for $1"
}
reason() { DB "SELECT coalesce(failure, '') FROM orders WHERE ref = '$1'"; }
# pay_col ID COLUMN: one column of the payment pushed as ID.
pay_col() { DB "SELECT coalesce($2, '') FROM payments WHERE provider_ref = '$1'"; }
# postponed ID: the worker has put the payment off to a later second (after
# asking the query API and hearing "still waiting"); a payment a callback
# woke waits at next_attempt_at 0, one just pushed at the push's second.
postponed() { [ "$(DB "SELECT next_attempt_at > strftime('%s', 'now') FROM payments WHERE provider_ref = '$1'")" = 1 ]; }

# Success, callback delivered three times: paid once.
set -- $(checkout song "0712345601"); R=$2
ID=$(push_id "$R")
pushes=$(curl -fsS "$FAKE/_ctl/pushes")
expect_match "$pushes" '"amount": 500' "amount in whole shillings"
expect_match "$pushes" '"phone": "254712345601"' "E.164 phone"
sse_open "$R" "$T/sse"
out=$(ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKA1B2C3D4\",\"times\":3}")
expect_eq "$out" '{"statuses": [200, 200, 200]}' "callbacks answered 200"
wait_status "$R" paid 600
wait "$SSE_PID" || true
expect_match "$(cat "$T/sse")" '"status":"paid"' "paid over SSE"
expect_eq "$(DB "SELECT receipt FROM payments WHERE provider_ref = '$ID'")" QKA1B2C3D4 "receipt"
expect_match "$(DB "SELECT raw_callback FROM payments WHERE provider_ref = '$ID'")" 'QKA1B2C3D4' "raw callback kept"
# Two more after it was paid: the handler does all it does (keep a
# receipt, or nothing) before it answers, so the answers are the marker.
out=$(ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKA1B2C3D4\",\"times\":2}")
expect_eq "$out" '{"statuses": [200, 200]}' "late duplicates answered 200"
expect_eq "$(pay_col "$ID" receipt)" QKA1B2C3D4 "receipt unchanged"
expect_eq "$(DB 'SELECT count(*) FROM entitlements')" 1 "granted once"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE kind = 'receipt'")" 1 "one receipt"

# Every failure code, each mapped to its reason.
n=10
for pair in 1:insufficient_funds:failed 1032:cancelled:failed \
    1037:unreachable:failed 2001:wrong_pin:failed 1001:busy:failed \
    1019:expired:expired; do
	code=${pair%%:*}; rest=${pair#*:}; want=${rest%%:*}; st=${rest#*:}
	n=$((n + 1))
	set -- $(checkout song "07123456$n"); R=$2
	ID=$(push_id "$R")
	ctl callback "{\"id\":\"$ID\",\"code\":$code}" >/dev/null
	wait_status "$R" "$st" 600
	expect_eq "$(reason "$R")" "$want" "reason for $code"
done
expect_match "$(curl -fsS -H 'Accept-Language: sw' "$URL/checkout/$R")" 'Muda wa ombi' "Swahili reason"

# Callback before the query agrees: nothing granted until it does. The
# kept callback wakes the payment (next_attempt_at 0); only once the
# worker has asked the query API again after it (one more query, and
# the payment put off again) does "still pending" mean anything. Its
# first query after the push goes first, so that it cannot be taken for
# that one.
set -- $(checkout song "0712345621"); R=$2
ID=$(push_id "$R")
wait_until 30 "first query for $R" postponed "$ID"
q=$(fake_stat query)
ctl callback "{\"id\":\"$ID\",\"code\":0,\"query\":false}" >/dev/null
expect_match "$(pay_col "$ID" raw_callback)" "$ID" "callback kept"
wait_until 30 "query after the callback for $R" \
	eval '[ "$(fake_stat query)" -gt "$q" ] && postponed "$ID"'
expect_match "$(curl -fsS "$URL/checkout/$R/status")" '"status":"pending"' "not paid before the query agrees"
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$R'")" 0 "nothing granted before the query agrees"
ctl query "{\"id\":\"$ID\",\"code\":0}" >/dev/null
wait_status "$R" paid 600

# The query says paid before any callback (the worker asks on its own):
# the callback that follows still leaves its receipt, nothing twice.
set -- $(checkout song "0712345627"); R=$2
ID=$(push_id "$R")
ctl query "{\"id\":\"$ID\",\"code\":0}" >/dev/null
wait_status "$R" paid 600
expect_eq "$(DB "SELECT coalesce(receipt, '') FROM payments WHERE provider_ref = '$ID'")" "" "no receipt from the query"
ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKQFIRST01\",\"times\":2}" >/dev/null
expect_eq "$(DB "SELECT receipt FROM payments WHERE provider_ref = '$ID'")" QKQFIRST01 "receipt from a callback after the query"
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$R'")" 1 "granted once"

# Amount mismatch: the money is recorded, nothing is granted.
set -- $(checkout song "0712345622"); R=$2
ID=$(push_id "$R")
ctl callback "{\"id\":\"$ID\",\"code\":0,\"amount\":1}" >/dev/null
wait_status "$R" failed 600
expect_eq "$(reason "$R")" amount_mismatch "amount mismatch"

# Unknown CheckoutRequestID, malformed JSON, wrong secret.
before=$(DB "SELECT group_concat(status) FROM orders")
out=$(ctl callback "{\"raw\":\"{\\\"Body\\\":{\\\"stkCallback\\\":{\\\"CheckoutRequestID\\\":\\\"ws_CO_nope\\\",\\\"ResultCode\\\":0}}}\",\"url\":\"$URL/payments/mpesa/callback/$SECRET\"}")
expect_eq "$out" '{"statuses": [200]}' "unknown id accepted"
code=$(curl -s -o /dev/null -w '%{http_code}' -d '{"Body":' "$URL/payments/mpesa/callback/$SECRET")
expect_eq "$code" 400 "malformed json"
code=$(curl -s -o /dev/null -w '%{http_code}' -d '{}' "$URL/payments/mpesa/callback/wrong")
expect_eq "$code" 404 "wrong secret"
expect_eq "$(DB "SELECT group_concat(status) FROM orders")" "$before" "nothing changed"

# Daraja down: the push is retried with backoff until Daraja is back.
ctl down '{"down":true}' >/dev/null
set -- $(checkout song "0712345623"); R=$2
for _ in $(seq 1 300); do
	[ "$(fake_stat push_down)" -ge 2 ] && break
	sleep 0.1
done
expect_match "$(curl -fsS "$FAKE/_ctl/stats")" '"push_down": [2-9]' "push retried while down"
ctl down '{"down":false}' >/dev/null
ID=$(push_id "$R")
ctl callback "{\"id\":\"$ID\",\"code\":0}" >/dev/null
wait_status "$R" paid 600
expect_match "$(curl -fsS "$FAKE/_ctl/stats")" '"oauth": 1,' "token cached"

# A success that arrives after our own timeout: the query confirms it, so
# the buyer gets the goods (money taken means goods given).
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
# Short, but long enough that a loaded machine pushes before it expires.
export NYOTA_PAY_TIMEOUT_S=5
start_storefront
set -- $(checkout song "0712345624"); R=$2
ID=$(push_id "$R")
wait_status "$R" expired 600
ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKLATE0001\"}" >/dev/null
wait_status "$R" paid 600
expect_eq "$(DB "SELECT receipt FROM payments WHERE provider_ref = '$ID'")" QKLATE0001 "late receipt"
# A late failure for an expired order changes nothing. The kept callback
# wakes the payment (next_attempt_at 0); the worker asks the query API
# once and, told it failed, puts the payment back to rest (-1): that is
# the marker, and then the order is still expired.
set -- $(checkout song "0712345625"); R=$2
ID=$(push_id "$R")
wait_status "$R" expired 600
q=$(fake_stat query)
ctl callback "{\"id\":\"$ID\",\"code\":1032}" >/dev/null
expect_match "$(pay_col "$ID" raw_callback)" "$ID" "late callback kept"
wait_until 30 "late callback for $R handled" \
	eval '[ "$(pay_col "$ID" next_attempt_at)" = -1 ]'
expect_match "$(curl -fsS "$URL/checkout/$R/status")" '"status":"expired"' "late failure ignored"
expect_eq "$(fake_stat query)" $((q + 1)) "late callback handled once"

# kill -9 with Daraja payments in flight: the answers come while we are
# down (the callbacks are lost), the restarted worker asks the query API
# and ends every order final; a duplicate callback after that grants
# nothing twice.
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
export NYOTA_PAY_TIMEOUT_S=120
start_storefront
set -- $(checkout song "0712345631"); A=$2
set -- $(checkout song "0712345632"); B=$2
set -- $(checkout gig "0712345633" 1); C=$2
IA=$(push_id "$A"); IB=$(push_id "$B"); IC=$(push_id "$C")
kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
ctl query "{\"id\":\"$IA\",\"code\":0}" >/dev/null
ctl query "{\"id\":\"$IB\",\"code\":1032}" >/dev/null
ctl query "{\"id\":\"$IC\",\"code\":0}" >/dev/null
expect_eq "$(DB "SELECT count(*) FROM orders WHERE ref IN ('$A', '$B', '$C') AND status = 'pending'")" 3 "in flight when killed"
start_storefront
wait_status "$A" paid 600
wait_status "$B" failed 600
wait_status "$C" paid 600
expect_eq "$(reason "$B")" cancelled "cancelled while we were down"
# (the restarted storefront listens on a new port: post to it)
CB="$URL/payments/mpesa/callback/$SECRET"
expect_eq "$(ctl callback "{\"id\":\"$IA\",\"code\":0,\"times\":2,\"url\":\"$CB\"}")" '{"statuses": [200, 200]}' "duplicate callbacks after restart"
expect_eq "$(ctl callback "{\"id\":\"$IC\",\"code\":0,\"url\":\"$CB\"}")" '{"statuses": [200]}' "late callback after restart"
# Paid by the query (no receipt) while we were down: the first callback
# for each leaves its receipt, in the request that answered 200.
expect_eq "$(DB "SELECT count(receipt) FROM payments WHERE provider_ref IN ('$IA', '$IC')")" 2 "receipts from the late callbacks"
for r in "$A" "$C"; do
	expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$r'")" 1 "one entitlement for $r"
	expect_eq "$(DB "SELECT count(*) FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$r' AND m.kind = 'receipt'")" 1 "one receipt for $r"
done
expect_eq "$(DB "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE o.ref = '$C'")" 1 "one ticket"
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'pending'")" 0 "nothing left pending"
echo ok
