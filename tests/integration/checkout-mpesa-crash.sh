# Daraja push sent, storefront gone before it recorded the reply: never a
# second prompt, and the callback of the first push is adopted so the
# buyer who approves gets the goods exactly once.
#  1. NYOTA_TEST_CRASH_AFTER_PUSH=1 (test-only hook, storefront/worker-pay.h)
#     makes the storefront _exit() right after Daraja's reply is read and
#     before it is committed; restart; the success callback for the first
#     CheckoutRequestID → paid once, one push, one entitlement, one receipt.
#  2. kill -9 while the fake Daraja holds the push reply (/_ctl/push_delay):
#     same outcome.
#  3. A lost push nobody answers: not pushed again, expires on time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
SECRET=cb-secret-0123456789abcdef
start_fake_daraja
export NYOTA_PAYMENTS=mpesa NYOTA_MPESA_BASE_URL=$FAKE NYOTA_MPESA_CONSUMER_KEY=ck \
	NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
	NYOTA_MPESA_PASSKEY=passkey123 NYOTA_MPESA_CALLBACK_SECRET=$SECRET

ctl() { curl -fsS -H 'Content-Type: application/json' -d "$2" "$FAKE/_ctl/$1"; }
pushes() { curl -fsS "$FAKE/_ctl/stats" | sed 's/.*"push": \([0-9]*\).*/\1/'; }
# last_push: the CheckoutRequestID of the newest push the fake accepted.
last_push() { curl -fsS "$FAKE/_ctl/pushes" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])'; }
pay() { DB "SELECT y.status || '|' || coalesce(y.provider_ref, '') || '|' || (y.push_started_at IS NOT NULL) FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1'"; }
# wait_dead: until the storefront process has gone.
wait_dead() {
	for _ in $(seq 1 600); do
		kill -0 "$SF_PID" 2>/dev/null || { wait "$SF_PID" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	fail "storefront did not die"
}
granted() {
	expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$1'")" 1 "one entitlement for $1"
	expect_eq "$(DB "SELECT count(*) FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$1' AND m.kind = 'receipt'")" 1 "one receipt for $1"
	expect_eq "$(DB "SELECT count(*) FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1' AND y.status = 'paid'")" 1 "paid once: $1"
}

# ---- 1. fault hook: exit after Daraja's reply, before the commit --------
NYOTA_TEST_CRASH_AFTER_PUSH=1 start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345701"); R=$2
expect_eq "$1" 303 "checkout accepted"
wait_dead
expect_eq "$(pushes)" 1 "Daraja got the push"
ID=$(last_push)
expect_eq "$(pay "$R")" "new||1" "intent recorded, reply lost"
start_storefront
sleep 1.5	# the restarted worker must NOT push again
expect_eq "$(pushes)" 1 "no second push after restart"
expect_eq "$(pay "$R")" "new||1" "waiting for the first push's callback"
CB="$URL/payments/mpesa/callback/$SECRET"
expect_eq "$(ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKCRASH001\",\"url\":\"$CB\"}")" '{"statuses": [200]}' "callback accepted"
wait_status "$R" paid 600
expect_eq "$(DB "SELECT provider_ref || ' ' || receipt FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$R'")" "$ID QKCRASH001" "adopted the first push"
# Daraja retries its callback: nothing twice.
ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKCRASH001\",\"times\":2,\"url\":\"$CB\"}" >/dev/null
sleep 0.5
granted "$R"
expect_eq "$(pushes)" 1 "exactly one push"
expect_eq "$(DB "SELECT count(*) FROM audit_log WHERE action = 'payment.callback.review'")" 0 "nothing for manual review"

# ---- 2. kill -9 while Daraja is answering the push ----------------------
ctl push_delay '{"ms":3000}' >/dev/null
set -- $(checkout song "0712345702"); R=$2
for _ in $(seq 1 600); do [ "$(pushes)" = 2 ] && break; sleep 0.05; done
expect_eq "$(pushes)" 2 "second order pushed"
ID=$(last_push)
kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
ctl push_delay '{"ms":0}' >/dev/null
expect_eq "$(pay "$R")" "new||1" "killed before the reply was recorded"
start_storefront
csrf_init
sleep 1.5
expect_eq "$(pushes)" 2 "no second push after kill -9"
CB="$URL/payments/mpesa/callback/$SECRET"
ctl callback "{\"id\":\"$ID\",\"code\":0,\"receipt\":\"QKCRASH002\",\"url\":\"$CB\"}" >/dev/null
wait_status "$R" paid 600
granted "$R"

# A failure callback for an unknown push carries no metadata: only logged.
before=$(DB "SELECT group_concat(status) FROM payments")
ctl callback "{\"raw\":\"{\\\"Body\\\":{\\\"stkCallback\\\":{\\\"CheckoutRequestID\\\":\\\"ws_CO_gone\\\",\\\"ResultCode\\\":1032}}}\",\"url\":\"$CB\"}" >/dev/null
expect_eq "$(DB "SELECT group_concat(status) FROM payments")" "$before" "unknown failure changes nothing"
# A success for an unknown push nobody waits for: kept for manual review,
# the phone masked.
ctl callback "{\"raw\":\"{\\\"Body\\\":{\\\"stkCallback\\\":{\\\"CheckoutRequestID\\\":\\\"ws_CO_stray\\\",\\\"ResultCode\\\":0,\\\"CallbackMetadata\\\":{\\\"Item\\\":[{\\\"Name\\\":\\\"Amount\\\",\\\"Value\\\":500},{\\\"Name\\\":\\\"MpesaReceiptNumber\\\",\\\"Value\\\":\\\"QKSTRAY001\\\"},{\\\"Name\\\":\\\"PhoneNumber\\\",\\\"Value\\\":254712345799}]}}}}\",\"url\":\"$CB\"}" >/dev/null
expect_eq "$(DB "SELECT count(*) FROM audit_log WHERE action = 'payment.callback.review' AND detail LIKE '%QKSTRAY001%' AND detail LIKE '%***799%' AND detail NOT LIKE '%254712345799%'")" 1 "stray success kept for review"
expect_eq "$(DB "SELECT group_concat(status) FROM payments")" "$before" "stray success changes nothing"

# ---- 3. a lost push nobody answers: waits, then expires -----------------
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
export NYOTA_PAY_TIMEOUT_S=3
NYOTA_TEST_CRASH_AFTER_PUSH=1 start_storefront
csrf_init
set -- $(checkout song "0712345703"); R=$2
wait_dead
expect_eq "$(pushes)" 3 "third push sent"
start_storefront
wait_status "$R" expired 600
expect_eq "$(pushes)" 3 "never pushed again"
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$R'")" 0 "nothing granted"
# The buyer may start a new checkout: a fresh push (a new form; the same
# form submitted again would name the same order).
csrf_init
set -- $(checkout song "0712345703"); R2=$2
expect_eq "$1" 303 "new checkout after expiry"
[ "$R2" != "$R" ] || fail "a new order"
for _ in $(seq 1 600); do [ "$(pushes)" = 4 ] && break; sleep 0.05; done
expect_eq "$(pushes)" 4 "new checkout pushed"
echo ok
