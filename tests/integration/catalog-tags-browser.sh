# Tag chips on a 360 x 740 phone in headless Chromium (issue 14): a
# catalog with many long tags (the 12 most used shown, 32 characters
# each) does not scroll sideways, and tapping a chip with JavaScript off
# filters the catalog to that tag (catalog-chips.py).
. "$(dirname "$0")/lib.sh"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 0
fi
start_storefront
DB() { sqlite3 -cmd ".timeout 5000" "$NYOTA_DATA_DIR/nyota.db" "$@"; }
DB < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
# Fourteen tags of 32 characters on the four published products (each
# used once or twice, so the twelve shown are a real choice), and a short
# one only Nairobi Nights has.
sql=""
for i in $(seq 10 23); do
	t=$(printf 'muziki-wa-taarab-na-bongo-fla-%02d' "$i")
	[ "${#t}" -eq 32 ] || fail "tag length ${#t}"
	sql="$sql INSERT INTO product_tags(product_id, tag) VALUES ($(( i % 4 + 1 )), '$t');"
	[ "$i" -lt 16 ] && sql="$sql INSERT INTO product_tags(product_id, tag) VALUES ($(( (i + 1) % 4 + 1 )), '$t');"
done
DB "$sql INSERT INTO product_tags(product_id, tag) VALUES (1, 'nights'),
  (3, 'nights'), (4, 'nights');"
wait_page / 'nights'
page=$(curl -fsS "$URL/")
n=$(printf '%s' "$page" | grep -o 'href="/?tag=[a-z0-9-]*"' | wc -l)
expect_eq "$n" 12 "twelve tag chips"

# The widest page the catalog makes: every chip row, every card.
w=$(timeout 150 python3 "$NYOTA_SRC/tests/integration/chrome-width.py" "$CHROME" "$URL/?lang=sw" 360 740) ||
	fail "the catalog scrolls sideways at 360 px: $w"
echo "width: $w"
# Tap "nights" (most used: first after All): only its products remain.
out=$(timeout 150 python3 "$NYOTA_SRC/tests/integration/catalog-chips.py" "$CHROME" "$URL/" nights 'Nairobi Nights' 'Msafiri Club' 360 740) ||
	fail "chip tap: $out"
echo "$out"
# And a long tag's chip, scrolled to, filters as well.
out=$(timeout 150 python3 "$NYOTA_SRC/tests/integration/catalog-chips.py" "$CHROME" "$URL/" muziki-wa-taarab-na-bongo-fla-10 'Tamasha Live' 'Nairobi Nights' 360 740) ||
	fail "long chip tap: $out"
echo ok
