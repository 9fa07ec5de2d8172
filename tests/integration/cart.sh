# The cart, with JavaScript off (curl): three products of different kinds
# and two creators added from the product page's form, the cart page with
# its count in the header, one checkout → one payment, one order of three
# lines, every item in the buyer's library; a cart over the seats left is
# refused with nothing reserved; a tampered cookie is an empty cart; a
# cart of two currencies is refused before and at checkout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
seed_catalog
DB "INSERT INTO creators(id, handle, created_at) VALUES (2, 'baraka', 0);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, period_days, created_at, updated_at, published_at) VALUES
  (4, 2, 'club', 'subscription', 'Fan club', 20000, 'KES', 'published', 30,
   0, 0, 1);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, created_at, updated_at, published_at) VALUES
  (5, 2, 'ebook', 'download', 'Dollar book', 500, 'USD', 'published', 0, 0, 1);
INSERT INTO products(id, creator_id, slug, kind, title, price_minor,
  currency, status, starts_at, venue, capacity, created_at, updated_at,
  published_at) VALUES (6, 2, 'fest', 'ticket', 'Festival', 30000, 'KES',
  'published', 2000000000, 'Mombasa', 50, 0, 0, 1);"
csrf_init

# add SLUG [curl args]: POST /cart/add; prints the status and Location.
add() {
	local slug=$1
	shift
	curl -s -b "$JAR" -c "$JAR" -o "$T/add-body" -w '%{http_code} %{redirect_url}' \
		--data-urlencode "csrf=$CSRF" --data-urlencode "slug=$slug" "$@" \
		"$URL/cart/add"
}
cart_cookie() { awk '$6 == "nyota_cart" { print $7 }' "$JAR"; }

# The product page's form carries the cart button (a formaction: no JS).
page=$(curl -fsS -b "$JAR" "$URL/p/gig?lang=en")
expect_match "$page" 'formaction="/cart/add"' "product page has Add to cart"
expect_match "$page" 'name="slug" value="gig"' "product form names the product"
expect_match "$(curl -fsS -b "$JAR" "$URL/?lang=en")" 'action="/cart/add"' "catalog cards have Add to cart"
expect_match "$page" 'href="/cart">Cart <span class="count">0</span>' "header count 0"

h=$(curl -s -o /dev/null -D - -b "$JAR" --data-urlencode "csrf=$CSRF" --data slug=song "$URL/cart/add")
expect_match "$h" 'Set-Cookie: nyota_cart=1~[0-9]+~song\.1~[A-Za-z0-9_-]{43}; Path=/; SameSite=Lax; Max-Age=2592000; HttpOnly' "cart cookie and its attributes"
expect_eq "$(add song)" "303 $URL/cart" "add a download"
expect_eq "$(add gig --data quantity=2)" "303 $URL/cart" "add 2 tickets"
expect_eq "$(add club)" "303 $URL/cart" "add a subscription (other creator)"
# Adding again updates the line, never a second one.
expect_eq "$(add gig --data quantity=2)" "303 $URL/cart" "add the tickets again"
# A download cannot be had twice: 422, cart unchanged.
expect_eq "$(add song --data quantity=2 | cut -d' ' -f1)" "422" "download quantity 2"
# Without the CSRF field: refused.
code=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' --data slug=song "$URL/cart/add")
expect_eq "$code" 403 "add without csrf"
expect_eq "$(add nope | cut -d' ' -f1)" 404 "add an unknown product"

cart=$(curl -fsS -b "$JAR" "$URL/cart?lang=en")
expect_match "$cart" 'A song' "cart lists the download"
expect_match "$cart" 'Gig' "cart lists the ticket"
expect_match "$cart" 'Fan club' "cart lists the subscription"
expect_eq "$(printf '%s' "$cart" | grep -c 'class="cart-line"')" 3 "three lines"
expect_match "$cart" 'name="quantity" type="number"[^>]*value="2"' "ticket quantity input"
expect_match "$cart" 'KES 2,700.00' "total 500 + 2×1000 + 200"
expect_match "$cart" '<span class="count">4</span>' "header counts 4 items"
expect_match "$cart" 'action="/cart/checkout"' "checkout form"
expect_match "$(curl -fsS -b "$JAR" "$URL/p/song?lang=en")" '<span class="count">4</span>' "count on a cached page"
expect_match "$(curl -fsS "$URL/p/song?lang=en")" '<span class="count">0</span>' "no cookie: count 0 on the same cached page"

# Remove and put back (the update form).
code=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" --data "slug=song&quantity=0" "$URL/cart/update")
expect_eq "$code" 303 "remove"
expect_eq "$(curl -fsS -b "$JAR" "$URL/cart" | grep -c 'class="cart-line"')" 2 "two lines left"
expect_eq "$(add song)" "303 $URL/cart" "add the download back"

# A tampered cookie is an empty cart, not an error.
good=$(cart_cookie)
[ -n "$good" ] || fail "no cart cookie"
bad=$(printf '%s' "$good" | sed 's/gig\.2/gig.9/')
[ "$bad" != "$good" ] || fail "tamper did not change the cookie"
out=$(curl -sS -w '\n%{http_code}' -H "Cookie: csrf=$CSRF; nyota_cart=$bad" "$URL/cart?lang=en")
expect_eq "${out##*$'\n'}" 200 "tampered cookie: still a page"
expect_match "$out" 'Your cart is empty' "tampered cookie: empty cart"
expect_match "$out" '<span class="count">0</span>' "tampered cookie: count 0"
code=$(curl -s -o "$T/tamper" -w '%{http_code}' -H "Cookie: csrf=$CSRF; nyota_cart=$bad" \
	--data-urlencode "csrf=$CSRF" --data phone=0712345678 "$URL/cart/checkout?lang=en")
expect_eq "$code" 422 "tampered cookie: checkout refused"
expect_eq "$(DB 'SELECT count(*) FROM orders')" 0 "tampered cookie: no order"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: nyota_cart=$(head -c 5000 /dev/zero | tr '\0' a)" "$URL/cart")
expect_eq "$code" 200 "oversized cookie: still a page"

# Pay: one payment for the whole cart (two creators).
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/co" -w '%{http_code} %{redirect_url}' \
	--data-urlencode "csrf=$CSRF" --data-urlencode "phone=0712 345 678" \
	--data method=mpesa "$URL/cart/checkout?lang=en")
expect_match "$out" "^303 $URL/checkout/[A-Za-z0-9_-]+$" "cart checkout redirects"
ref=${out##*/}
expect_eq "$(cart_cookie)" "" "cart emptied after checkout"
wait_status "$ref" paid
expect_eq "$(DB "SELECT count(*) FROM payments")" 1 "one payment"
expect_eq "$(DB "SELECT amount_minor FROM payments")" 270000 "for the whole cart"
expect_eq "$(DB "SELECT count(*) FROM orders")" 1 "one order"
expect_eq "$(DB "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.ref = '$ref'")" 3 "three lines"
expect_eq "$(DB "SELECT count(DISTINCT creator_id) FROM order_lines")" 2 "two creators' lines"
expect_eq "$(DB "SELECT group_concat(product_id) FROM (SELECT product_id FROM entitlements WHERE revoked_at IS NULL ORDER BY product_id)")" "1,2,4" "every item granted"
expect_eq "$(DB "SELECT count(*) FROM tickets")" 2 "two tickets"
st=$(curl -fsS -b "$JAR" "$URL/checkout/$ref/status")
lib=$(printf '%s' "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("library_url") or "")')
[ -n "$lib" ] || fail "no library link for the buyer"
libpage=$(curl -fsS -b "$JAR" "$lib?lang=en")
for t in 'A song' 'Gig' 'Fan club'; do
	expect_match "$libpage" "$t" "library has $t"
done
# The receipt (from the WhatsApp library link) lists every line.
lk=""
for _ in $(seq 1 300); do
	lk=$(grep '"to":"254712345678"' "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null | grep '"kind":"receipt"' | tail -1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("link") or "")' 2>/dev/null || true)
	[ -n "$lk" ] && break
	sleep 0.1
done
[ -n "$lk" ] || fail "no receipt on WhatsApp"
expect_eq "$(grep -c '"kind":"receipt"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" 1 "one receipt for the cart"
rc=$(curl -fsS "${lk%%\?*}/orders/$ref?lang=en")
for t in 'A song' 'Gig' 'Fan club'; do
	expect_match "$rc" "$t" "receipt lists $t"
done
wp=$(curl -fsS -b "$JAR" "$URL/checkout/$ref?lang=en")
expect_match "$wp" 'class="co-lines"' "waiting page lists the lines"
expect_match "$wp" 'Fan club' "waiting page names every line"
# The operator's order show lists every line with its amount.
show=$(LC_ALL=C LANG=C console order show "$ref")
for t in 'A song' 'Gig' 'Fan club'; do
	expect_match "$show" "$t .* × [0-9]+ · KES" "order show lists $t"
done

# Over the seats left: gig has 1 seat left; a cart of the festival (×2)
# and 2 gig seats made while they were there is refused whole.
expect_eq "$(add fest --data quantity=2)" "303 $URL/cart" "add festival seats"
DB "UPDATE products SET capacity = 4 WHERE id = 2"	# 2 sold, 2 left
expect_eq "$(add gig --data quantity=2)" "303 $URL/cart" "add the last two gig seats"
DB "UPDATE products SET capacity = 3 WHERE id = 2"	# now only 1 left
res=$(DB "SELECT count(*) FROM reservations")
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/over" -w '%{http_code}' \
	--data-urlencode "csrf=$CSRF" --data-urlencode "phone=0712 345 679" \
	"$URL/cart/checkout?lang=en")
expect_eq "$out" 422 "over the seats: refused"
expect_match "$(cat "$T/over")" 'not enough seats' "over the seats: why"
expect_match "$(cat "$T/over")" 'Festival' "over the seats: the cart is kept"
expect_eq "$(DB "SELECT count(*) FROM reservations")" "$res" "nothing reserved"
expect_eq "$(DB "SELECT count(*) FROM orders")" 1 "no second order"
expect_match "$(cart_cookie)" 'fest' "cart kept after a refusal"

# Two currencies: the cart says so at once, and checkout refuses.
expect_eq "$(add ebook)" "303 $URL/cart" "add a USD product"
cart=$(curl -fsS -b "$JAR" "$URL/cart?lang=en")
expect_match "$cart" 'different currencies' "mixed currencies shown on the cart"
printf '%s' "$cart" | grep -q 'action="/cart/checkout"' && fail "mixed cart offers checkout"
cart=$(curl -fsS -b "$JAR" "$URL/cart?lang=sw")
expect_match "$cart" 'sarafu' "mixed currencies in Swahili"
out=$(curl -s -b "$JAR" -c "$JAR" -o "$T/mixed" -w '%{http_code}' \
	--data-urlencode "csrf=$CSRF" --data-urlencode "phone=0712 345 679" \
	"$URL/cart/checkout?lang=en")
expect_eq "$out" 422 "mixed currencies: refused"
expect_match "$(cat "$T/mixed")" 'different currencies' "mixed currencies: why"
expect_eq "$(DB "SELECT count(*) FROM orders")" 1 "mixed currencies: no order"
echo ok
