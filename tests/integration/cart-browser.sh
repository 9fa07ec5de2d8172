# The cart page on a 360 x 740 phone in headless Chromium with JavaScript
# off (cart-width.py): lines with long titles, a ticket's quantity form,
# a pay-what-you-want amount, remove buttons, the totals and the checkout
# form all fit without sideways scrolling, in English and in Swahili, and
# so does the page of a cart refused for its two currencies.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 0
fi
start_storefront
seed_catalog
DB "INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency,
  status, pwyw, suggested_minor, created_at, updated_at, published_at) VALUES
  (10, 1, 'tip', 'download', 'Mchango wa hiari kwa albamu mpya ya muziki wa taarab na bongo flava', 10000, 'KES', 'published', 1, 2500000, 0, 0, 1),
  (11, 1, 'usd', 'download', 'Dollar book', 500, 'USD', 'published', 0, NULL, 0, 0, 1);
UPDATE products SET title = 'Tamasha kubwa la muziki wa pwani Mombasa Jumamosi usiku kucha', capacity = 50 WHERE id = 2;
UPDATE products SET title = 'Wimbo_mrefu_sana_usio_na_nafasi_yoyote_kati_ya_maneno_yake_yote' WHERE id = 1;"
csrf_init
for a in "slug=song" "slug=gig&quantity=10" "slug=tip&amount=25000"; do
	code=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' \
		--data-urlencode "csrf=$CSRF" --data "$a" "$URL/cart/add")
	expect_eq "$code" 303 "add $a"
done
cookies() { awk '$6 == "csrf" || $6 == "nyota_cart" { printf "%s=%s; ", $6, $7 }' "$JAR"; }
expect_match "$(cookies)" 'nyota_cart=' "cart cookie in the jar"
for lang in en sw; do
	mkdir -p "$NYOTA_SRC/tests/out"
	w=$(SHOT="$NYOTA_SRC/tests/out/cart-$lang.png" timeout 150 python3 "$NYOTA_SRC/tests/integration/cart-width.py" "$CHROME" "$URL/cart?lang=$lang" "$(cookies)" 360 740) ||
		fail "the cart scrolls sideways at 360 px ($lang): $w"
	expect_match "$w" '"lines": 3' "three lines laid out ($lang)"
done
code=$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$CSRF" --data slug=usd "$URL/cart/add")
expect_eq "$code" 303 "add a USD product"
w=$(timeout 150 python3 "$NYOTA_SRC/tests/integration/cart-width.py" "$CHROME" "$URL/cart?lang=sw" "$(cookies)" 360 740) ||
	fail "the mixed-currency cart scrolls sideways at 360 px: $w"
expect_match "$w" '"lines": 4' "four lines laid out"
# A real browser's taps: "Add to cart" on two product pages (a ticket
# with quantity 3) lands on the cart with both, no script of ours needed.
w=$(STEPS="/p/song|;/p/gig|3" timeout 150 python3 "$NYOTA_SRC/tests/integration/cart-width.py" "$CHROME" "$URL/cart?lang=en" "" 360 740) ||
	fail "adding from product pages: $w"
expect_match "$w" '"lines": 2' "two lines added by tapping"
expect_match "$w" '"count": "4"' "1 song + 3 tickets in the header's count"
echo "screenshots: tests/out/cart-en.png tests/out/cart-sw.png"
echo ok
