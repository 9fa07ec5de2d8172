# Security issue, items 1 and 2: a checkout hands the buying browser this
# order's items only — never the library of whoever owns the typed phone
# number; a free product needs the code sent to the phone; a ref alone
# shows the status and nothing else. (Before: a free checkout with a
# stranger's phone returned that stranger's whole library link at once,
# in the status JSON, the page and the stream.) Item 8 is in
# sec-phone-limits.sh.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
VICTIM=254712345678

# jar_for NAME: a browser (cookie jar with a CSRF token); sets JAR, CSRF.
jar_for() {
	JAR="$T/jar.$1"
	curl -fsS -c "$JAR" -o /dev/null "$URL/p/song"
	CSRF=$(awk '$6 == "csrf" { print $7 }' "$JAR")
	[ -n "$CSRF" ] || fail "no csrf cookie for $1"
}
approve() {
	wait_pushed "$1"
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$1")" 200 "approve $1"
	wait_status "$1" paid
}
# no_library TEXT WHAT: nothing in TEXT opens the phone's library.
no_library() {
	printf '%s' "$1" | grep -Eq '/l/[A-Za-z0-9_-]{20,}' && fail "$2: a library link: $(printf '%s' "$1" | grep -Eo '.{40}/l/[A-Za-z0-9_-]{20,}' | head -1)"
	return 0
}

# The victim owns a ticket (bought and approved from their own browser).
jar_for victim
set -- $(checkout gig "0712345678" 1)
expect_eq "$1" 303 "victim's checkout"
VREF=$2
approve "$VREF"
VJAR=$JAR

# 1. A stranger checks out the FREE product with the victim's number.
jar_for stranger
SJAR=$JAR
set -- $(checkout free "0712 345 678" 1 --interface 127.0.0.2)
expect_eq "$1" 303 "stranger's free checkout"
FREF=$2
st=$(curl -fsS -b "$SJAR" "$URL/checkout/$FREF/status")
expect_match "$st" '"status":"pending"' "a free order waits for the phone's code"
no_library "$st" "free status"
page=$(curl -fsS -b "$SJAR" "$URL/checkout/$FREF?lang=en")
no_library "$page" "free waiting page"
expect_match "$page" 'name="code"' "the code form"
sse=$(curl -sN -b "$SJAR" --max-time 2 "$URL/checkout/$FREF/events" || true)
no_library "$sse" "free stream"
# The code went to the victim's WhatsApp, not to the stranger.
code=$(sent_code $VICTIM)
wrong=$(printf '%06d' $(( (10#$code + 1) % 1000000 )))
for i in 1 2 3 4; do
	expect_eq "$(curl -s -b "$SJAR" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$CSRF" -d "code=$wrong" "$URL/checkout/$FREF/confirm")" 422 "wrong code $i"
done
# The fifth wrong code ends the order; the right one comes too late.
curl -s -b "$SJAR" -o /dev/null --data-urlencode "csrf=$CSRF" -d "code=$wrong" "$URL/checkout/$FREF/confirm"
curl -s -b "$SJAR" -o /dev/null --data-urlencode "csrf=$CSRF" -d "code=$code" "$URL/checkout/$FREF/confirm"
wait_status "$FREF" failed
expect_eq "$(DB "SELECT count(*) FROM entitlements e JOIN orders o ON o.id = e.order_id WHERE o.ref = '$FREF'")" 0 "nothing granted"
# Another browser cannot even try the code.
expect_eq "$(curl -s -b "$VJAR" -o /dev/null -w '%{http_code}' -d "code=$code&csrf=x" "$URL/checkout/$FREF/confirm")" 403 "code from another browser"

# 2. A stranger checks out a PAID product with the victim's number and the
# victim approves the unsolicited push: the stranger's browser gets this
# order's item only, never the victim's library (the ticket stays hidden).
JAR=$SJAR
set -- $(checkout song "0712345678" 1 --interface 127.0.0.2)
expect_eq "$1" 303 "stranger's paid checkout"
PREF=$2
approve "$PREF"
st=$(curl -fsS -b "$SJAR" "$URL/checkout/$PREF/status")
no_library "$st" "paid status"
expect_match "$st" "\"library_url\":\"$URL/checkout/$PREF/library\"" "the order's own page"
op=$(curl -fsS -b "$SJAR" "$URL/checkout/$PREF/library?lang=en")
no_library "$op" "order page"
expect_match "$op" 'A song' "the order's item"
printf '%s' "$op" | grep -q 'Gig' && fail "the victim's ticket on the stranger's order page"
expect_eq "$(curl -s -b "$SJAR" -o /dev/null -w '%{http_code}' "$URL/checkout/$VREF/library")" 404 "the victim's order from the stranger's browser"
# The victim's phone got the library link on WhatsApp.
grep -q "\"to\":\"$VICTIM\".*\"link\":\"$URL/l/" "$NYOTA_DATA_DIR/whatsapp.jsonl" || fail "no library link to the victim's WhatsApp"

# 3. A ref alone (no cookie): the status and nothing else.
for r in "$VREF" "$PREF"; do
	no_library "$(curl -fsS "$URL/checkout/$r")" "page of $r without cookie"
	curl -fsS "$URL/checkout/$r" | grep -q 'id="co-library"' && fail "order button without the cookie"
	expect_match "$(curl -fsS "$URL/checkout/$r/status")" '"status":"paid","reason":null,"library_url":null' "status of $r without cookie"
	sse=$(curl -sN --max-time 2 "$URL/checkout/$r/events" || true)
	expect_match "$sse" '"library_url":null' "stream of $r without cookie"
	for sub in library files/1 tickets/x calendar/1.ics; do
		expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/checkout/$r/$sub")" 404 "/checkout/$r/$sub without cookie"
	done
done
# The browser secret is kept as a keyed hash only.
expect_eq "$(DB "SELECT count(*) FROM orders WHERE browser_hash IS NOT NULL AND length(browser_hash) = 32")" "$(DB 'SELECT count(*) FROM orders')" "every order has a browser hash"
bcookie=$(awk '$6 == "buyer" { print $7 }' "$SJAR")
[ -n "$bcookie" ] || fail "no buyer cookie"
grep -aq "$bcookie" "$NYOTA_DATA_DIR/nyota.db" && fail "buyer cookie stored in clear"
grep -aq "$bcookie" "$T/storefront.log" && fail "buyer cookie in the log"

echo ok
