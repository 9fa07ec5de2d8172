# The storefront's log (NYOTA_LOG=debug, the most it writes) never holds a
# secret after a whole purchase: no order ref, library token, CSRF token,
# buyer cookie, full phone number or signed download URL — nor on error paths that
# carry them in the URL.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_LOG=debug
start_storefront
seed_catalog
csrf_init

set -- $(checkout song "0712 345 678")
expect_eq "$1" 303 "checkout answer"
REF=$2
wait_pushed "$REF"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$REF")" 200 "approve"
wait_status "$REF" paid
# The library link went to the phone (WhatsApp log driver).
got_link() { grep -q '"link":"' "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null; }
wait_until 60 "the library link on WhatsApp" got_link
lib=$(grep -o '"link":"[^"]*"' "$NYOTA_DATA_DIR/whatsapp.jsonl" | head -1 | sed 's/"link":"\(.*\)"/\1/')
TOKEN=${lib##*/}
BUYER=$(awk '$6 == "buyer" { print $7 }' "$JAR")
expect_match "$BUYER" '^[A-Za-z0-9_-]{43}$' "buyer cookie"
expect_eq "$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$URL/checkout/$REF/library")" 200 "order page"
expect_match "$TOKEN" '^[A-Za-z0-9_-]{43}$' "library token"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$lib")" 200 "library opens"
# Error paths with secrets in the URL.
curl -s -o /dev/null "$URL/l/${TOKEN}x"
curl -s -o /dev/null "$URL/l/$TOKEN/files/999"
curl -s -o /dev/null "$URL/l/$TOKEN/tickets/ABCD-EFGH"
curl -s -o /dev/null "$URL/checkout/${REF}zz/status"
curl -s -o /dev/null "$URL/dl/1/x.pdf?exp=1&sig=c2VjcmV0c2lnbmF0dXJl"
curl -s -o /dev/null -X POST "$URL/payments/mpesa/callback/s3cr3t-callback-path"
curl -s -o /dev/null -b "$JAR" --data-urlencode "csrf=$CSRF" \
	--data-urlencode "phone=0712345678" "$URL/library/recover"
# Let the outbox worker send the messages (the receipt, the recovery link).
sent_all() { [ "$(DB "SELECT count(*) FROM messages WHERE status IN ('queued', 'sending')")" = 0 ]; }
wait_until 60 "outbox sent everything" sent_all
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true

log="$T/storefront.log"
[ -s "$log" ] || fail "empty log"
for secret in "$REF" "$TOKEN" "$CSRF" "$BUYER" 254712345678 0712345678 \
    c2VjcmV0c2lnbmF0dXJl s3cr3t-callback-path; do
	if grep -qF -- "$secret" "$log"; then
		grep -F -- "$secret" "$log" | head -3 >&2
		fail "secret in the log: $secret"
	fi
done
# Every line is logfmt with a timestamp and a level.
bad=$(grep -cvE '^ts=[0-9-]+T[0-9:.]+Z level=(debug|info|warn|error) pid=[0-9]+ msg="' "$log" || true)
expect_eq "$bad" 0 "logfmt lines"
echo ok
