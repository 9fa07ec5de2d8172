# Card checkout through Stripe Checkout against tests/fake-stripe.py:
# checkout with method=stripe → 303 to the fake's session page, paid,
# webhook, SSE "paid", WhatsApp receipt, library; webhooks duplicated,
# out of order, unsigned, badly signed, stale or from the future → one
# grant, 400s; the session expired → the order expires, its seat is back;
# amount and currency mismatch → not granted, kept for review; Stripe down
# while the session is made → a clear message, no order left pending; an
# answer lost once → the same session; kill -9 after the session was made
# (recorded or not, the base URL kept or changed) → the order settles
# after the restart; a refund in Stripe's dashboard → access ends, once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"

# start_fake_stripe: tests/fake-stripe.py on a port it picks itself; sets
# FAKE.
start_fake_stripe() {
	local pid
	python3 "$NYOTA_SRC/tests/fake-stripe.py" 0 sk_test_it whsec_it_secret \
		> "$T/fake.log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	for _ in $(seq 1 300); do
		[ -s "$T/fake.port" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$T/fake.log" >&2; fail "fake Stripe died"; }
		sleep 0.1
	done
	FAKE="http://127.0.0.1:$(cat "$T/fake.port")"
	curl -fs "$FAKE/_ctl/stats" >/dev/null || fail "fake Stripe did not start"
}
export FAKE_STRIPE_PORT_FILE="$T/fake.port"
start_fake_stripe

ctl() { curl -fsS -H 'Content-Type: application/json' -d "$2" "$FAKE/_ctl/$1"; }
stat_of() { curl -fsS "$FAKE/_ctl/stats" | sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p"; }
# session_request: "Idempotency-Key auth body" of the last session made.
session_request() {
	curl -fsS "$FAKE/_ctl/requests" | python3 -c '
import json, sys
r = [q for q in json.load(sys.stdin) if q["path"] == "/v1/checkout/sessions"][-1]
print(r["headers"].get("Idempotency-Key"), r["auth"], r["body"])'
}

export NYOTA_PAYMENTS=stripe NYOTA_STRIPE_API_URL=$FAKE \
	NYOTA_STRIPE_SECRET_KEY=sk_test_it NYOTA_STRIPE_WEBHOOK_SECRET=whsec_it_secret
# (re)start: the storefront, and the fake's webhooks pointed at it. Each
# start gets a new port; the links sent to Stripe keep the first one's
# base URL (BASE), as a shop's public address stays across restarts:
# a repeated push must send the very same parameters. restart_moved
# starts it under a new base URL instead (a changed configuration).
# The log of each run before is kept in storefront.log.before
# (start_storefront starts a new one), for the check that no secret was
# ever logged.
keep_log() { cat "$T/storefront.log" >> "$T/storefront.log.before" 2>/dev/null || true; }
restart() {
	keep_log
	start_storefront ${BASE:+--base-url=$BASE}
	ctl webhook "{\"url\":\"$URL/payments/stripe/webhook\"}" >/dev/null
}
restart_moved() {
	keep_log
	start_storefront
	ctl webhook "{\"url\":\"$URL/payments/stripe/webhook\"}" >/dev/null
}
restart
BASE=$URL
seed_catalog
DB "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,
  currency, status, created_at, updated_at, published_at) VALUES
  (4, 1, 'usd-song', 'download', 'A dollar song', 1250, 'USD', 'published', 0, 0, 1);"
csrf_init

# card SLUG PHONE: a card checkout; sets CODE, LOC (where it redirects),
# SID (the session) and R (the order) when it went to the fake's page.
card() {
	local out
	out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/co-body" -w '%{http_code} %{redirect_url}' \
		--data-urlencode "csrf=$CSRF" --data-urlencode "phone=$2" \
		--data-urlencode "quantity=1" --data-urlencode "method=stripe" \
		"$URL/p/$1/checkout")
	CODE=${out%% *}
	LOC=${out#* }
	SID=""
	R=""
	case $LOC in
	"$FAKE"/pay/cs_*)
		SID=${LOC##*/}
		R=$(DB "SELECT o.ref FROM orders o JOIN payments y ON y.order_id = o.id WHERE y.provider_ref = '$SID'")
		;;
	esac
}
reason() { DB "SELECT coalesce(failure, '') FROM orders WHERE ref = '$1'"; }
# review REF: the audit entries that keep a mismatched payment for review.
review() { DB "SELECT count(*) FROM audit_log WHERE action = 'payment.review' AND detail LIKE 'order=' || (SELECT id FROM orders WHERE ref = '$1') || ' %'"; }
granted() { DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$1'"; }
receipts() { DB "SELECT count(*) FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$1' AND m.kind = 'receipt'"; }

# ---- end to end ---------------------------------------------------------
card song "0712345601"
expect_eq "$CODE" 303 "card checkout redirects"
expect_match "$LOC" "^$FAKE/pay/cs_test_[0-9a-f]+\$" "to the fake's session page"
[ -n "$R" ] || fail "session $SID recorded on no order"
expect_eq "$(DB "SELECT status FROM orders WHERE ref = '$R'")" pending "order pending"
req=$(session_request)
expect_match "$req" "^nyota-cs-$R True " "idempotency key and secret key"
expect_match "$req" "client_reference_id=$R" "order ref sent"
expect_match "$req" "unit_amount%5D=50000" "amount in Stripe's units"
expect_match "$req" "success_url=http%3A%2F%2F127.0.0.1%3A$PORT%2Fcheckout%2F$R" "success URL"
printf '%s' "$req" | grep -q 712345601 && fail "the buyer's phone went to Stripe"
# The buyer's page on the fake shows the product.
expect_match "$(curl -fsS "$LOC")" 'A song' "hosted page"
# The form sent again: back to the same session, no second one.
n=$(stat_of session_create)
card song "0712345601"
expect_eq "$CODE $LOC" "303 $FAKE/pay/$SID" "same form, same session"
expect_eq "$(stat_of session_create)" "$n" "no second session"
sse_open "$R" "$T/sse"
# The buyer pays on the hosted page (as a browser would): 303 back to us.
out=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -d 'card=4242 4242 4242 4242' "$LOC")
expect_eq "$out" "303 $URL/checkout/$R?paid=card" "back to the order page"
wait_status "$R" paid 600
wait "$SSE_PID" || true
expect_match "$(cat "$T/sse")" '"status":"paid"' "paid over SSE"
expect_match "$(DB "SELECT receipt || ' ' || card_brand || ' ' || card_last4 FROM payments WHERE provider_ref = '$SID'")" \
	'^pi_[0-9a-f]+ visa 4242$' "receipt and card kept"
expect_match "$(curl -fsS -H 'Accept-Language: en' "$URL/checkout/$R?paid=card")" 'A song' "order page after paying"
lib=""
for _ in $(seq 1 300); do
	lib=$(grep '"to":"254712345601"' "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null | grep '"kind":"receipt"' | tail -1 || true)
	[ -n "$lib" ] && break
	sleep 0.1
done
expect_match "$lib" '"kind":"receipt"' "WhatsApp receipt"
lib_url=$(printf '%s' "$lib" | python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')
expect_match "$(curl -fsS "$lib_url?lang=en")" 'A song' "library has the item"
expect_eq "$(granted "$R")" 1 "granted once"

# ---- webhooks: duplicated, out of order, unsigned, stale ------------------
card song "0712345602"
[ -n "$R" ] || fail "no session"
# An "expired" event for this session arrives first (out of order, and
# claiming what is not so): the session is asked, it is still open.
out=$(ctl event "{\"type\":\"checkout.session.expired\",\"id\":\"$SID\",\"object\":{\"status\":\"expired\"}}")
expect_match "$out" '"statuses": \[200\]' "early expired event accepted"
ctl pay "{\"id\":\"$SID\",\"webhook\":false}" >/dev/null
for sign in none bad stale future; do
	out=$(ctl event "{\"type\":\"checkout.session.completed\",\"id\":\"$SID\",\"sign\":\"$sign\",\"event_id\":\"evt_bad_$sign\"}")
	expect_match "$out" '"statuses": \[400\]' "$sign signature refused"
done
expect_eq "$(DB "SELECT count(*) FROM webhook_events WHERE id LIKE 'evt_bad_%'")" 0 "refused events not recorded"
out=$(ctl event "{\"type\":\"checkout.session.completed\",\"id\":\"$SID\",\"times\":3,\"event_id\":\"evt_dup_1\"}")
expect_match "$out" '"statuses": \[200, 200, 200\]' "duplicates answered 200"
wait_status "$R" paid 600
# Two signatures, one right (secret rotation), a fresh event id.
out=$(ctl event "{\"type\":\"checkout.session.completed\",\"id\":\"$SID\",\"sign\":\"two\"}")
expect_match "$out" '"statuses": \[200\]' "two v1, one right"
# A late "expired" after it was paid changes nothing.
ctl event "{\"type\":\"checkout.session.expired\",\"id\":\"$SID\",\"object\":{\"status\":\"expired\"}}" >/dev/null
sleep 1
expect_match "$(curl -fsS "$URL/checkout/$R/status")" '"status":"paid"' "still paid"
expect_eq "$(granted "$R")" 1 "one grant"
expect_eq "$(receipts "$R")" 1 "one receipt"
expect_eq "$(DB "SELECT count(*) FROM webhook_events WHERE id = 'evt_dup_1'")" 1 "event applied once"
# Unsigned "paid" for an unpaid session: refused, nothing happens.
card song "0712345603"
out=$(ctl event "{\"type\":\"checkout.session.completed\",\"id\":\"$SID\",\"sign\":\"none\",\"object\":{\"status\":\"complete\",\"payment_status\":\"paid\"}}")
expect_match "$out" '"statuses": \[400\]' "forged event refused"
# A signed one that lies is no better: the session says open.
out=$(ctl event "{\"type\":\"checkout.session.completed\",\"id\":\"$SID\",\"object\":{\"status\":\"complete\",\"payment_status\":\"paid\"}}")
expect_match "$out" '"statuses": \[200\]' "lying event accepted"
sleep 1.5
expect_match "$(curl -fsS "$URL/checkout/$R/status")" '"status":"pending"' "not paid on a lying event"
expect_eq "$(granted "$R")" 0 "nothing granted"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Stripe-Signature: t=1,v1=00' -d '{}' "$URL/payments/stripe/webhook")
expect_eq "$code" 400 "garbage signature"

# ---- the session expires at Stripe: the order expires, its seat is back ---
card gig "0712345611"
[ -n "$R" ] || fail "no session for the ticket"
expect_eq "$(DB "SELECT count(*) FROM reservations y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$R'")" 1 "a seat held"
out=$(ctl expire "{\"id\":\"$SID\"}")
expect_match "$out" '"statuses": \[200\]' "expired event accepted"
wait_status "$R" expired 600
expect_eq "$(DB "SELECT count(*) FROM reservations y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$R'")" 0 "the seat is back"
expect_eq "$(granted "$R")" 0 "nothing granted"

# ---- amount and currency mismatch -----------------------------------------
card song "0712345604"
ctl pay "{\"id\":\"$SID\",\"amount\":100}" >/dev/null
wait_status "$R" failed 600
expect_eq "$(reason "$R")" amount_mismatch "amount mismatch"
expect_eq "$(granted "$R")" 0 "mismatch not granted"
expect_eq "$(review "$R")" 1 "mismatch kept for review"
card usd-song "0712345605"
expect_match "$(session_request)" 'currency%5D=usd&.*unit_amount%5D=1250' "USD in cents"
ctl pay "{\"id\":\"$SID\",\"currency\":\"kes\"}" >/dev/null
wait_status "$R" failed 600
expect_eq "$(reason "$R")" amount_mismatch "currency mismatch"
expect_eq "$(granted "$R")" 0 "currency mismatch not granted"
expect_eq "$(review "$R")" 1 "currency mismatch kept for review"

# ---- Stripe down while the session is made ----------------------------------
ctl down '{"mode":"503"}' >/dev/null
card song "0712345606"
expect_eq "$CODE" 503 "Stripe down: the form again"
expect_match "$(cat "$T/co-body")" 'Card payments are not available right now' "clear message"
expect_eq "$(DB "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.phone = '254712345606' AND o.status = 'pending'")" 0 "no order left pending"
ctl down '{"mode":"off"}' >/dev/null
# The answer lost once (the session was made): the push is repeated and
# Stripe answers with the same session.
ctl down '{"mode":"hang_after","seconds":0,"times":1}' >/dev/null
n=$(stat_of session_create)
card song "0712345607"
expect_eq "$CODE" 303 "lost answer: repeated"
[ -n "$R" ] || fail "lost answer: no order for $LOC"
expect_eq "$(stat_of session_create)" $((n + 1)) "one session made"
expect_match "$(curl -fsS "$FAKE/_ctl/stats")" '"session_replay": [1-9]' "the repeat was a replay"

# ---- kill -9 between the session and the webhook ---------------------------
card song "0712345608"
A=$R; SA=$SID
kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
out=$(ctl pay "{\"id\":\"$SA\"}")
expect_match "$out" '"statuses": \[0\]' "webhook lost while we were down"
restart
wait_status "$A" paid 600
expect_eq "$(granted "$A")" 1 "granted after the restart"

# kill_in_push PHONE: a card checkout killed (-9) while Stripe makes its
# session, whose answer never comes back; sets O (the order) and S (the
# session Stripe made for it).
kill_in_push() {
	local n
	n=$(stat_of session_create)
	ctl down '{"mode":"hang_after","seconds":30,"times":1}' >/dev/null
	curl -s -o /dev/null -b "$JAR" --max-time 60 --data-urlencode "csrf=$CSRF" \
		--data-urlencode "phone=$1" --data-urlencode "quantity=1" \
		--data-urlencode "method=stripe" "$URL/p/song/checkout" &
	CO_PID=$!
	O=""
	for _ in $(seq 1 300); do
		O=$(DB "SELECT o.ref FROM orders o JOIN customers c ON c.id = o.customer_id JOIN payments y ON y.order_id = o.id WHERE c.phone = '254${1#0}' AND y.push_started_at IS NOT NULL")
		[ -n "$O" ] && [ "$(stat_of session_create)" -gt "$n" ] && break
		sleep 0.1
	done
	[ -n "$O" ] || fail "the session was never asked for"
	kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
	wait "$CO_PID" 2>/dev/null || true
	expect_eq "$(DB "SELECT coalesce(provider_ref, '') FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$O'")" "" "session id not recorded"
	S=$(curl -fsS "$FAKE/_ctl/sessions" | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if s['client_reference_id'] == '$O'][0])")
}

# Killed while Stripe was making the session (its id never recorded), and
# the buyer pays, but that webhook is lost too: after the restart the
# push is repeated once the request is surely over (same key, same
# parameters: the same session) and the payment settles.
kill_in_push 0712345609
B=$O; SB=$S
r=$(stat_of session_replay)
restart
ctl pay "{\"id\":\"$SB\",\"webhook\":false}" >/dev/null
wait_status "$B" paid 900
expect_eq "$(DB "SELECT provider_ref FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$B'")" "$SB" "the same session recorded"
expect_eq "$(stat_of session_replay)" $((r + 1)) "the repeat was answered with the same session"
expect_eq "$(granted "$B")" 1 "granted once"

# The same, but the storefront comes back under another base URL (Stripe
# refuses the repeat: other parameters): the signed webhook names the
# order, its session is recorded from it and the payment settles.
kill_in_push 0712345610
C=$O; SC=$S
restart_moved
out=$(ctl pay "{\"id\":\"$SC\"}")
expect_match "$out" '"statuses": \[200\]' "webhook of the unrecorded session"
wait_status "$C" paid 600
expect_eq "$(DB "SELECT provider_ref FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$C'")" "$SC" "the session recorded from its webhook"
expect_eq "$(granted "$C")" 1 "granted once"
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'pending' AND ref IN ('$A', '$B', '$C')")" 0 "nothing left pending"

# ---- a refund made in Stripe's dashboard: charge.refunded, sent twice ------
refunded() { [ "$(DB "SELECT status FROM orders WHERE ref = '$A'")" = refunded ]; }
out=$(ctl refund "{\"id\":\"$SA\",\"times\":2}")
expect_match "$out" '"statuses": \[200, 200\]' "charge.refunded accepted"
wait_until 30 "order refunded by charge.refunded" refunded
expect_eq "$(DB "SELECT count(*) FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.ref = '$A' AND r.status = 'done'")" 1 "one refund recorded"
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$A' AND e.revoked_at IS NULL")" 0 "access ended"
expect_eq "$(DB "SELECT count(*) FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$A' AND m.kind = 'refund'")" 1 "one refund message"
expect_eq "$(granted "$B")" 1 "another order untouched"

# ---- refunds asked from the console's CLI through Stripe's refunds API ----
# rf REF COLS: columns of the order's refund row.
rf() { DB "SELECT $2 FROM refunds WHERE order_id = (SELECT id FROM orders WHERE ref = '$1')"; }
refund_cli() { RC=0; OUT=$("$NYOTA_BIN/nyota-console" order refund "$1" 2>&1) || RC=$?; }
refund_cli "$B"
expect_eq "$RC" 0 "API refund: exit 0"
expect_eq "$(rf "$B" "status || ' ' || how")" "done api" "API refund done"
expect_match "$(rf "$B" provider_ref)" '^re_' "Stripe's refund id kept"
expect_eq "$(DB "SELECT status FROM orders WHERE ref = '$B'")" refunded "order refunded"
last_key=$(curl -fsS "$FAKE/_ctl/requests" | python3 -c '
import json, sys
print([q for q in json.load(sys.stdin) if q["path"] == "/v1/refunds"][-1]["headers"].get("Idempotency-Key"))')
expect_eq "$last_key" "nyota-re-$(rf "$B" id)-1" "refund idempotency key"
expect_match "$(DB "SELECT body FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$B' AND m.kind = 'refund'")" "to your card" "the card refund message"
# A refund Stripe holds as pending, then fails: the order stays paid and
# may be asked again.
ctl refund_mode '{"status":"pending"}' >/dev/null
refund_cli "$C"
expect_eq "$RC" 0 "pending refund: exit 0"
expect_eq "$(rf "$C" status)" pending "refund pending at Stripe"
expect_eq "$(DB "SELECT status FROM orders WHERE ref = '$C'")" paid "still paid while pending"
out=$(ctl refund "{\"refund\":\"$(rf "$C" provider_ref)\",\"status\":\"failed\"}")
expect_match "$out" '"statuses": \[200\]' "charge.refund.updated accepted"
failed_rf() { [ "$(rf "$C" status)" = failed ]; }
wait_until 30 "refund failed by its event" failed_rf
expect_eq "$(DB "SELECT status FROM orders WHERE ref = '$C'")" paid "failed refund: still paid"
expect_eq "$(granted "$C")" 1 "failed refund: access kept"
ctl refund_mode '{"status":"succeeded"}' >/dev/null
refund_cli "$C"
expect_eq "$RC" 0 "asked again: exit 0"
expect_eq "$(rf "$C" "status || ' ' || attempts")" "done 2" "asked again: done, same row"
grep -q 'sk_test_it\|whsec_it_secret' "$T"/storefront.log* && fail "a secret in the log"
echo ok
