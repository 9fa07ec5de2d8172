# A buyer without WhatsApp gets the library by email: the receipt goes to
# the address typed at checkout too (log driver: mail.jsonl) with a link
# that opens what was bought with that address — and nothing else of the
# phone's, since anyone may type a stranger's phone. Recovery by email
# answers alike for every address and sends the address's own link.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
seed_catalog
csrf_init
MAIL="$NYOTA_DATA_DIR/mail.jsonl"

# mail_link TO KIND: the library link of the newest KIND mail to TO.
mail_link() {
	python3 - "$MAIL" "$1" "$2" <<'PY'
import json, re, sys
link = ""
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("to") == sys.argv[2] and m.get("kind") == sys.argv[3]:
        s = json.dumps(m)
        f = re.search(r'https?://[^"\s<>\\]*/l/[A-Za-z0-9_-]{43}', s)
        if f:
            link = f.group(0)
print(link)
PY
}
# wa_link PHONE KIND: the same from the WhatsApp log.
wa_link() {
	python3 - "$NYOTA_DATA_DIR/whatsapp.jsonl" "$1" "$2" <<'PY'
import json, re, sys
link = ""
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("to") == sys.argv[2] and m.get("kind") == sys.argv[3]:
        f = re.search(r'https?://\S*/l/[A-Za-z0-9_-]{43}', json.dumps(m))
        if f:
            link = f.group(0)
print(link)
PY
}
has_mail() { [ -n "$(mail_link "$1" "$2" 2>/dev/null)" ]; }

# The phone's owner buys the song, without an address.
set -- $(checkout song 0712345678)
expect_eq "$1" 303 "first checkout"
wait_status "$2" paid
# Someone else types the same phone with their own address: a ticket.
set -- $(checkout gig 0712345678 1 --data-urlencode "email= Eve@Example.COM ")
expect_eq "$1" 303 "checkout with an address"
wait_status "$2" paid
expect_eq "$(DB "SELECT email FROM orders WHERE ref = '$2'")" "eve@example.com" \
	"address kept, lower-cased"

wait_until 30 "receipt mailed" has_mail eve@example.com receipt
ML=$(mail_link eve@example.com receipt)
expect_match "$ML" "^$URL/l/" "absolute link from the base URL"
page=$(curl -fsS -H 'Accept-Language: en' "$ML")
expect_match "$page" "Gig" "the mailed link opens the ticket"
printf '%s' "$page" | grep -q "A song" && fail "the mailed link shows the phone's other purchase"
expect_match "$page" "eve@example.com" "the page says which address"

# The phone's own link (WhatsApp) still opens everything.
has_wa() { [ -n "$(wa_link 254712345678 receipt 2>/dev/null)" ]; }
wait_until 30 "receipt on WhatsApp" has_wa
WL=$(wa_link 254712345678 receipt)
[ -n "$WL" ] || fail "no WhatsApp receipt link"
[ "$WL" != "$ML" ] || fail "the mail carries the phone's key"
page=$(curl -fsS -H 'Accept-Language: en' "$WL")
expect_match "$page" "A song" "phone link: the song"
expect_match "$page" "Gig" "phone link: the ticket"

# A receipt of the phone's order is not reachable through the mailed link.
SONG_REF=$(DB "SELECT ref FROM orders WHERE product_id = 1")
code=$(curl -s -o /dev/null -w '%{http_code}' "$ML/orders/$SONG_REF")
expect_eq "$code" 404 "another order's receipt through the mailed link"

# Recovery by email: the same answer for a known and an unknown address.
recover() {
	curl -s -b "$JAR" -H 'Accept-Language: en' -o "$T/rec" -w '%{http_code}' \
		--data-urlencode "csrf=$CSRF" --data-urlencode "email=$1" \
		"$URL/library/recover"
}
expect_eq "$(recover nobody@example.com)" 200 "unknown address"
a=$(cat "$T/rec")
expect_eq "$(recover eve@EXAMPLE.com)" 200 "known address"
expect_eq "$(cat "$T/rec")" "$a" "the same page for both"
wait_until 30 "link mailed" has_mail eve@example.com library_link
RL=$(mail_link eve@example.com library_link)
page=$(curl -fsS -H 'Accept-Language: en' "$RL")
expect_match "$page" "Gig" "recovered link opens the ticket"
printf '%s' "$page" | grep -q "A song" && fail "recovered link shows the phone's other purchase"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE channel = 'email' AND to_email = 'nobody@example.com'")" 0 \
	"nothing mailed to an unknown address"
expect_eq "$(recover 'not an address')" 422 "a bad address"
expect_match "$(cat "$T/rec")" "does not look right" "with the reason"
echo ok
