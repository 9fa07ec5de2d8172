# Headless Chromium completes a simulated checkout: it opens the waiting
# page, the EventSource script hears "paid" and the browser lands on the
# buyer's library.
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
lib=$(curl -fsS "$URL/checkout/$REF/status" | sed 's/.*"library_url":"\([^"]*\)".*/\1/')
expect_match "$lib" '/l/' "paid with a library link"
# The DOM is the library page (not the waiting page any more).
printf '%s' "$dom" | grep -q 'id="checkout"' && fail "browser stayed on the waiting page: $(printf '%s' "$dom" | head -c 600)"
expect_match "$dom" 'A song' "library lists the purchase"
echo ok
