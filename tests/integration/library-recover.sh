# POST /library/recover answers alike for known and unknown phones, sends
# the current link (no rotation) only to a phone that owns something, in
# its language; refuses forms without the CSRF token; rate-limits per
# phone (3 an hour) and per address.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
# A recovery message is sent once per fixed 10-minute window of the
# server's clock: start that clock at the top of a window so that the
# "not repeated" check below cannot straddle a boundary.
export NYOTA_CLOCK_OFFSET=$(( 600 - $(date +%s) % 600 ))
start_storefront
lib_seed

read -r c1 known < <(recover "0712 345 678")
read -r c2 unknown < <(recover "0733 999 888")
expect_eq "$c1" 200 "known phone status"
expect_eq "$c2" 200 "unknown phone status"
body() { sed -n '/<main>/,/<\/main>/p' "$1"; }
expect_eq "$(body "$known")" "$(body "$unknown")" "same page for known and unknown"
expect_eq "$(wc -c < "$known")" "$(wc -c < "$unknown")" "same length for known and unknown"
expect_match "$(body "$known")" 'on its way to WhatsApp' "answer text"

link=$(link_for 254712345678)
line=$(grep '"to":"254712345678"' "$NYOTA_DATA_DIR/whatsapp.jsonl" | tail -1)
expect_match "$line" '"lang":"sw"' "message in the buyer's language"
expect_match "$line" '"kind":"library_link"' "message kind"
expect_match "$line" 'maktaba' "Swahili body"
sleep 1.5
if grep -q '"to":"254733999888"' "$NYOTA_DATA_DIR/whatsapp.jsonl"; then
	fail "message to an unknown phone"
fi
expect_eq "$(status "$link")" 200 "the sent link opens the library"
# Recovery does not rotate: the same link again (within 10 minutes the
# message is not repeated either).
read -r c3 _ < <(recover "+254712345678")
expect_eq "$c3" 200 "second request"
expect_eq "$(grep -c '"to":"254712345678"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" 1 "one message per 10 minutes"
expect_eq "$(status "$link")" 200 "old link still valid"

# Per-phone limit: the 4th request within the hour → 429.
read -r c4 _ < <(recover "0712345678")
expect_eq "$c4" 200 "third request"
read -r c4 f4 < <(recover "0712345678")
expect_eq "$c4" 429 "rate limited per phone"
expect_match "$(cat "$f4")" 'Too many requests' "limit message"
# The unknown phone is limited alike (no difference to observe).
read -r _ _ < <(recover "0733999888")
read -r _ _ < <(recover "0733999888")
read -r c5 _ < <(recover "0733999888")
expect_eq "$c5" 429 "unknown phone limited alike"

# Bad input and missing CSRF.
read -r c6 f6 < <(recover "hello")
expect_eq "$c6" 422 "invalid phone"
expect_match "$(cat "$f6")" 'role="alert"' "error shown"
st=$(curl -s -o /dev/null -w '%{http_code}' --data 'phone=0712345678' "$URL/library/recover")
expect_eq "$st" 403 "no CSRF token"
# Per-address limit (10 an hour): further phones from here → 429.
for p in 0700000001 0700000002 0700000003 0700000004 0700000005; do
	read -r _ _ < <(recover "$p")
done
read -r c7 _ < <(recover "0700000006")
expect_eq "$c7" 429 "rate limited per address"
echo ok
