# Headless Chromium at a phone's size loads a product page: the DOM shows
# title, price and story; a screenshot goes to tests/out/product.png.
. "$(dirname "$0")/lib.sh"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 0
fi
start_storefront
sqlite3 "$NYOTA_DATA_DIR/nyota.db" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
wait_page / 'Nairobi Nights'
chrome() {
	timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking --disable-component-update \
	    --disable-sync --disable-dev-shm-usage --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	    --window-size=360,740 "$@" 2>>"$T/chrome.log"
}
dom=$(chrome --dump-dom "$URL/p/tamasha-live")
expect_match "$dom" '<h1>Tamasha Live</h1>' "title in the DOM"
expect_match "$dom" 'KES 1,500.00' "price in the DOM"
expect_match "$dom" 'Doors open at 8' "story in the DOM"
dom=$(chrome --dump-dom "$URL/p/nairobi-nights")
expect_match "$dom" '<strong>three nights</strong>' "Markdown story"
printf '%s' "$dom" | grep -q '<script>alert' && fail "story script in the DOM"
mkdir -p "$NYOTA_SRC/tests/out"
chrome --screenshot="$NYOTA_SRC/tests/out/product.png" "$URL/p/nairobi-nights" >/dev/null
[ -s "$NYOTA_SRC/tests/out/product.png" ] || fail "no screenshot"
echo "screenshot: tests/out/product.png"
echo ok
