# Refunds from the console under tmux, as a creator does it: simulated
# sales of a ticket and a download; Orders → Enter shows the detail
# (amount, method, receipt, the buyer's phone masked, the timeline, the
# messages sent); r asks with the amount, y refunds: the order shows
# refunded, the buyer's library no longer has the ticket, check-in
# refuses its code, the seats are back on sale; the download leaves the
# library and its signed /dl URL is refused. An unpaid order is refused
# with a clear line; an M-Pesa payment (no reversal API) asks for the
# code of the money sent back by hand. The "to refund" view (t) refunds
# a late payment with r. `nyota-console order refund REF` refunds a sale
# (exit 0), refuses it again (exit 1, "already refunded") and refuses an
# unpaid order (exit 1); `order show` prints the detail. The detail in
# Swahili at 120×40 keeps its labels aligned.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/library-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at, published_at) VALUES ((SELECT id FROM creators WHERE handle='amina'), 'taarab-night', 'ticket', 'Taarab Night', 80000, 'KES', 'published', $now + 86400, 'Mombasa', 50, $now, $now, $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at) VALUES ((SELECT id FROM creators WHERE handle='amina'), 'riddim', 'download', 'Riddim Pack', 30000, 'KES', 'published', $now, $now, $now);"
head -c 20000 /dev/urandom > "$T/riddim.bin"
sha=$(put_blob "$T/riddim.bin")
sql "INSERT INTO product_files (product_id, name, sha256, position) VALUES ((SELECT id FROM products WHERE slug='riddim'), 'riddim.bin', '$sha', 0);"
FID=$(sql "SELECT id FROM product_files WHERE name='riddim.bin'")
# No automatic answer: the test approves each payment on the simulated
# handset, and an order it leaves alone stays unpaid.
start_storefront

# checkout SLUG PHONE QTY: a checkout on the storefront, pushed to the
# simulated handset; prints the order's ref.
checkout() {
	local jar="$T/jar.$2" page csrf loc ref
	page=$(curl -fsS -c "$jar" "$URL/p/$1?lang=en")
	csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no csrf on the product page"
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" -c "$jar" \
		--data-urlencode "phone=$2" --data "quantity=$3&csrf=$csrf" \
		"$URL/p/$1/checkout?lang=en")
	ref=${loc##*/checkout/}
	[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout did not redirect: $loc"
	wait_until 60 "order $ref pushed" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT y.status FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$ref'\")\" = pending ]"
	echo "$ref"
}
# buy SLUG PHONE QTY: a checkout approved on the handset; prints the ref
# once the order is paid.
buy() {
	local ref
	ref=$(checkout "$@")
	expect_eq "$(status "$URL/sim/stk/$ref" -d action=approve)" 200 "approve $ref"
	wait_until 60 "order $ref paid" sh -c "curl -fsS '$URL/checkout/$ref/status' | grep -q '\"paid\"'"
	echo "$ref"
}
seats() {
	curl -fsS "$URL/api/v1/products/taarab-night" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["seats_left"])'
}
seats_are() { [ "$(seats)" = "$1" ]; }

# A download first (the older row), then the ticket (the newest).
refD=$(buy riddim 0711222333 1)
dl_url=$(link_for 254711222333)
expect_match "$(curl -fsS "$dl_url?lang=en")" "/files/$FID\"" "the download in its library"
dl=$(curl -sS -o /dev/null -w '%{redirect_url}' "$dl_url/files/$FID")
expect_match "$dl" "/dl/" "a signed /dl URL"
expect_eq "$(status "$dl")" 200 "the download before the refund"
ref1=$(buy taarab-night 0712345678 2)
expect_eq "$(seats)" 48 "two seats sold"
lib_url=$(link_for 254712345678)
lib=$(curl -fsS "$lib_url?lang=en")
code=$(printf '%s' "$lib" | grep -o '<code>[0-9A-Z-]*</code>' | head -1 | sed 's/<[^>]*>//g')
[ -n "$code" ] || fail "no ticket code in the library"

# The detail at 80×24.
fresh_code "$SECRET"	# (the Swahili login below needs a newer step)
login a amina "$CODE" 80 24
wait_for a 'Dashboard'
tm send-keys -t a 2
wait_for a 'paid .*Taarab Night'
wait_for a 'paid .*Riddim Pack'
tm send-keys -t a Enter
wait_for a "Order $ref1"
wait_for a 'Timeline'
screen=$(screen_of a)
expect_match "$screen" 'Status +paid' "status"
expect_match "$screen" 'Product +Taarab Night · Event ticket × 2' "product, kind, quantity"
expect_match "$screen" 'Amount +KES 1,600.00' "amount"
expect_match "$screen" 'Method +Simulator' "method"
expect_match "$screen" 'Buyer +…678' "masked phone"
expect_match "$screen" 'Order created' "timeline: created"
expect_match "$screen" 'Paid' "timeline: paid"
expect_match "$screen" 'receipt · (queued|sending|sent)' "the receipt message"
expect_eq "$(count_of a '712 ?345|0712')" 0 "the whole phone never shown"
# The values line up after labels of any width.
expect_eq "$(screen_rows a | grep -cE '^ (Status|Amount|Buyer) +[^ ]' )" 3 "fields"
cols=$(screen_rows a | grep -E '^ (Status|Amount|Buyer) ' | sed -E 's/^( [A-Za-z]+ +).*/\1/' | awk '{ print length($0) }' | sort -u | wc -l)
expect_eq "$cols" 1 "values in one column"
expect_match "$(screen_rows a | tail -1)" 'r refund' "the detail's keys in the bar"

# r: the question shows the amount; y refunds.
tm send-keys -t a r
wait_for a 'Refund KES 1,600.00 to …678 \(Simulator\)\?'
tm send-keys -t a y
wait_for a 'Refunded. Access has ended'
wait_for a 'Status +refunded'
wait_for a 'Refund +refunded · simulated · amina'
# r again: nothing to do.
tm send-keys -t a r
wait_for a 'Already refunded'
expect_eq "$(sql "SELECT status FROM orders WHERE ref='$ref1'")" refunded "order refunded"
expect_eq "$(sql "SELECT status || ' ' || how || ' ' || actor FROM refunds WHERE order_id=(SELECT id FROM orders WHERE ref='$ref1')")" "done sim amina" "refund row"

# Access ended everywhere: the library, the door, the seats.
wait_until 30 "ticket gone from the library" sh -c "! curl -fsS '$lib_url?lang=en' | grep -q '$code'"
wait_until 30 "seats back on sale" seats_are 50
tm send-keys -t a Escape
wait_for a 'Status: all'
tm send-keys -t a 5
wait_for a 'Ticket code:'
tm send-keys -t a "$code" Enter
# Refused with the "refunded" banner and why, never valid.
wait_for a 'R E F U N D E D'
wait_for a "This ticket's order was refunded"
expect_eq "$(count_of a '^ *V A L I D')" 0 "a refunded ticket is not valid"

# The download: the second row, refunded the same way; its library
# item goes and its signed URL, made before, is refused at /dl.
tm send-keys -t a Escape 2
wait_for a 'Status: all'
tm send-keys -t a Down Enter
wait_for a "Order $refD"
wait_for a 'Amount +KES 300.00'
tm send-keys -t a r
wait_for a 'Refund KES 300.00 to …333 \(Simulator\)\?'
tm send-keys -t a y
wait_for a 'Refunded. Access has ended'
expect_eq "$(sql "SELECT status FROM orders WHERE ref='$refD'")" refunded "download refunded"
gone() { ! curl -fsS "$dl_url?lang=en" | grep -q "/files/$FID\""; }
wait_until 30 "download gone from the library" gone
expect_eq "$(status "$dl")" 403 "the signed URL refused at /dl"
expect_eq "$(status "$dl_url/files/$FID")" 403 "no new signed URL"
# The buyer is told on WhatsApp, naming the order.
wait_until 30 "refund message" sh -c "grep '\"to\":\"254711222333\",\"kind\":\"refund\"' '$NYOTA_DATA_DIR/whatsapp.jsonl' | grep -qF -- '$refD'"

# An unpaid order: r says why not, nothing changes.
refU=$(checkout riddim 0744000999 1)
tm send-keys -t a Escape
wait_for a 'pending .*Riddim Pack'
# Back on the list, the list's keys in the bar (not the detail's).
expect_match "$(screen_rows a | tail -1)" 'Enter open  r refund' "the list's keys"
tm send-keys -t a Home r
wait_for a "Order $refU"
wait_for a 'This order cannot be refunded now \(not paid'
expect_eq "$(sql "SELECT count(*) FROM refunds WHERE order_id=(SELECT id FROM orders WHERE ref='$refU')")" 0 "no refund row for an unpaid order"

# M-Pesa without the reversal API: the creator sends the money back and
# types its code. (A sim sale marked as M-Pesa: no Daraja here.)
refM=$(buy riddim 0755000444 1)
sql "UPDATE payments SET provider='mpesa', receipt='QAB12CD34E' WHERE order_id=(SELECT id FROM orders WHERE ref='$refM');"
tm send-keys -t a Escape
wait_for a "paid .*$(printf '%.6s' "$refM")"
tm send-keys -t a Home Enter
wait_for a "Order $refM"
wait_for a 'Method +M-Pesa'
tm send-keys -t a r
wait_for a 'Send KES 300.00 back on M-Pesa \(or reverse receipt QAB12CD34E\)'
wait_for a 'M-Pesa code:'
tm send-keys -t a 'sk12' Enter
wait_for a 'An M-Pesa code is 10 letters and digits'
tm send-keys -t a 'x9y8z7' Enter
wait_for a 'Record that KES 300.00 went back to …444 on M-Pesa with code SK12X9Y8Z7\?'
tm send-keys -t a y
wait_for a 'Refunded. Access has ended'
wait_for a 'Refund +refunded · by hand SK12X9Y8Z7 · amina'
expect_eq "$(sql "SELECT status || ' ' || how || ' ' || manual_code FROM refunds WHERE order_id=(SELECT id FROM orders WHERE ref='$refM')")" "done hand SK12X9Y8Z7" "refund by hand recorded"

# The "to refund" view: a payment that came after the last seat went
# (as payment_settle leaves it) is refunded with r from the list.
ref3=$(buy taarab-night 0733000555 1)
sql "UPDATE orders SET status='expired', failure='late_refund', paid_at=NULL, expires_at=created_at WHERE ref='$ref3';"
tm send-keys -t a Escape
wait_for a 'Status: all'
tm send-keys -t a t
wait_for a 'To refund .*\(1\)'
wait_for a 'to refund .*Taarab Night'
tm send-keys -t a r
wait_for a 'Refund KES 800.00 to …555'
tm send-keys -t a y
wait_for a 'Refunded. Access has ended'
expect_eq "$(sql "SELECT status FROM orders WHERE ref='$ref3'")" refunded "late payment refunded"
tm send-keys -t a Escape
wait_for a 'To refund .*\(0\)'
wait_for a 'Nothing to refund'
tm send-keys -t a q
wait_for a 'ssh-exit=0'

# The operator's CLI.
ref2=$(buy taarab-night 0722000111 1)
out=$(console order refund "$ref2" --reason "event moved" 2>&1) || fail "order refund: exit $?: $out"
expect_match "$out" "order $ref2 refunded: KES 800.00" "CLI refund line"
expect_eq "$(sql "SELECT actor || '|' || reason FROM refunds WHERE order_id=(SELECT id FROM orders WHERE ref='$ref2')")" "cli|event moved" "actor cli, reason kept"
rc=0
out=$(console order refund "$ref2" 2>&1) || rc=$?
expect_eq "$rc" 1 "second refund refused"
expect_match "$out" "^nyota: order $ref2 is already refunded$" "already refunded"
rc=0
out=$(console order refund no-such-order 2>&1) || rc=$?
expect_eq "$rc" 1 "unknown order"
expect_match "$out" '^nyota: no order no-such-order$' "unknown order line"
rc=0
console order refund "$ref2" --reason > /dev/null 2>&1 || rc=$?
expect_eq "$rc" 2 "an option without its value is a usage error"
rc=0
out=$(console order refund "$ref2" --because x 2>&1) || rc=$?
expect_eq "$rc" 2 "an unknown option is a usage error"
expect_match "$out" 'order refund REF \[--reason TEXT\] \[--mpesa-code CODE\]' "usage line"
rc=0
out=$(console order refund "$refU" 2>&1) || rc=$?
expect_eq "$rc" 1 "an unpaid order is refused"
expect_match "$out" "^nyota: order $refU cannot be refunded: it is pending" "unpaid order line"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "one line"
rc=0
out=$(console order refund "$refD" --mpesa-code QAB12CD34E 2>&1) || rc=$?
expect_eq "$rc" 1 "a code for a refunded order"
expect_match "$out" "^nyota: order $refD is already refunded$" "state before the code"
out=$(console order show "$ref2")
expect_match "$out" 'Refund +refunded · simulated · cli · event moved' "show: refund"
expect_match "$out" 'Refund asked · cli' "show: timeline"
expect_match "$out" 'Buyer +…111' "show: masked phone"
printf '%s' "$out" | grep -q '722000111' && fail "show prints the whole phone"
seats_are 50 || fail "seats after the CLI refund: $(seats)"

# Swahili at 120×40: the refunded order's detail, labels aligned by width.
sql "UPDATE creators SET locale='sw' WHERE handle='amina';"
fresh_code "$SECRET"
login b amina "$CODE" 120 40
wait_for b 'Dashibodi|Muhtasari'
tm send-keys -t b 2
wait_for b 'Taarab Night'
tm send-keys -t b Enter
wait_for b 'Mfuatano wa matukio'
wait_for b 'Marejesho +imerejeshwa'
cols=$(screen_rows b | grep -E '^ (Hali|Kiasi|Mnunuzi|Marejesho) ' | sed -E 's/^( [A-Za-z]+ +).*/\1/' | awk '{ print length($0) }' | sort -u)
expect_eq "$(printf '%s\n' "$cols" | wc -l)" 1 "Swahili values in one column"
expect_match "$(screen_rows b | tail -1)" 'r rejesha' "Swahili keys in the bar"
echo ok
