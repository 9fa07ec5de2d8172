# Reminders and subscriptions on a moved clock (NYOTA_CLOCK_OFFSET): the
# webinar reminder goes out within the hour before it starts (library
# link, no join link); the subscription reminder 3 days before the end,
# once; after the end the library shows it ended with a renew button and
# refuses its files; a renewal paid through the checkout runs from now
# (the later of now and the old end) for the period and opens the files
# again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
day=86400
start_storefront
lib_seed
read -r _ _ < <(recover "0712 345 678")
tok=$(token_of "$(link_for 254712345678)")
end=$(DB "SELECT expires_at FROM entitlements WHERE id = 2")
# restart OFFSET_SECONDS: the storefront again, its clock moved ahead.
restart() {
	kill "$SF_PID"
	wait "$SF_PID" 2>/dev/null || true
	export NYOTA_CLOCK_OFFSET="$1"
	start_storefront
}

# Half an hour before the webinar (it starts in 7 days): its reminder,
# with the library link and never the join link itself.
restart $((7 * day - 1800))
line=""
for _ in $(seq 1 300); do
	line=$(grep '"kind":"reminder"' "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null | tail -1 || true)
	[ -n "$line" ] && break
	sleep 0.1
done
expect_match "$line" 'Class' "webinar reminder names it"
expect_match "$line" "/l/$tok" "webinar reminder carries the library link"
if printf '%s' "$line" | grep -q 'meet.example'; then fail "join link in a WhatsApp message"; fi
expect_match "$(curl -fsS "$URL/l/$tok?lang=en")" 'https://meet.example/xyz' "join link in the library"

# 27 days and an hour later: inside the 3-day window → one reminder.
restart $((27 * day + 3600))
# The webinar reminder is already there: wait for the second line.
for _ in $(seq 1 300); do
	[ "$(grep -c '"kind":"reminder"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" -ge 2 ] && break
	sleep 0.1
done
line=$(grep '"kind":"reminder"' "$NYOTA_DATA_DIR/whatsapp.jsonl" | tail -1)
expect_match "$line" '"to":"254712345678"' "reminder to the subscriber"
expect_eq "$(grep -c '"kind":"reminder"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" 2 "webinar and subscription reminders"
expect_match "$line" 'Club' "reminder names the product"
expect_match "$line" '"lang":"sw"' "reminder in the buyer's language"
expect_match "$line" "/l/$tok" "reminder carries the library link"
expect_match "$(curl -fsS "$URL/l/$tok?lang=en")" 'Active until' "still active before the end"
expect_eq "$(status "$URL/l/$tok/files/3")" 303 "file before the end"
sleep 1.2
expect_eq "$(grep -c '"kind":"reminder"' "$NYOTA_DATA_DIR/whatsapp.jsonl")" 2 "each reminder once"

# A day after the end: ended, renew button, files refused.
restart $((31 * day))
page=$(curl -fsS "$URL/l/$tok?lang=en")
club=$(printf '%s' "$page" | sed -n '/<h3><a href="\/p\/club">Club<\/a><\/h3>/,/<\/article>/p')
expect_match "$club" 'Ended on' "ended after the end"
expect_match "$club" 'href="/p/club">Renew' "renew button"
if printf '%s' "$club" | grep -q 'issue-1.bin'; then fail "ended subscription lists its file"; fi
expect_eq "$(status "$URL/l/$tok/files/3")" 403 "file after the end"

# Renewal through the checkout, paid on the simulated handset.
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=100
restart $((31 * day))
csrf=$(curl -fsS -c "$T/jar" -b "$T/jar" "$URL/p/club" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$T/jar" -b "$T/jar" \
	--data "phone=0712345678&csrf=$csrf" "$URL/p/club/checkout")
ref=${loc##*/checkout/}
st=""
for _ in $(seq 1 600); do
	st=$(curl -fsS "$URL/checkout/$ref/status")
	printf '%s' "$st" | grep -q '"paid"' && break
	sleep 0.1
done
expect_match "$st" '"status": *"paid"' "renewal paid"
paid=$(DB "SELECT paid_at FROM orders WHERE ref = '$ref'")
new_end=$(DB "SELECT expires_at FROM entitlements WHERE customer_id = 1 AND product_id = 2")
expect_eq "$(DB "SELECT count(*) FROM entitlements WHERE customer_id = 1 AND product_id = 2")" 1 "one entitlement, extended"
expect_eq "$new_end" "$((paid + 30 * day))" "renewal runs from now (the old end is past)"
[ "$paid" -ge "$((end + day - 5))" ] || fail "the server clock did not move: paid $paid, end $end"
page=$(curl -fsS "$URL/l/$tok?lang=en")
club=$(printf '%s' "$page" | sed -n '/<h3><a href="\/p\/club">Club<\/a><\/h3>/,/<\/article>/p')
expect_match "$club" 'Active until' "active again"
expect_match "$club" 'issue-1.bin' "file listed again"
expect_eq "$(status "$URL/l/$tok/files/3")" 303 "file after renewal"
echo ok
