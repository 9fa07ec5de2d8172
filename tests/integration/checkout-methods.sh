# Payment methods per currency on the storefront: the product page offers
# the methods that can take its price (a phone prompt, a card), a price no
# configured method takes is "not on sale" (no form, and a forged POST is
# refused without an order), and a method the form names must take it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"

# seed_usd: a published USD download beside the KES ones.
seed_usd() {
	DB "INSERT INTO products(id, creator_id, slug, kind, title, price_minor,
	  currency, status, created_at, updated_at, published_at) VALUES
	  (9, 1, 'usd-song', 'download', 'Dollar song', 500, 'USD', 'published',
	  0, 0, 1);"
}
orders() { DB "SELECT count(*) FROM orders"; }
stop_storefront() { kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true; }

# 1. M-Pesa only: KES is on sale with the phone button; USD is not.
SECRET=cb-secret-0123456789abcdef
start_fake_daraja
export NYOTA_PAYMENTS=mpesa NYOTA_MPESA_BASE_URL=$FAKE NYOTA_MPESA_CONSUMER_KEY=ck \
	NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
	NYOTA_MPESA_PASSKEY=passkey123 NYOTA_MPESA_CALLBACK_SECRET=$SECRET
start_storefront
seed_catalog
seed_usd
csrf_init
page=$(curl -fsS "$URL/p/song")
expect_match "$page" 'name="method" value="mpesa"' "KES: the phone button"
if printf '%s' "$page" | grep -q 'value="stripe"'; then fail "card offered without stripe"; fi
page=$(curl -fsS "$URL/p/usd-song")
expect_match "$page" 'Not on sale right now' "USD under mpesa: not on sale"
if printf '%s' "$page" | grep -q '<form class="checkout"'; then fail "USD under mpesa: a checkout form"; fi
expect_match "$(curl -fsS "$URL/p/usd-song?lang=sw")" 'Hakiuzwi kwa sasa' "not on sale, in Swahili"
before=$(orders)
set -- $(checkout usd-song 0712345678)
expect_eq "$1" 422 "USD under mpesa: the POST is refused"
expect_match "$(cat "$T/co-body")" 'cannot take this price' "the refusal says why"
set -- $(checkout song 0712345678 1 --data-urlencode method=stripe)
expect_eq "$1" 422 "method=stripe when stripe is off"
set -- $(checkout song 0712345678 1 --data-urlencode method=paypal)
expect_eq "$1" 422 "an unknown method"
expect_eq "$(orders)" "$before" "no order made by refused POSTs"
set -- $(checkout song 0712345678 1 --data-urlencode method=mpesa)
expect_eq "$1" 303 "KES with the phone button"
expect_eq "$(DB "SELECT provider FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$2'")" mpesa "an mpesa payment"
stop_storefront

# 2. sim and stripe: the simulator takes every currency, so USD gets both
# buttons; the CSP lets the form's answer lead to the card page.
export NYOTA_PAYMENTS=sim,stripe NYOTA_STRIPE_SECRET_KEY=sk_test_x \
	NYOTA_STRIPE_WEBHOOK_SECRET=whsec_x NYOTA_STRIPE_API_URL=http://127.0.0.1:9
start_storefront
page=$(curl -fsS "$URL/p/usd-song")
expect_match "$page" 'value="mpesa"' "sim: the phone button"
expect_match "$page" 'name="method" value="stripe"' "stripe: the card button"
expect_match "$(curl -fsSI "$URL/p/song")" "form-action 'self' https://checkout.stripe.com http://127.0.0.1:9;" "CSP form-action allows the card page"
# Stripe unreachable: a clear message, and the order is not left pending.
csrf_init
set -- $(checkout usd-song 0712345679 1 --data-urlencode method=stripe)
expect_eq "$1" 503 "card page cannot be made: 503"
expect_match "$(cat "$T/co-body")" 'Card payments are not available right now' "the buyer is told"
# (the M-Pesa order of part 1 is still pending: only this buyer's count)
expect_eq "$(DB "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.phone = '254712345679' AND o.status = 'pending'")" 0 "no order left pending"
expect_eq "$(DB "SELECT o.failure FROM orders o JOIN payments y ON y.order_id = o.id WHERE y.provider = 'stripe'")" push_failed "the card order failed"
stop_storefront
echo ok
