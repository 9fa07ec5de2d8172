# Headless Chromium follows a simulated checkout: it opens the waiting
# page, the EventSource script hears "paid" and the page turns to paid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP: chromium is not installed (apt-get install chromium)"
	exit 0
fi
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=1500
start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345678")
expect_eq "$1" 303 "checkout"
REF=$2
dom=$(timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic \
	--no-first-run --disable-background-networking --disable-component-update \
	--disable-sync --disable-dev-shm-usage --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
	--window-size=360,740 --virtual-time-budget=15000 --dump-dom \
	"$URL/checkout/$REF" 2>>"$T/chrome.log")
# This Chromium did not make the order (curl did): it hears "paid" and
# shows the paid page, with no link; only the buying browser (the jar)
# gets the order's items.
expect_match "$dom" 'data-status="paid"' "browser followed the payment to paid: $(printf '%s' "$dom" | head -c 300)"
printf '%s' "$dom" | grep -q 'co-library\|/l/' && fail "a link for a browser that did not buy"
lib=$(curl -fsS -b "$JAR" "$URL/checkout/$REF/status" | sed 's/.*"library_url":"\([^"]*\)".*/\1/')
expect_match "$lib" "/checkout/$REF/library" "the buying browser gets the order's page"
expect_match "$(curl -fsS -b "$JAR" "$lib")" 'A song' "order page lists the purchase"
echo ok
