# What the Dashboard, Products and Check-in show a person, under tmux
# over real ssh: at 80×24 in English (then resized to 120×40) and at
# 80×24 in Swahili on a vt100 without colour. The chart: "No sales yet"
# before any sale, then a labelled y axis, dates under the x axis, the
# selected day's figures moving with ←, bars wider at 120 columns, '#'
# on vt100, the currency with most sales named. Products: seats left,
# "Sold out", live subscribers, no word cut at any width; m lists a
# product's automatic messages with sent and pending. Check-in: the
# event, the holder's masked phone and "3 of 5 checked in". Publishing,
# archiving and checking in are in the audit log, never a ticket code.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
# EAT days, as the dashboard counts them (UTC+3, no DST).
day0=$(( (now + 10800) / 86400 * 86400 - 10800 ))
today=$(( day0 + (now - day0) / 2 ))
ago3=$(( day0 - 3 * 86400 + 3600 ))
ago10=$(( day0 - 10 * 86400 + 3600 ))
# "Thu 3 Dec" style parts of a day in EAT: eat FORMAT TIME
eat() { LC_ALL=C date -u -d "@$(( $2 + 10800 ))" "$1"; }

# no_cut NAME PHRASE...: every place a phrase starts on the screen shows
# it whole, or parts from it after a whole word ("…", a wrapped line) —
# never inside a word ("Semina ya mt", "imechap…").
no_cut() {
	local name=$1
	shift
	screen_rows "$name" > "$T/screen.txt"
	out=$(python3 - "$T/screen.txt" "$@" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
bad = []
for ph in sys.argv[2:]:
    first = ph.split(" ")[0]
    for line in lines:
        i = line.find(first)
        while i >= 0:
            if i == 0 or not line[i - 1].isalnum():
                m = 0
                while m < len(ph) and i + m < len(line) and line[i + m] == ph[m]:
                    m += 1
                # Whole, or parting from the phrase between two words
                # ("Semina ya…", a wrapped line, another text that
                # shares a first word): never inside a word.
                if m < len(ph) and ph[m - 1].isalnum() and ph[m].isalnum():
                    bad.append("%r cut as %r" % (ph, line[i:i + m + 1]))
            i = line.find(first, i + 1)
print("\n".join(bad))
PY
)
	[ -z "$out" ] || { screen_rows "$name" >&2; fail "cut words on $name: $out"; }
}

# axis_row NAME MARK: the screen row (1-based) holding the x axis's MARK.
axis_row() { screen_rows "$1" | grep -n -- "$2" | head -1 | cut -d: -f1; }
# col_of NAME ROW CHAR...: the character columns of CHAR in row ROW.
col_of() {
	screen_rows "$1" | sed -n "${2}p" | python3 -c '
import sys
line = sys.stdin.read()
print(" ".join(str(i) for i, c in enumerate(line) if c in sys.argv[1:]))' "${@:3}"
}

# --- Before any sale: the empty state, in English and in Swahili --------
login a amina "$(totp "$SECRET")" 80 24
LAST_STEP=$(( $(date +%s) / 30 ))
wait_for a 'Dashboard'
wait_for a "No sales yet. Each day's paid sales will show here"
expect_eq "$(count_of a '▲|└')" 0 "no empty chart drawn"

sql "UPDATE creators SET locale = 'sw' WHERE handle = 'amina';"
fresh_code "$SECRET"
tm new-session -d -s s -x 80 -y 24 "TERM=vt100 NO_COLOR=1 ssh -p $SSH_PORT $SSH_OPTS amina@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for s 'Verification code:'
tm send-keys -t s "$CODE" Enter
wait_for s 'Dashibodi' 40
wait_for s 'Bado hakuna mauzo'
no_cut s 'Bado hakuna mauzo. Mauzo yaliyolipwa ya kila siku yataonekana hapa kama mstari.'

# --- The shop: five paid tickets (two in), subscribers, a sold-out gig,
# a USD webinar, two drafts, two automatic messages of the ticket ------------
cid="(SELECT id FROM creators WHERE handle = 'amina')"
sql <<SQL
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at, published_at)
 VALUES ($cid, 'taarab-night', 'ticket', 'Taarab Night', 80000, 'KES', 'published', $now + 2 * 86400, 'Mombasa', 80, $now, $now, $now);
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, period_days, created_at, updated_at, published_at)
 VALUES ($cid, 'mapishi-club', 'subscription', 'Klabu ya Mapishi ya Pwani', 20000, 'KES', 'published', 30, $now - 1, $now, $now);
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at, published_at)
 VALUES ($cid, 'ngoma-live', 'ticket', 'Ngoma Live', 50000, 'KES', 'published', $now + 86400, 'Lamu', 2, $now - 2, $now, $now);
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, starts_at, join_url, created_at, updated_at, published_at)
 VALUES ($cid, 'darasa-picha', 'webinar', 'Darasa la Picha', 1000, 'USD', 'published', $now + 86400, 'https://meet.example/picha', $now - 3, $now, $now);
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, period_days, created_at, updated_at)
 VALUES ($cid, 'jarida-wiki', 'subscription', 'Jarida la Wiki', 5000, 'KES', 'draft', 7, $now - 4, $now);
INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at)
 VALUES ($cid, 'picha-nairobi', 'download', 'Nairobi Street Photography Collection', 50000, 'KES', 'draft', $now - 5, $now);
INSERT INTO customers (phone, locale, created_at) VALUES ('254712345678', 'sw', $now), ('254722000111', 'en', $now), ('254733000222', 'en', $now), ('254744000333', 'sw', $now);
INSERT INTO orders (ref, customer_id, product_id, quantity, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES
 ('t1', (SELECT id FROM customers WHERE phone = '254712345678'), (SELECT id FROM products WHERE slug = 'taarab-night'), 2, 160000, 'KES', 'paid', $today, $today, $today + 120, $today),
 ('t2', (SELECT id FROM customers WHERE phone = '254722000111'), (SELECT id FROM products WHERE slug = 'taarab-night'), 3, 240000, 'KES', 'paid', $ago3, $ago3, $ago3 + 120, $ago3),
 ('c1', (SELECT id FROM customers WHERE phone = '254733000222'), (SELECT id FROM products WHERE slug = 'mapishi-club'), 1, 20000, 'KES', 'paid', $today, $today, $today + 120, $today),
 ('c2', (SELECT id FROM customers WHERE phone = '254744000333'), (SELECT id FROM products WHERE slug = 'mapishi-club'), 1, 20000, 'KES', 'paid', $today, $today, $today + 120, $today),
 ('c3', (SELECT id FROM customers WHERE phone = '254722000111'), (SELECT id FROM products WHERE slug = 'mapishi-club'), 1, 20000, 'KES', 'paid', $now - 50 * 86400, $now, $now, $now - 50 * 86400),
 ('n1', (SELECT id FROM customers WHERE phone = '254733000222'), (SELECT id FROM products WHERE slug = 'ngoma-live'), 1, 50000, 'KES', 'paid', $ago10, $ago10, $ago10 + 120, $ago10),
 ('n2', (SELECT id FROM customers WHERE phone = '254744000333'), (SELECT id FROM products WHERE slug = 'ngoma-live'), 1, 50000, 'KES', 'paid', $ago10, $ago10, $ago10 + 120, $ago10),
 ('w1', (SELECT id FROM customers WHERE phone = '254733000222'), (SELECT id FROM products WHERE slug = 'darasa-picha'), 1, 1000, 'USD', 'paid', $today, $today, $today + 120, $today);
$ORDER_LINES_SQL
INSERT INTO entitlements (customer_id, product_id, order_id, starts_at, expires_at)
 SELECT customer_id, product_id, id, paid_at, CASE WHEN product_id = (SELECT id FROM products WHERE slug = 'mapishi-club') THEN paid_at + 30 * 86400 END FROM orders;
INSERT INTO tickets (order_id, product_id, customer_id, code, checked_in_at, created_at) VALUES
 ((SELECT id FROM orders WHERE ref = 't1'), (SELECT id FROM products WHERE slug = 'taarab-night'), (SELECT id FROM customers WHERE phone = '254712345678'), 'ABCDEFGHJKMNPQRSTVWXYZ01', NULL, $now),
 ((SELECT id FROM orders WHERE ref = 't1'), (SELECT id FROM products WHERE slug = 'taarab-night'), (SELECT id FROM customers WHERE phone = '254712345678'), 'ABCDEFGHJKMNPQRSTVWXYZ02', NULL, $now),
 ((SELECT id FROM orders WHERE ref = 't2'), (SELECT id FROM products WHERE slug = 'taarab-night'), (SELECT id FROM customers WHERE phone = '254722000111'), 'ABCDEFGHJKMNPQRSTVWXYZ03', $now - 60, $now),
 ((SELECT id FROM orders WHERE ref = 't2'), (SELECT id FROM products WHERE slug = 'taarab-night'), (SELECT id FROM customers WHERE phone = '254722000111'), 'ABCDEFGHJKMNPQRSTVWXYZ04', $now - 50, $now),
 ((SELECT id FROM orders WHERE ref = 't2'), (SELECT id FROM products WHERE slug = 'taarab-night'), (SELECT id FROM customers WHERE phone = '254722000111'), 'ABCDEFGHJKMNPQRSTVWXYZ05', NULL, $now),
 ((SELECT id FROM orders WHERE ref = 'n1'), (SELECT id FROM products WHERE slug = 'ngoma-live'), (SELECT id FROM customers WHERE phone = '254733000222'), 'ABCDEFGHJKMNPQRSTVWXYZ06', NULL, $now),
 ((SELECT id FROM orders WHERE ref = 'n2'), (SELECT id FROM products WHERE slug = 'ngoma-live'), (SELECT id FROM customers WHERE phone = '254744000333'), 'ABCDEFGHJKMNPQRSTVWXYZ07', NULL, $now);
INSERT INTO automations (product_id, trigger, offset_minutes, body_en, body_sw, created_at) VALUES
 ((SELECT id FROM products WHERE slug = 'taarab-night'), 'purchase', 0, 'Karibu! Your ticket is in your library: {link}', 'Karibu! Tiketi yako iko kwenye maktaba yako: {link}', $now - 7 * 86400),
 ((SELECT id FROM products WHERE slug = 'taarab-night'), 'before_start', 1440, 'Tomorrow: Taarab Night starts at 8 pm in Mombasa.', 'Kesho: Taarab Night inaanza saa mbili usiku Mombasa.', $now - 7 * 86400);
INSERT INTO messages (customer_id, to_phone, kind, body, status, created_at) VALUES
 ((SELECT id FROM customers WHERE phone = '254712345678'), '254712345678', 'automation', 'Karibu!', 'sent', $now),
 ((SELECT id FROM customers WHERE phone = '254722000111'), '254722000111', 'automation', 'Karibu!', 'queued', $now);
INSERT INTO automation_runs (automation_id, entitlement_id, message_id, at)
 SELECT (SELECT min(id) FROM automations), e.id, m.id, $now FROM entitlements e JOIN orders o ON o.id = e.order_id
 JOIN messages m ON m.to_phone = (SELECT phone FROM customers WHERE id = e.customer_id) AND m.kind = 'automation'
 WHERE o.ref IN ('t1', 't2');
SQL

# --- Dashboard, English, 80×24 ------------------------------------------
wd=$(eat '+%a' "$today")
dm="$(eat '+%-d' "$today") $(eat '+%b' "$today")"
wait_for a "Today, $wd $dm: 3 sales, KES 2,000.00 in all"
wait_for a 'Daily revenue in KES \(most sales; c: USD\), last 30 days'
expect_eq "$(count_of a 'No sales yet')" 0 "empty state gone"
# y axis: top KES 4,000 (the best day is 2,400), its half, 0 at the corner.
wait_for a '^ *4k ┤'
wait_for a '^ *2k ┤'
wait_for a '^ *0 └'
# x axis: a tick a week back from today, today's date under the last.
ax=$(axis_row a '└')
expect_eq "$(col_of a "$ax" '┴' '▲' | wc -w)" 5 "five date ticks at 80 columns"
set -- $(col_of a "$ax" '┴' '▲')
expect_eq "$(( $2 - $1 ))" 14 "a week apart, 2 columns a bar, at 80 columns"
mark80=$(col_of a "$ax" '▲')
expect_eq "$mark80" "$5" "today selected, under the last tick"
expect_match "$(screen_rows a | sed -n "$((ax + 1))p")" "$dm\$" "today's date under the axis"
expect_match "$(screen_rows a | sed -n "$((ax + 1))p")" "$(eat '+%-d' $(( day0 - 7 * 86400 ))) $(eat '+%b' $(( day0 - 7 * 86400 )))" "a week ago's date"
# ←: the selection moves a day at a time, its figures follow.
tm send-keys -t a Left Left Left
wd3=$(eat '+%a' "$ago3")
dm3="$(eat '+%-d' "$ago3") $(eat '+%b' "$ago3")"
wait_for a "$wd3 $dm3: 1 sale, KES 2,400.00 in all"
expect_eq "$(col_of a "$ax" '▲')" "$(( mark80 - 6 ))" "the mark moved three bars left"
tm send-keys -t a Left
wait_for a ': 0 sales, KES 0.00 in all'
# c: the other currency, said in the title.
tm send-keys -t a c
wait_for a 'Daily revenue in USD \(c: KES\), last 30 days'
tm send-keys -t a End
wait_for a "Today, $wd $dm: 1 sale, USD 10.00 in all"
tm send-keys -t a c
wait_for a 'Top products \(30 days\)'
no_cut a 'Klabu ya Mapishi ya Pwani' 'Taarab Night' 'Ngoma Live'

# --- Products, English, 80×24 --------------------------------------------
tm send-keys -t a 3
wait_for a 'Left +Sales +Title'
wait_for a '75 left +2 +Taarab Night'
wait_for a 'Sold out +2 +Ngoma Live'
wait_for a '2 subscribers +3 +Klabu'
wait_for a 'm messages'
no_cut a 'Klabu ya Mapishi ya Pwani' 'Nairobi Street Photography Collection' \
	'Darasa la Picha' 'Jarida la Wiki' 'Seats / members' 'Event ticket'
# m: the ticket's automatic messages, when in words, sent and pending.
tm send-keys -t a m
wait_for a 'Automatic messages: Taarab Night'
wait_for a 'Right after the purchase +1 +1 +Karibu! Your ticket'
wait_for a '1 day before the start +0 +0 +Tomorrow: Taarab Night'
wait_for a 'Esc back'
no_cut a 'Karibu! Your ticket is in your library' 'Tomorrow: Taarab Night starts at 8 pm in Mombasa.'
tm send-keys -t a Escape
wait_for a '75 left'
# Publish the draft subscription, archive the draft download: audited by slug.
tm send-keys -t a Down Down Down Down
sleep 0.3
tm send-keys -t a p
wait_for a 'Done\.'
expect_eq "$(sql "SELECT status FROM products WHERE slug = 'jarida-wiki'")" published "published"
tm send-keys -t a Down a
wait_for a 'Archive this product'
tm send-keys -t a y
archived() { [ "$(sql "SELECT status FROM products WHERE slug = 'picha-nairobi'")" = archived ]; }
wait_until 10 "the download archived" archived
expect_eq "$(sql "SELECT detail FROM audit_log WHERE action = 'product.publish'")" jarida-wiki "publish audited"
expect_eq "$(sql "SELECT detail FROM audit_log WHERE action = 'product.archive'")" picha-nairobi "archive audited"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action LIKE 'product.%' AND creator_id = $cid")" 2 "audited for amina"

# --- Check-in, English, 80×24 --------------------------------------------
tm send-keys -t a 5
wait_for a 'Ticket code:'
tm send-keys -t a 'abcd-efgh-jkmn-pqrs-tvwx-yz01' Enter
wait_for a 'V A L I D'
wait_for a 'Event: Taarab Night'
wait_for a 'Holder: …678'
wait_for a '3 of 5 checked in'
expect_eq "$(count_of a '254712')" 0 "the phone masked"
tm send-keys -t a 'ABCDEFGHJKMNPQRSTVWXYZ03' Enter
wait_for a 'A L R E A D Y'
wait_for a 'Holder: …111'
wait_for a '3 of 5 checked in'
detail=$(sql "SELECT detail FROM audit_log WHERE action = 'ticket.checkin'")
expect_match "$detail" '^ticket [0-9]+ \(taarab-night\)$' "check-in audited by ticket id"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%ABCD%' OR detail LIKE '%abcd%'")" 0 "no ticket code in the audit log"

# --- 120×40: wider bars, whole columns -----------------------------------
tm resize-window -t a -x 120 -y 40
tm send-keys -t a Escape 1
wait_for a "Today, $wd $dm: 3 sales, KES 2,000.00 in all"
ax=$(axis_row a '└')
set -- $(col_of a "$ax" '┴' '▲')
expect_eq "$(( $2 - $1 ))" 21 "3 columns a bar at 120 columns"
expect_match "$(screen_rows a | sed -n "$((ax + 1))p")" "$dm\$" "today's date at 120 columns"
tm send-keys -t a 3
wait_for a 'Seats / members'
wait_for a 'Event ticket +published'
wait_for a 'Nairobi Street Photography Collection'
no_cut a 'Klabu ya Mapishi ya Pwani' 'Nairobi Street Photography Collection'

# --- Swahili, vt100 without colour, 80×24 --------------------------------
swd=$(python3 -c "print(['Jumapili','Jumatatu','Jumanne','Jumatano','Alhamisi','Ijumaa','Jumamosi'][int('$(eat '+%w' "$today")')])")
smon=$(python3 -c "print('Jan Feb Mac Apr Mei Jun Jul Ago Sep Okt Nov Des'.split()[int('$(eat '+%-m' "$today")') - 1])")
wait_for s "Leo, $swd, tarehe $(eat '+%-d' "$today") $smon: mauzo 3, jumla KSh 2,000.00"
wait_for s 'Mapato ya kila siku kwa KES \(mauzo mengi zaidi; c: USD\), siku 30'
# ASCII on vt100: '#' bars, '+' ticks, '^' under the selected day.
ax=$(axis_row s '^ *0 +')
expect_match "$(screen_rows s | sed -n "${ax}p")" '^ *0 \+-.*\^-?$' "ASCII axis with the mark"
expect_match "$(screen_rows s)" '#' "ASCII bars"
expect_eq "$(count_of s '█|▲|└')" 0 "no block or line glyph on vt100"
wait_for s '^ *4k \+'
no_cut s 'Mapato ya kila siku kwa KES' 'Klabu ya Mapishi ya Pwani' 'Bidhaa zinazoongoza'
tm send-keys -t s 3
wait_for s 'zimebaki 75 +2 +Taarab Night'
wait_for s 'Zimekwisha +2 +Ngoma Live'
wait_for s 'wanachama 2 +3 +Klabu'
wait_for s 'm jumbe'
no_cut s 'Klabu ya Mapishi ya Pwani' 'Nairobi Street Photography Collection' \
	'Darasa la Picha' 'Jarida la Wiki' 'Semina ya mtandaoni' 'Tiketi ya tukio' \
	'Viti / wanachama' 'imechapishwa' 'kumbukumbu'
tm send-keys -t s m
wait_for s 'Jumbe za kiotomatiki: Taarab Night'
wait_for s 'Mara baada ya ununuzi +1 +1 +Karibu! Tiketi yako'
wait_for s 'siku 1 kabla ya kuanza +0 +0 +Kesho: Taarab Night'
no_cut s 'Mara baada ya ununuzi' 'Karibu! Tiketi yako iko kwenye maktaba yako' \
	'Zimetumwa na zinasubiri zinahesabu jumbe za WhatsApp'
tm send-keys -t s Escape 5
wait_for s 'Msimbo wa tiketi:'
tm send-keys -t s 'ABCDEFGHJKMNPQRSTVWXYZ02' Enter
wait_for s 'H A L A L I'
wait_for s 'Tukio: Taarab Night'
wait_for s 'Mwenye tiketi: …678'
wait_for s '4 kati ya 5 wameingia'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'ticket.checkin'")" 2 "each check-in audited"

tm send-keys -t s Escape q
wait_for s 'ssh-exit=0'
tm send-keys -t a Escape q
wait_for a 'ssh-exit=0'
echo ok
