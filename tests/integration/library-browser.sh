# Headless Chromium at a phone's size (360×740) opens a buyer's library
# and a ticket: the DOM shows every section, the QR's white background
# comes from the stylesheet (the CSP refuses inline styles), screenshots
# go to tests/out/library.png and tests/out/ticket.png.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 0
fi
start_storefront
lib_seed
read -r _ _ < <(recover "0712 345 678")
tok=$(token_of "$(link_for 254712345678)")
chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --disable-dev-shm-usage --hide-scrollbars \
	    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	    --window-size=360,740 "$@" 2>>"$T/chrome.log"
}
dom=$(chrome --dump-dom "$URL/l/$tok?lang=en")
for want in '<h1>Your library</h1>' '<h2>Downloads</h2>' '<h2>Subscriptions</h2>' \
    '<h2>Tickets</h2>' '<h2>Webinars</h2>' 'Nairobi Nights' 'Downloaded 0 of 3 times' \
    '7K3M-Q9XH-ABCD-EFGH-JKMN-PQRS'; do
	expect_match "$dom" "$want" "library DOM shows $want"
done
dom=$(chrome --dump-dom "$URL/l/$tok/tickets/7K3MQ9XHABCDEFGHJKMNPQRS?lang=sw")
expect_match "$dom" '<div class="lib-qr"><svg' "QR in the ticket DOM"
expect_match "$dom" 'Onyesha msimbo huu' "Swahili ticket page"
css=$(printf '%s' "$dom" | grep -o 'href="/static/app\.[0-9a-f]*\.css"' | cut -d'"' -f2)
expect_match "$(curl -fsS "$URL$css")" '\.lib-qr svg\{[^}]*background:#fff' "QR background in the stylesheet"
mkdir -p "$NYOTA_SRC/tests/out"
chrome --screenshot="$NYOTA_SRC/tests/out/library.png" "$URL/l/$tok?lang=en" >/dev/null
chrome --screenshot="$NYOTA_SRC/tests/out/ticket.png" "$URL/l/$tok/tickets/7K3MQ9XHABCDEFGHJKMNPQRS?lang=en" >/dev/null
[ -s "$NYOTA_SRC/tests/out/library.png" ] || fail "no library screenshot"
[ -s "$NYOTA_SRC/tests/out/ticket.png" ] || fail "no ticket screenshot"
# No token in the log, even from the browser's requests.
if grep -q "$tok" "$T/storefront.log"; then fail "token in the log"; fi
echo "screenshots: tests/out/library.png tests/out/ticket.png"
echo ok
