# The buyer's orders and receipts: two simulated purchases by one phone
# show in the library's "Your orders" (newest first, amounts, method);
# each order's receipt page answers in en and sw with the receipt's
# facts, the phone masked, the library page's headers and the print
# stylesheet (@media print, A4); an M-Pesa receipt number and a card's
# brand and last four show in words (never Stripe's payment intent);
# hostile titles and names come out escaped; another buyer's link, an
# unknown ref and an unpaid order get the same private 404; an unknown or
# revoked token the library's own 404; the order page of one browser
# shows no history; an order refunded with `nyota-console order refund`
# says so. With Chromium: at 360x740 neither the receipt (en, sw) nor the
# library scrolls sideways, even with a long unbroken title
# (chrome-width.py); the receipt prints on one A4 page; a 360 px
# screenshot goes to tests/out/receipt.png.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
lib_seed

# buy SLUG: buys one SLUG from 0733 111 222 in a fresh browser and waits
# until it is paid; prints the order's ref.
buy() {
	local jar="$T/jar.$1" page csrf loc ref st
	page=$(curl -fsS -c "$jar" -b "$jar" "$URL/p/$1?lang=en")
	csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no CSRF token on /p/$1"
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
		--data-urlencode "phone=0733 111 222" --data "csrf=$csrf" \
		"$URL/p/$1/checkout?lang=en")
	ref=${loc##*/checkout/}
	[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout of $1 did not redirect: $loc"
	for _ in $(seq 1 600); do
		st=$(curl -fsS "$URL/checkout/$ref/status")
		printf '%s' "$st" | grep -q '"paid"' && break
		sleep 0.1
	done
	expect_match "$st" '"status": *"paid"' "order of $1 paid"
	printf '%s' "$ref"
}

# Newest first is by creation time, then by id within one second.
ref1=$(buy nairobi-nights)
ref2=$(buy club)
# The receipt messages carry the phone's library link.
wait_until 30 "two WhatsApp messages" sh -c \
	"[ \$(grep -c '\"to\":\"254733111222\"' '$NYOTA_DATA_DIR/whatsapp.jsonl' 2>/dev/null) -ge 2 ]"
tok=$(token_of "$(link_for 254733111222)")
expect_match "$tok" '^[A-Za-z0-9_-]{43}$' "library token"
lib="$URL/l/$tok"

# "Your orders": both, newest first, with amounts, method and receipts.
page=$(curl -fsS "$lib?lang=en")
for want in '<h2>Your orders</h2>' 'KES 500\.00' 'KES 200\.00' 'Simulated' \
    "href=\"/l/$tok/orders/$ref1\"" "href=\"/l/$tok/orders/$ref2\"" \
    'class="order-status">Paid<' 'href="/static/receipt\.[0-9a-f]{10}\.css"'; do
	expect_match "$page" "$want" "library lists $want"
done
first=$(printf '%s' "$page" | grep -o "/orders/[A-Za-z0-9_-]*" | head -1)
expect_eq "$first" "/orders/$ref2" "newest order first"
n=$(printf '%s' "$page" | grep -c 'class="order order-')
expect_eq "$n" 2 "two orders listed"
sw=$(curl -fsS "$lib?lang=sw")
expect_match "$sw" 'Maagizo yako' "Swahili orders heading"
expect_match "$sw" 'KSh 500\.00' "Swahili amount"
expect_match "$sw" 'Majaribio' "Swahili method"

# Each receipt, in both languages.
for ref in "$ref1" "$ref2"; do
	for lang in en sw; do
		out="$T/receipt.$lang.html"
		code=$(curl -sS -D "$T/receipt.h" -o "$out" -w '%{http_code}' \
			"$lib/orders/$ref?lang=$lang")
		expect_eq "$code" 200 "receipt $ref in $lang"
		body=$(cat "$out")
		hdrs=$(cat "$T/receipt.h")
		expect_match "$hdrs" 'Cache-Control: no-store' "receipt not cached"
		expect_match "$hdrs" 'X-Robots-Tag: noindex' "receipt not indexed"
		expect_match "$body" "<code>$ref</code>" "receipt has the reference"
		expect_match "$body" 'Amani Studio' "receipt names the seller"
		expect_match "$body" '<dd>1</dd>' "receipt has the quantity"
		expect_match "$body" '<code>SIM[A-Za-z0-9_-]+</code>' "receipt has the transaction code"
		expect_match "$body" '[0-9]{2}:[0-9]{2} EAT' "receipt date in EAT"
		expect_match "$body" '…222' "phone masked"
		expect_match "$body" 'href="/static/receipt\.[0-9a-f]{10}\.css"' "print stylesheet linked"
		if printf '%s' "$body" | grep -Eq '254733111222|733 111 222|0733'; then
			fail "full phone on the receipt"
		fi
	done
done
r1=$(curl -fsS "$lib/orders/$ref1?lang=en")
for want in '<h1>Receipt</h1>' 'Nairobi Nights' 'KES 500\.00' '<p class="rc-status">Paid \(simulated payment\)</p>' \
    '<dt>Seller</dt>' '<dt>Quantity</dt>' '<dt>Payment method</dt><dd>Simulated</dd>' \
    '<dt>Reference</dt>' '<dd class="rc-state">Paid</dd>'; do
	expect_match "$r1" "$want" "English receipt shows $want"
done
r2=$(curl -fsS "$lib/orders/$ref2?lang=sw")
for want in '<h1>Risiti</h1>' 'Club' 'KSh 200\.00' '<dt>Muuzaji</dt>' \
    '<dt>Njia ya malipo</dt><dd>Majaribio</dd>' 'Imelipwa'; do
	expect_match "$r2" "$want" "Swahili receipt shows $want"
done

# The same headers as the library page (security, no-store, noindex):
# all but the ones that describe this one body.
hdrs_of() {
	curl -fsS -o /dev/null -D - "$1" | tr -d '\r' |
		grep -viE '^(date|content-length|etag|http/)' | grep . | sort
}
expect_eq "$(hdrs_of "$lib/orders/$ref1?lang=en")" "$(hdrs_of "$lib?lang=en")" \
	"receipt headers are the library's"
expect_match "$(hdrs_of "$lib/orders/$ref1?lang=en")" "Content-Security-Policy: default-src 'self'" "receipt has the CSP"

# The print stylesheet: A4, black on white, no navigation.
css=$(printf '%s' "$r1" | grep -o 'href="/static/receipt\.[0-9a-f]*\.css"' | cut -d'"' -f2)
sheet=$(curl -fsS "$URL$css")
expect_match "$sheet" '@page\{size:A4' "A4 pages"
expect_match "$sheet" '@media print\{' "print rules"
expect_match "$sheet" '\.top,\.foot,\.rc-back[^{]*\{display:none' "no navigation in print"
expect_match "$sheet" 'html,body\{background:#fff;color:#000\}' "black on white"

# No oracle: another buyer's link, an unknown ref and an unpaid order
# answer exactly like a page that does not exist.
read -r code _ < <(recover "+254 722 000 111")
expect_eq "$code" 200 "recovery for buyer B"
tokB=$(token_of "$(link_for 254722000111)")
ghost=$(curl -sS -w '%{http_code}' "$URL/l/$tokB/orders/AAAAAAAAAAAAAAAAAAAAAAA?lang=en" | sed 's/AAAAAAAAAAAAAAAAAAAAAAA/REF/g')
expect_match "$ghost" '404$' "unknown ref on B's link"
other=$(curl -sS -w '%{http_code}' "$URL/l/$tokB/orders/$ref1?lang=en" | sed "s/$ref1/REF/g")
expect_eq "$other" "$ghost" "another buyer's order answers like an unknown one"
expect_eq "$(status "$lib/orders/nope")" 404 "unknown ref"
expect_eq "$(status "$lib/orders/$(printf 'x%.0s' $(seq 1 200))")" 404 "overlong ref"
# The 404 is as private as the page (its URL holds the token).
h404=$(curl -sS -o /dev/null -D - "$URL/l/$tokB/orders/$ref1" | tr -d '\r')
expect_match "$h404" 'Cache-Control: no-store' "404 not cached"
expect_match "$h404" 'X-Robots-Tag: noindex' "404 not indexed"
DB "UPDATE orders SET status = 'failed' WHERE ref = 'r6'"
expect_eq "$(status "$URL/l/$tokB/orders/r6")" 404 "an unpaid order has no receipt"
# B's library lists none of A's orders.
pb=$(curl -fsS "$URL/l/$tokB?lang=en")
if printf '%s' "$pb" | grep -q "$ref1\|$ref2"; then fail "B sees the other buyer's orders"; fi
# An unknown token, and a token whose key was revoked (as rotating does),
# answer what the library itself answers: its 404 with the recovery form.
# main() is the page without the language link (it names the path) and
# with the form's CSRF token (fresh per answer) blanked.
main() { sed -n '/<main>/,/<\/main>/p' | sed 's/name="csrf" value="[^"]*"/name="csrf" value=""/'; }
bad=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
for t in "$bad" "$tokB"; do
	[ "$t" = "$tokB" ] && DB "UPDATE library_keys SET revoked_at = $(date +%s) WHERE customer_id = 2 AND revoked_at IS NULL"
	expect_eq "$(status "$URL/l/$t/orders/$ref1")" 404 "receipt under a dead token"
	expect_eq "$(status "$URL/l/$t")" 404 "library under a dead token"
	a=$(curl -sS "$URL/l/$t/orders/$ref1?lang=sw" | main)
	b=$(curl -sS "$URL/l/$t?lang=sw" | main)
	expect_eq "$a" "$b" "a dead token's receipt answers as its library"
	expect_match "$a" 'name="phone"' "recovery form offered"
done

# The browser's own order page shows that order only, not the history.
op=$(curl -fsS -b "$T/jar.club" "$URL/checkout/$ref2/library?lang=en")
expect_match "$op" 'Club' "order page"
if printf '%s' "$op" | grep -q 'Your orders\|/orders/'; then fail "order page shows the history"; fi

# A refund through the operator's CLI (sim: done at once): the library
# item goes, the order stays listed as refunded, with the date.
out=$(console order refund "$ref1" --reason "receipt test" 2>&1) || fail "order refund: exit $?: $out"
page=$(curl -fsS "$lib?lang=en")
expect_match "$page" 'class="order order-refunded"' "refunded order marked"
expect_match "$page" 'Refunded on [A-Z][a-z]{2} [0-9]+ [A-Z][a-z]{2} [0-9]{4}' "refund date listed"
items=$(printf '%s' "$page" | sed '/<section class="lib-orders">/,$d')
nights=$(printf '%s' "$items" | sed -n '/<article/{h;d};H;/<\/article>/{x;/Nairobi Nights/p}')
expect_match "$nights" '^<article class="buy lib-item lib-inactive">' "refunded item inactive"
expect_match "$nights" '<p class="hint lib-status">Refunded</p>' "refunded item says so"
for f in $(printf '%s' "$nights" | grep -o 'href="[^"]*/files/[^"]*"' | cut -d'"' -f2); do
	code=$(status "$URL$f")
	[ "$code" -ge 400 ] || fail "refunded download answered $code"
done
expect_match "$items" '<h3><a href="/p/club">Club</a></h3>' "the other purchase stays"
r1=$(curl -fsS "$lib/orders/$ref1?lang=en")
expect_match "$r1" '<p class="rc-status">Paid \(simulated payment\) · Refunded on ' "English receipt says refunded"
r1=$(curl -fsS "$lib/orders/$ref1?lang=sw")
expect_match "$r1" '<dd class="rc-state">Pesa ilirejeshwa [A-Z]' "Swahili receipt says refunded"

# How the money came, as the providers leave it (test-only SQL: this
# suite sells through the simulator; test-stripe and the M-Pesa suites
# fill these columns for real).
pay2="UPDATE payments SET provider_ref = NULL, %s WHERE order_id = (SELECT id FROM orders WHERE ref = '$ref2')"
DB "$(printf "$pay2" "provider = 'mpesa', receipt = 'QWE123RTY'")"
page=$(curl -fsS "$lib?lang=en")
expect_match "$page" '<span>M-Pesa</span> <code>QWE123RTY</code>' "list has the M-Pesa receipt"
r2=$(curl -fsS "$lib/orders/$ref2?lang=en")
expect_match "$r2" '<p class="rc-status">Paid with M-Pesa</p>' "M-Pesa headline"
expect_match "$r2" '<dt>M-Pesa receipt</dt><dd><code>QWE123RTY</code></dd>' "M-Pesa receipt number"
r2=$(curl -fsS "$lib/orders/$ref2?lang=sw")
expect_match "$r2" '<dt>Risiti ya M-Pesa</dt><dd><code>QWE123RTY</code></dd>' "Swahili M-Pesa receipt number"
expect_match "$r2" 'Imelipwa kwa M-Pesa' "Swahili M-Pesa headline"
DB "$(printf "$pay2" "provider = 'stripe', receipt = 'pi_3SecretIntent', card_brand = 'visa', card_last4 = '4242'")"
page=$(curl -fsS "$lib?lang=en")
expect_match "$page" '<span>Visa •••• 4242</span>' "list has the card"
r2=$(curl -fsS "$lib/orders/$ref2?lang=en")
expect_match "$r2" '<dt>Payment method</dt><dd>Visa •••• 4242</dd>' "card brand and last four"
expect_match "$r2" '<p class="rc-status">Paid by card</p>' "card headline"
r2sw=$(curl -fsS "$lib/orders/$ref2?lang=sw")
expect_match "$r2sw" '<dt>Njia ya malipo</dt><dd>Visa •••• 4242</dd>' "Swahili card"
expect_match "$r2sw" 'Imelipwa kwa kadi' "Swahili card headline"
if printf '%s%s%s' "$page" "$r2" "$r2sw" | grep -q 'pi_3SecretIntent'; then
	fail "the payment intent is shown"
fi
if printf '%s%s' "$r2" "$r2sw" | grep -q 'Transaction code\|M-Pesa receipt\|Nambari ya muamala'; then
	fail "a card receipt shows a transaction code"
fi
DB "$(printf "$pay2" "card_brand = 'unknown'")"
r2=$(curl -fsS "$lib/orders/$ref2?lang=sw")
expect_match "$r2" '<dd>Kadi •••• 4242</dd>' "a card of no known brand, in Swahili"

# Every value escaped: a creator, a title and a card brand that are HTML.
DB "UPDATE creators SET display_name = 'Amani <b>Studio</b>' WHERE id = 1"
DB "UPDATE products SET title = 'Club <img src=x onerror=alert(1)> & \"Co\"' WHERE slug = 'club'"
DB "$(printf "$pay2" "card_brand = '<i>x</i>'")"
for u in "$lib?lang=en" "$lib/orders/$ref2?lang=en" "$lib/orders/$ref2?lang=sw"; do
	body=$(curl -fsS "$u")
	if printf '%s' "$body" | grep -q '<img src=x\|<i>x\|<b>Studio'; then
		fail "unescaped value in $u"
	fi
	expect_match "$body" 'Club &lt;img src=x onerror=alert\(1\)&gt; &amp; &quot;Co&quot;' "title escaped"
done
expect_match "$body" 'Amani &lt;b&gt;Studio&lt;/b&gt;' "seller escaped"
expect_match "$body" '&lt;i&gt;x&lt;/i&gt; •••• 4242' "card brand escaped"

# With Chromium: no sideways scroll on a phone, one A4 page in print, a
# phone-sized screenshot.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROME" ]; then
	chrome() {
		timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
		    --no-first-run --disable-background-networking --disable-component-update \
		    --disable-sync --disable-dev-shm-usage --hide-scrollbars \
		    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
		    --window-size=360,740 "$@" 2>>"$T/chrome.log"
	}
	# At a phone's size nothing scrolls sideways: the library with its
	# orders, then the receipts even with a title and a seller name that
	# have nowhere to break.
	# narrow URL TITLE: measures URL, whose <title> starts with TITLE.
	narrow() {
		local w
		w=$(timeout 150 python3 "$NYOTA_SRC/tests/integration/chrome-width.py" \
		    "$CHROME" "$1" 360 740) || fail "sideways scroll at 360 px: $1: $w"
		expect_match "$w" "\"title\": \"$2 " "measured the page itself"
		expect_match "$w" '"scroll": 360,' "laid out 360 px wide"
	}
	narrow "$lib?lang=sw" "Maktaba yako"
	narrow "$lib?lang=en" "Your library"
	long=$(printf 'Mkusanyiko%.0s' $(seq 1 12))
	DB "UPDATE products SET title = '$long' WHERE slug = 'club'"
	DB "UPDATE creators SET display_name = 'Studio$long' WHERE id = 1"
	DB "$(printf "$pay2" "card_brand = 'mastercard'")"
	narrow "$lib?lang=en" "Your library"
	narrow "$lib/orders/$ref2?lang=en" Receipt
	narrow "$lib/orders/$ref2?lang=sw" Risiti
	narrow "$lib/orders/$ref1?lang=sw" Risiti
	# Printed, long names and all, it is one A4 page.
	chrome --no-pdf-header-footer --print-to-pdf="$T/receipt.pdf" "$lib/orders/$ref2?lang=en" >/dev/null
	python3 - "$T/receipt.pdf" <<'PY' || fail "the receipt does not print on one A4 page"
import re, sys
pdf = open(sys.argv[1], "rb").read()
pages = re.findall(rb"/Type\s*/Page\b(?!s)", pdf)
box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]", pdf)
assert len(pages) == 1, "%d pages" % len(pages)
w, h = float(box.group(1)), float(box.group(2))
assert abs(w - 595.3) < 2 and abs(h - 841.9) < 2, "page %.1f x %.1f pt" % (w, h)
PY
	# The picture shows an ordinary receipt.
	DB "UPDATE products SET title = 'Club' WHERE slug = 'club'"
	DB "UPDATE creators SET display_name = 'Amani Studio' WHERE id = 1"
	mkdir -p "$NYOTA_SRC/tests/out"
	chrome --screenshot="$NYOTA_SRC/tests/out/receipt.png" "$lib/orders/$ref2?lang=sw" >/dev/null
	[ -s "$NYOTA_SRC/tests/out/receipt.png" ] || fail "no receipt screenshot"
	echo "screenshot: tests/out/receipt.png"
fi
# The token never reaches the log.
if grep -q "$tok" "$T/storefront.log"; then fail "token in the log"; fi
echo ok
