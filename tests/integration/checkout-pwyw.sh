# Pay what you want at checkout (the amount field, JavaScript off): the
# product page proposes the suggested amount with the minimum as min; an
# amount below the minimum is refused (422, in English and in Swahili)
# with what was typed kept; a typed amount is what is charged; a free
# pay-what-you-want product (minimum 0, amount 0) needs the code sent to
# the phone on WhatsApp before anything is in the library, and so does a
# cart whose total is 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
seed_catalog
DB "INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, pwyw, suggested_minor, created_at, updated_at, published_at) VALUES
  (10, 1, 'tip', 'download', 'Tip jar', 10000, 'KES', 'published', 1, 25000, 0, 0, 1),
  (11, 1, 'gift', 'download', 'Gift song', 0, 'KES', 'published', 1, 5000, 0, 0, 1),
  (12, 1, 'zine', 'download', 'Free zine', 0, 'KES', 'published', 1, NULL, 0, 0, 1);"
csrf_init

page=$(curl -fsS "$URL/p/tip?lang=en")
expect_match "$page" 'name="amount" type="number"[^>]*min="100.00"[^>]*value="250.00"' "amount field: min and suggested"
printf '%s' "$(curl -fsS "$URL/p/song?lang=en")" | grep -q 'name="amount"' && fail "fixed price has an amount field"

# Below the minimum: 422, the message, the amount kept; no order.
set -- $(checkout tip 0712000101 1 --data amount=99.99 -H 'Accept-Language: en')
expect_eq "$1" 422 "below the minimum"
body=$(cat "$T/co-body")
expect_match "$body" 'at least the minimum' "below the minimum: why (en)"
expect_match "$body" 'name="amount"[^>]*value="99.99"' "the amount typed is kept"
expect_match "$body" 'aria-invalid="true"' "the field is marked"
set -- $(checkout tip 0712000101 1 --data amount=50 -H 'Accept-Language: sw')
expect_eq "$1" 422 "below the minimum (sw)"
expect_match "$(cat "$T/co-body")" 'kisichopungua' "below the minimum: why (sw)"
set -- $(checkout tip 0712000101 1 --data amount=lots)
expect_eq "$1" 422 "not an amount"
expect_eq "$(DB "SELECT count(*) FROM orders")" 0 "no order for refused amounts"

# A typed amount is what is charged.
set -- $(checkout tip 0712000102 1 --data amount=321.50)
expect_eq "$1" 303 "typed amount"
wait_status "$2" paid
expect_eq "$(DB "SELECT y.amount_minor FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$2'")" 32150 "charged the typed amount"
expect_eq "$(DB "SELECT unit_minor FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.ref = '$2'")" 32150 "line's unit is the typed amount"
# No amount sent: the suggested one.
set -- $(checkout tip 0712000103 1)
expect_eq "$1" 303 "no amount: suggested"
expect_eq "$(DB "SELECT amount_minor FROM orders WHERE ref = '$2'")" 25000 "suggested amount"
# A bad email is refused with its own message.
set -- $(checkout tip 0712000104 1 --data amount=200 --data 'email=not an address')
expect_eq "$1" 422 "bad email"
expect_match "$(cat "$T/co-body")" 'email address does not look right' "bad email: why"
set -- $(checkout tip 0712000104 1 --data amount=200 --data 'email= Buyer@Example.COM ')
expect_eq "$1" 303 "good email"
expect_eq "$(DB "SELECT email FROM orders WHERE ref = '$2'")" "buyer@example.com" "email kept on the order, lower-cased"

# Free: amount 0 at minimum 0 goes through the WhatsApp code.
set -- $(checkout gift 0712000105 1 --data amount=0)
expect_eq "$1" 303 "free amount"
FREE=$2
expect_eq "$(DB "SELECT amount_minor FROM orders WHERE ref = '$FREE'")" 0 "free order"
code=$(sent_code 254712000105)
wp=$(curl -fsS -b "$JAR" "$URL/checkout/$FREE?lang=en")
expect_match "$wp" "action=\"/checkout/$FREE/confirm\"" "code form shown"
expect_eq "$(DB "SELECT count(*) FROM entitlements WHERE product_id = 11")" 0 "nothing granted before the code"
expect_eq "$(DB "SELECT count(*) FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$FREE' AND coalesce(y.push_started_at, 0) = 0")" 1 "no push for a free order"
wrong=$([ "$code" = 000000 ] && echo 111111 || echo 000000)
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d "code=$wrong" "$URL/checkout/$FREE/confirm")" 422 "wrong code"
expect_eq "$(DB "SELECT count(*) FROM entitlements WHERE product_id = 11")" 0 "nothing granted on a wrong code"
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d "code=$code" "$URL/checkout/$FREE/confirm")" 303 "code accepted"
wait_status "$FREE" paid
expect_eq "$(DB "SELECT count(*) FROM entitlements WHERE product_id = 11")" 1 "granted after the code"

# A cart whose total is 0 (two free pwyw products): the same code path.
for s in gift zine; do
	curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" \
		--data "slug=$s" --data amount=0 "$URL/cart/add"
done
cart=$(curl -fsS -b "$JAR" "$URL/cart?lang=en")
expect_match "$cart" 'Get it free' "free cart offers the free button"
out=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code} %{redirect_url}' \
	--data-urlencode "csrf=$CSRF" --data phone=0712000106 "$URL/cart/checkout")
expect_match "$out" "^303 " "free cart checkout"
CREF=${out##*/}
expect_eq "$(DB "SELECT amount_minor || ',' || status FROM orders WHERE ref = '$CREF'")" "0,pending" "free cart waits"
code=$(sent_code 254712000106)
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$CREF'")" 0 "free cart: nothing before the code"
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d "code=$code" "$URL/checkout/$CREF/confirm")" 303 "free cart: code accepted"
wait_status "$CREF" paid
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$CREF'")" 2 "free cart: both granted"

# Below the minimum in the cart: refused when added.
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/cart-low" -w '%{http_code}' --data-urlencode "csrf=$CSRF" \
	--data slug=tip --data amount=1 "$URL/cart/add?lang=sw")
expect_eq "$out" 422 "cart: below the minimum"
expect_match "$(cat "$T/cart-low")" 'kisichopungua' "cart: why in Swahili"
echo ok
