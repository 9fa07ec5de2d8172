# The Orders and Customers lists as a person reads them at 80x24, in
# English and in Swahili (issue 15, items 6, 15 and 16). Orders: a new
# order of a long title shows whole words then "…" and the NEW badge in
# its own column (never "Nairobi Street PNEW"); 'p' narrows to one
# product, named in the header; '/' searches as typed with the terminal
# cursor in the field; Enter opens the order's detail under a product
# filter, a search and a status filter alike. Customers: a list of
# buyers, most recent first, with orders in words ("3 orders", "oda 3")
# and totals per currency ("KES 3,000.00 · USD 12.00"); '/' finds one by
# the digits its masked phone shows or a whole number, never a prefix
# of the hidden ones; Enter opens them ("…601 · Kiswahili · 3 orders"), r
# resends their link and the audit log says so with the masked phone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

cursor() { tm display -p -t "$1" '#{cursor_x},#{cursor_y},#{cursor_flag}'; }
wait_cursor() {
	for _ in $(seq 1 100); do
		[ "$(cursor "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	screen_rows "$1" >&2
	fail "cursor of $1 at $(cursor "$1"), not $2"
}
# rows_of NAME REGEX: the list rows (pane rows 3..22) matching.
rows_of() { screen_rows "$1" | sed -n '4,23p' | grep -Ec -- "$2" || true; }

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
LONG='Nairobi Street Photography Masterclass for Beginners and Friends'
sql "INSERT INTO creators (handle, display_name, locale, created_at) VALUES ('zuri', 'Zuri', 'en', $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at) VALUES
 ((SELECT id FROM creators WHERE handle='amina'), 'street', 'download', '$LONG', 150000, 'KES', 'published', $now - 100, $now, $now),
 ((SELECT id FROM creators WHERE handle='amina'), 'kozi', 'download', 'Kozi ya picha', 1200, 'USD', 'published', $now - 50, $now, $now),
 ((SELECT id FROM creators WHERE handle='zuri'), 'zuri-club', 'download', 'Zuri Club', 1000, 'KES', 'published', $now, $now, $now);"
sql "INSERT INTO customers (phone, locale, created_at) VALUES ('254712345601', 'sw', $now), ('254712345702', 'en', $now), ('254712345803', 'en', $now), ('254712345904', 'en', $now);"
# order REF PHONE SLUG AMOUNT CURRENCY AGE_S: a paid order with its access.
order() {
	sql "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES ('$1', (SELECT id FROM customers WHERE phone='$2'), (SELECT id FROM products WHERE slug='$3'), $4, '$5', 'paid', $now - $6, $now, $now + 120, $now - $6); $ORDER_LINES_SQL"
	sql "INSERT OR IGNORE INTO entitlements (customer_id, product_id, order_id, starts_at) VALUES ((SELECT id FROM customers WHERE phone='$2'), (SELECT id FROM products WHERE slug='$3'), (SELECT id FROM orders WHERE ref='$1'), $now - $6);"
}
order street-first-order 254712345601 street 150000 KES 900
order street-again-order 254712345601 street 150000 KES 800
order kozi-only-order-x1 254712345601 kozi 1200 USD 700
order street-older-buyer 254712345702 street 150000 KES 1000
order zuri-other-shop-01 254712345904 zuri-club 1000 KES 600

run() {	# run NAME LANG: the whole walk in one language
	local s=$1 lang=$2 line
	fresh_code "$SECRET"
	login "$s" amina "$CODE" 80 24
	wait_for "$s" 'amina'
	tm send-keys -t "$s" 2
	if [ "$lang" = sw ]; then
		wait_for "$s" 'Saa +Hali +Kiasi'
	else
		wait_for "$s" 'Time +Status +Amount'
	fi
	expect_eq "$(rows_of "$s" 'zuri|Zuri')" 0 "another shop's order hidden"
	# The new keys are in the bar at 80 columns.
	expect_match "$(screen_rows "$s" | tail -1)" 'p (product|bidhaa)  / (search|tafuta)' "Orders key hints"

	# A sale while the list is open: NEW in its own column, the title
	# cut after a whole word.
	order "street-new-$lang-order" 254712345803 street 150000 KES 0
	wait_for "$s" 'NEW|MPYA'
	line=$(screen_rows "$s" | grep -E -m1 'NEW|MPYA')
	expect_match "$line" 'Nairobi( Street( Photography( Masterclass( for)?)?)?)?… +(NEW|MPYA) *$' "NEW after a whole-word cut"
	expect_eq "$(printf '%s' "$line" | grep -Ec '[[:alnum:]](NEW|MPYA)')" 0 "NEW glued to the title"

	# '/' searches as typed, the cursor in the field; Esc clears.
	tm send-keys -t "$s" /
	wait_for "$s" 'Search:|Tafuta:'
	wait_cursor "$s" "9,2,1"	# after "Search: " or "Tafuta: "
	tm send-keys -t "$s" 702
	wait_cursor "$s" "12,2,1"
	for _ in $(seq 1 50); do [ "$(rows_of "$s" '…601')" = 0 ] && break; sleep 0.1; done
	expect_eq "$(rows_of "$s" '…601')" 0 "search leaves other phones out"
	expect_eq "$(rows_of "$s" '…702')" 1 "search finds the masked phone"
	tm send-keys -t "$s" Enter Enter
	wait_for "$s" 'street-older-buyer'
	tm send-keys -t "$s" Escape
	wait_for "$s" '…702'
	tm send-keys -t "$s" Escape
	wait_for "$s" '…601'
	expect_eq "$(count_of "$s" 'Search:|Tafuta:')" 0 "Esc clears the search"

	# p: one product, named in the header; Enter opens from there.
	tm send-keys -t "$s" p
	wait_for "$s" 'Bidhaa zote|All products'
	tm send-keys -t "$s" Down Enter
	wait_for "$s" '(Product|Bidhaa): Kozi ya picha'
	expect_eq "$(rows_of "$s" 'Nairobi')" 0 "product filter leaves others out"
	expect_eq "$(rows_of "$s" 'Kozi ya picha')" 1 "product filter keeps its orders"
	tm send-keys -t "$s" Enter
	wait_for "$s" 'kozi-only-order-x1'
	tm send-keys -t "$s" Escape
	wait_for "$s" '(Product|Bidhaa): Kozi ya picha'
	# The status filter, with the product filter still on.
	tm send-keys -t "$s" f
	if [ "$lang" = sw ]; then wait_for "$s" 'Hali: imelipwa'; else wait_for "$s" 'Status: paid'; fi
	tm send-keys -t "$s" Enter
	wait_for "$s" 'kozi-only-order-x1'
	tm send-keys -t "$s" Escape

	# Customers: most recent buyer first, orders in words, currencies apart.
	tm send-keys -t "$s" 4
	wait_for "$s" 'Search phone:|Tafuta simu:'
	expect_eq "$(rows_of "$s" '…904')" 0 "another shop's buyer hidden"
	expect_match "$(screen_rows "$s" | tail -1)" 'Enter (open|fungua)  / (search phone|tafuta simu)' "Customers key hints"
	line=$(screen_rows "$s" | grep -m1 '…601')
	if [ "$lang" = sw ]; then
		expect_match "$line" 'Kiswahili +oda 3 .*KSh 3,000\.00 · USD 12\.00' "buyer's row"
		expect_match "$(screen_rows "$s" | grep -m1 '…702')" 'Kiingereza +oda 1 .*KSh 1,500\.00' "one order"
	else
		expect_match "$line" 'Kiswahili +3 orders .*KES 3,000\.00 · USD 12\.00' "buyer's row"
		expect_match "$(screen_rows "$s" | grep -m1 '…702')" 'English +1 order  .*KES 1,500\.00' "one order"
	fi
	first=$(screen_rows "$s" | sed -n '4p')
	expect_match "$first" '…803' "most recent buyer first"
	# The phones show masked: their hidden digits find nobody, or typing
	# prefixes would spell a whole number (a whole number finds its buyer).
	tm send-keys -t "$s" / 2547
	for _ in $(seq 1 50); do [ "$(rows_of "$s" '…')" = 0 ] && break; sleep 0.1; done
	expect_eq "$(rows_of "$s" '…')" 0 "a prefix of a masked phone finds nobody"
	tm send-keys -t "$s" Escape
	wait_for "$s" '…601'
	tm send-keys -t "$s" / "0712 345 702"
	for _ in $(seq 1 50); do [ "$(rows_of "$s" '…')" = 1 ] && break; sleep 0.1; done
	expect_eq "$(rows_of "$s" '…702')" 1 "a whole number finds its buyer"
	expect_eq "$(rows_of "$s" '…')" 1 "only that buyer"
	tm send-keys -t "$s" Escape
	wait_for "$s" '…601'
	tm send-keys -t "$s" / 601
	# After "Search phone: " (14 columns) or "Tafuta simu: " (13) and 601.
	if [ "$lang" = sw ]; then wait_cursor "$s" "17,1,1"; else wait_cursor "$s" "18,1,1"; fi
	for _ in $(seq 1 50); do [ "$(rows_of "$s" '…803')" = 0 ] && break; sleep 0.1; done
	expect_eq "$(rows_of "$s" '…')" 1 "search by phone digits"
	tm send-keys -t "$s" Enter Enter
	if [ "$lang" = sw ]; then
		wait_for "$s" '…601 · Kiswahili · oda 3 · KSh 3,000\.00 · USD 12\.00'
	else
		wait_for "$s" '…601 · Kiswahili · 3 orders · KES 3,000\.00 · USD 12\.00'
	fi
	wait_for "$s" 'Kozi ya picha'
	expect_match "$(screen_rows "$s" | tail -1)" '(Esc back|Esc rudi)  r (resend link|tuma kiungo tena)' "customer key hints"
	before=$(sql "SELECT count(*) FROM audit_log WHERE action='library.resend' AND detail='…601'")
	sleep 1.1	# one resend per customer and second
	tm send-keys -t "$s" r
	wait_for "$s" 'queued on WhatsApp|kutumwa WhatsApp'
	expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action='library.resend' AND detail='…601'")" "$((before + 1))" "resend audited with the masked phone"
	expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%254712345601%'")" 0 "no whole phone in the audit log"
	tm send-keys -t "$s" Escape
	wait_for "$s" 'Search phone:|Tafuta simu:'
	tm send-keys -t "$s" Escape q
	wait_for "$s" 'ssh-exit='
}

run en en
sql "UPDATE creators SET locale='sw' WHERE handle='amina';"
run sw sw
echo "console-lists: ok"
