# A simulated purchase on the storefront lands live in the Orders feed;
# Customers finds the buyer by phone and resends the link; Messages shows
# this creator's outbox only and retries a failed message; Products lists with sales.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, starts_at, capacity, created_at, updated_at, published_at) VALUES ((SELECT id FROM creators WHERE handle='amina'), 'taarab-night', 'ticket', 'Taarab Night', 80000, 'KES', 'published', $now + 86400, 50, $now, $now, $now);"
NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=300 start_storefront

login a amina "$(totp "$SECRET")" 100 30
wait_for a 'Dashboard'
tm send-keys -t a 2
wait_for a 'Orders'

# Buy on the storefront like a phone would.
jar="$T/jar"
page=$(curl -fsS -c "$jar" "$URL/p/taarab-night")
csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no csrf on the product page"
curl -fsS -b "$jar" -c "$jar" -o /dev/null -d "phone=0712345678&quantity=2&csrf=$csrf" "$URL/p/taarab-night/checkout"
wait_for a 'paid .*Taarab Night'
wait_for a 'NEW'
tm send-keys -t a f
wait_for a 'Status: paid'

# Customers: search by phone, resend the link. Only amina's products are
# shown: the buyer's purchase from another creator is not, and a buyer of
# the other shop only is "no customer" here.
sql "INSERT INTO creators (handle, display_name, locale, created_at) VALUES ('zuri', 'Zuri', 'en', $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, period_days, created_at, updated_at, published_at) VALUES ((SELECT id FROM creators WHERE handle='zuri'), 'zuri-club', 'subscription', 'Zuri Club', 1000, 'KES', 'published', 30, $now, $now, $now);"
sql "INSERT INTO customers (phone, locale, created_at) VALUES ('254733000444', 'en', $now);"
for ph in 254712345678 254733000444; do
	sql "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES ('zuri-$ph', (SELECT id FROM customers WHERE phone='$ph'), (SELECT id FROM products WHERE slug='zuri-club'), 1000, 'KES', 'paid', $now, $now, $now + 120, $now); $ORDER_LINES_SQL"
	sql "INSERT INTO entitlements (customer_id, product_id, order_id, starts_at, expires_at) VALUES ((SELECT id FROM customers WHERE phone='$ph'), (SELECT id FROM products WHERE slug='zuri-club'), (SELECT id FROM orders WHERE ref='zuri-$ph'), $now, $now + 86400 * 30);"
done
tm send-keys -t a 4
wait_for a 'Search phone'
tm send-keys -t a / '0733 000 444'
wait_for a 'No customer with that number'
tm send-keys -t a C-u '0712 345 678' Enter Enter
wait_for a 'Taarab Night'
expect_eq "$(count_of a 'Zuri Club')" 0 "another creator's purchase hidden"
# Each press of r queues exactly one new link message to this buyer, and
# the status line says so. The second press falls in the same 10-minute
# slot as the first: the buyer-facing recovery's dedupe and throttle must
# not swallow a creator's resend (the screen once said "queued" anyway).
links="SELECT count(*) FROM messages WHERE kind='library_link' AND to_phone='254712345678' AND customer_id=(SELECT id FROM customers WHERE phone='254712345678')"
before=$(sql "$links")
tm send-keys -t a r
wait_for a 'queued on WhatsApp'
expect_eq "$(sql "$links")" "$((before + 1))" "one link message per resend"
sleep 1.1
tm send-keys -t a Enter
wait_count a 'queued on WhatsApp' 0
tm send-keys -t a r
wait_for a 'queued on WhatsApp'
expect_eq "$(sql "$links")" "$((before + 2))" "a second resend, a second message"
expect_eq "$(count_of a 'Too many|moment ago|not answering')" 0 "no refusal on the status line"

# Messages: a failed message is retried. Another shop's failed message
# (a buyer who never bought from amina) is not on amina's screen.
sql "UPDATE messages SET status='failed', last_error='test: 131026 undeliverable' WHERE id=(SELECT min(id) FROM messages);"
sql "INSERT INTO customers (phone, locale, created_at) VALUES ('255700000999', 'sw', $now);"
sql "INSERT INTO messages (customer_id, to_phone, kind, body, status, last_error, created_at) VALUES ((SELECT id FROM customers WHERE phone='255700000999'), '255700000999', 'library_link', 'x {link}', 'failed', 'other shop 470', $now);"
tm send-keys -t a Escape 6
wait_for a 'undeliverable'
expect_eq "$(count_of a 'other shop')" 0 "another shop's message hidden"
tm send-keys -t a f
wait_for a 'Status: failed'
expect_eq "$(count_of a 'other shop')" 0 "another shop's failure hidden"
tm send-keys -t a t
wait_for a 'Queued again'
# (The storefront's outbox worker may already have sent it again.)
expect_match "$(sql "SELECT status FROM messages WHERE id=(SELECT min(id) FROM messages)")" '^(queued|sending|sent)$' "retried"

# Products: the sale is counted.
tm send-keys -t a 3
wait_for a 'Taarab Night'
wait_for a ' 1  Taarab Night'

# No colours and vt100 still work.
tm kill-session -t a
tm new-session -d -s v -x 80 -y 24 "TERM=vt100 NO_COLOR=1 ssh -p $SSH_PORT $SSH_OPTS amina@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for v 'Verification code:'
LAST_STEP=$(( $(date +%s) / 30 ))
fresh_code "$SECRET"
tm send-keys -t v "$CODE" Enter
wait_for v 'Dashboard' 40
wait_for v 'KES 1,600.00'
tm send-keys -t v q
wait_for v 'ssh-exit=0'
echo ok
