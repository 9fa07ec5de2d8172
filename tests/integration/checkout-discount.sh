# Discount codes at checkout (the code field, JavaScript off): a code is
# applied server-side (the payment is for the discounted amount), in a
# cart too; an expired code, a code for another product, a code past its
# per-phone limit are refused with their message (422) and no order; 20
# parallel checkouts racing for a code with one use left: exactly one
# order gets the discount. Codes are made as sqlite3 rows (discount_codes):
# there is no CLI for them, the console makes them in the tests of
# the console.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200 NYOTA_CHECKOUT_LIMIT=1000
start_storefront
seed_catalog
now=$(date +%s)
DB "INSERT INTO creators(id, handle, created_at) VALUES (2, 'baraka', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, created_at, updated_at, published_at) VALUES
  (4, 2, 'poem', 'download', 'A poem', 30000, 'KES', 'published', 0, 0, 1);
INSERT INTO discount_codes(id, creator_id, code, product_id, kind, value,
  currency, starts_at, ends_at, max_uses, max_per_phone, created_at) VALUES
  (1, 1, 'KARIBU', NULL, 'percent', 20, NULL, NULL, NULL, NULL, NULL, 0),
  (2, 1, 'OLD', NULL, 'percent', 50, NULL, NULL, $now - 60, NULL, NULL, 0),
  (3, 1, 'GIGONLY', 2, 'fixed', 10000, 'KES', NULL, NULL, NULL, NULL, 0),
  (4, 1, 'ONCE', NULL, 'percent', 10, NULL, NULL, NULL, NULL, 1, 0),
  (5, 1, 'LAST', 1, 'percent', 50, NULL, NULL, NULL, 1, NULL, 0);"
csrf_init

# The product page and the form again carry the code field.
expect_match "$(curl -fsS "$URL/p/song")" 'name="code"' "product form has a code field"

# Applied: 20 % off KES 500 (typed in lower case, with spaces).
set -- $(checkout song 0712000001 1 --data-urlencode "code= karibu ")
expect_eq "$1" 303 "code applied"
wait_status "$2" paid
expect_eq "$(DB "SELECT y.amount_minor FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$2'")" 40000 "paid the discounted amount"
expect_eq "$(DB "SELECT discount_minor || ',' || discount_id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.ref = '$2'")" "10000,1" "line keeps the discount"

# Expired: 422 with the message, in English and in Swahili; no order.
n=$(DB "SELECT count(*) FROM orders")
set -- $(checkout song 0712000002 1 --data code=OLD)
expect_eq "$1" 422 "expired code"
expect_match "$(cat "$T/co-body")" 'This discount code has expired' "expired: why"
expect_match "$(cat "$T/co-body")" 'name="code"[^>]*value="OLD"' "expired: the code typed is kept"
set -- $(checkout song 0712000002 1 --data code=OLD -H 'Accept-Language: sw')
expect_eq "$1" 422 "expired code (sw)"
expect_match "$(cat "$T/co-body")" 'Msimbo huu wa punguzo umeisha muda' "expired: why in Swahili"
set -- $(checkout song 0712000002 1 --data code=NOSUCH)
expect_eq "$1" 422 "unknown code"
expect_match "$(cat "$T/co-body")" 'does not exist' "unknown: why"
# Wrong product: GIGONLY on the song.
set -- $(checkout song 0712000002 1 --data code=GIGONLY)
expect_eq "$1" 422 "code for another product"
expect_match "$(cat "$T/co-body")" 'not for anything in your order' "wrong product: why"
# Another creator's product: not theirs to discount.
set -- $(checkout poem 0712000002 1 --data code=KARIBU)
expect_eq "$1" 422 "code of another creator"
expect_eq "$(DB "SELECT count(*) FROM orders")" "$n" "refusals made no order"

# Per phone: ONCE once per phone, on any of the creator's products.
set -- $(checkout song 0712000003 1 --data code=ONCE)
expect_eq "$1" 303 "first use for this phone"
wait_status "$2" paid
set -- $(checkout gig 0712000003 1 --data code=ONCE)
expect_eq "$1" 422 "second use for this phone"
expect_match "$(cat "$T/co-body")" 'already used this discount code' "per phone: why"
set -- $(checkout gig 0712000004 1 --data code=ONCE)
expect_eq "$1" 303 "another phone may use it"

# In a cart: KARIBU takes 20 % off creator 1's lines, not off the poem.
for s in song gig poem; do
	curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf=$CSRF" \
		--data "slug=$s" "$URL/cart/add"
done
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/cart-co" -w '%{http_code}' \
	--data-urlencode "csrf=$CSRF" --data phone=0712000005 --data code=OLD \
	"$URL/cart/checkout")
expect_eq "$out" 422 "cart with an expired code"
expect_match "$(cat "$T/cart-co")" 'This discount code has expired' "cart: why"
expect_match "$(cat "$T/cart-co")" 'A poem' "cart: the cart is shown again"
expect_match "$(cat "$T/cart-co")" 'name="code"[^>]*value="OLD"' "cart: the code typed is kept"
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/cart-co" -w '%{http_code} %{redirect_url}' \
	--data-urlencode "csrf=$CSRF" --data phone=0712000005 --data code=KARIBU \
	"$URL/cart/checkout")
expect_match "$out" "^303 " "cart with a code"
ref=${out##*/}
wait_status "$ref" paid
# 500 + 1000 - 20 % = 1200, + 300 undiscounted = 1500
expect_eq "$(DB "SELECT y.amount_minor FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$ref'")" 150000 "cart paid once, discounted"
expect_eq "$(DB "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.ref = '$ref' AND l.discount_id = 1")" 2 "two lines discounted"

# The race: 20 browsers, one use left.
racers=""
for i in $(seq 10 29); do
	(
		jar="$T/race-jar-$i"
		curl -fsS -c "$jar" -o /dev/null "$URL/p/song"
		tok=$(awk '$6 == "csrf" { print $7 }' "$jar")
		curl -s -b "$jar" -c "$jar" -o /dev/null -w '%{http_code}\n' \
			--data-urlencode "csrf=$tok" --data "phone=07120000$i" \
			--data code=LAST "$URL/p/song/checkout" > "$T/race-$i"
	) &
	racers="$racers $!"
done
for p in $racers; do wait "$p"; done
expect_eq "$(cat "$T"/race-* | grep -c '^303$')" 1 "exactly one checkout got the last use"
expect_eq "$(cat "$T"/race-* | grep -c '^422$')" 19 "the others were refused"
expect_eq "$(DB "SELECT count(*) FROM order_lines WHERE discount_id = 5")" 1 "one order with the discount"
expect_eq "$(DB "SELECT count(*) FROM discount_uses WHERE discount_id = 5")" 1 "one use counted"
echo ok
