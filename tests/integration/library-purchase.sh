# End to end: a checkout paid on the simulated handset gives the buyer a
# WhatsApp receipt (product, amount, receipt, link, in the checkout's
# language) whose link opens a library with the purchase (two ticket
# codes for a quantity of 2); the buying browser's status JSON carries the
# order's own page, never that link.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
lib_seed

page=$(curl -fsS -c "$T/jar" -b "$T/jar" "$URL/p/gig?lang=sw")
csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no CSRF token on the product page"
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$T/jar" -b "$T/jar" \
	--data-urlencode "phone=0733 111 222" --data "quantity=2&csrf=$csrf" \
	"$URL/p/gig/checkout?lang=sw")
ref=${loc##*/checkout/}
[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout did not redirect: $loc"
st=""
for _ in $(seq 1 600); do
	st=$(curl -fsS "$URL/checkout/$ref/status")
	printf '%s' "$st" | grep -q '"paid"' && break
	sleep 0.1
done
expect_match "$st" '"status": *"paid"' "order paid"
# Without the buyer cookie the status has no link at all.
expect_match "$st" '"library_url": *null' "no link without the buyer cookie"
# The buying browser gets this order's page; the phone-wide library link
# goes to the phone only, on WhatsApp.
st=$(curl -fsS -b "$T/jar" "$URL/checkout/$ref/status")
order_url=$(printf '%s' "$st" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("library_url") or "")')
expect_eq "$order_url" "$URL/checkout/$ref/library" "status has the order's URL"
op=$(curl -fsS -b "$T/jar" "$order_url?lang=en")
n=$(printf '%s' "$op" | grep -o '<code>[0-9A-Z-]*</code>' | sort -u | wc -l)
expect_eq "$n" 2 "the order page has its two tickets"
printf '%s' "$op" | grep -q '/l/' && fail "order page links the phone's library"
lib_url=$(link_for 254733111222)
expect_match "$lib_url" '/l/[A-Za-z0-9_-]{43}$' "WhatsApp has the library URL"
line=$(grep '"to":"254733111222"' "$NYOTA_DATA_DIR/whatsapp.jsonl" | tail -1)
expect_match "$line" '"kind":"receipt"' "receipt message"
expect_match "$line" '"lang":"sw"' "checkout language"
expect_match "$line" 'Gig' "receipt names the product"
expect_match "$line" '2,000' "receipt has the amount"
expect_match "$line" 'Asante' "Swahili receipt"

lib=$(curl -fsS "$lib_url?lang=en")
expect_match "$lib" '<h2>Tickets</h2>' "ticket section"
n=$(printf '%s' "$lib" | grep -o '<code>[0-9A-Z-]*</code>' | sort -u | wc -l)
expect_eq "$n" 2 "two ticket codes"
expect_eq "$(DB "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id WHERE o.ref = '$ref'")" 2 "two tickets issued"
# One receipt only, even after the worker has run again.
sleep 1.5
expect_eq "$(grep -c '"to":"254733111222"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" 1 "one receipt"
echo ok
