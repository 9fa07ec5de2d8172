# Discount codes in the console under tmux at 80x24, as a creator makes
# one: Products shows d in its key bar; d opens the codes (none yet), n
# the form; a percentage of 150 is refused in words with what was typed
# kept; KARIBU at 10 % for one product is created and listed with 0 uses
# and no revenue; the same code again is refused; WIKI50, KES 50 off
# everything until tomorrow with 5 uses, after an end in the past was
# refused. A buyer then checks
# out on the storefront with "karibu" typed in the code field (the
# simulated handset approves): the order is for the price less 10 %,
# and the open list moves by itself to 1 use and that revenue. A buyer
# typing an unknown code is refused with the reason on the page. o turns
# the code off (audited) and the storefront refuses it from then on. The
# list in Swahili keeps its columns at 80x24, and the form's choice of a
# 200-byte title is cut on a character and keeps its closing " >".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
status() { local u=$1; shift; curl -s -o /dev/null -w '%{http_code}' "$@" "$u"; }
trap console_cleanup EXIT

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at) VALUES
 ((SELECT id FROM creators WHERE handle='amina'), 'riddim', 'download', 'Riddim Pack', 30000, 'KES', 'published', $now - 10, $now, $now),
 ((SELECT id FROM creators WHERE handle='amina'), 'kozi', 'download', 'Kozi ya picha', 50000, 'KES', 'published', $now, $now, $now);"
start_storefront

# checkout SLUG PHONE CODE: a checkout with a discount code; prints the
# ref of the order made, or "refused: <page text>" when none was.
checkout() {
	local jar="$T/jar.$2" page csrf loc
	page=$(curl -fsS -c "$jar" "$URL/p/$1?lang=en")
	csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no csrf on the product page"
	loc=$(curl -sS -o "$T/answer.html" -w '%{redirect_url}' -b "$jar" -c "$jar" \
		--data-urlencode "phone=$2" --data-urlencode "code=$3" \
		--data "quantity=1&csrf=$csrf" "$URL/p/$1/checkout?lang=en")
	case $loc in
	*/checkout/*) echo "${loc##*/checkout/}" ;;
	*) echo "refused: $(sed 's/<[^>]*>//g' "$T/answer.html" | tr -s ' \n' ' ')" ;;
	esac
}

fresh_code "$SECRET"
login a amina "$CODE" 80 24
wait_for a 'Dashboard'
tm send-keys -t a 3
wait_for a 'Riddim Pack'
expect_match "$(screen_rows a | tail -1)" 'd discount' "d in the Products key bar"
tm send-keys -t a d
wait_for a 'No discount codes yet'

# The form: a percentage of 150 is refused, the code typed stays.
tm send-keys -t a n
wait_for a 'New discount code'
tm send-keys -t a karibu Tab
for _ in 1 2 3; do
	screen_of a | grep -q '< Riddim Pack >' && break
	tm send-keys -t a Right
	sleep 0.3
done
wait_for a '< Riddim Pack >'
screen_rows a > "$T/form-en.txt"
tm send-keys -t a Tab Tab 150 Enter
wait_for a 'A percentage is a whole number from 1 to 100'
expect_match "$(screen_of a)" 'Code +karibu' "the code kept after a refusal"
tm send-keys -t a BSpace BSpace BSpace 10 Enter
wait_for a 'Code KARIBU created'
wait_for a 'KARIBU +Riddim Pack +10% +0 +KES 0\.00'
expect_eq "$(sql "SELECT kind, value, product_id = (SELECT id FROM products WHERE slug='riddim') FROM discount_codes WHERE code='KARIBU'")" "percent|10|1" "the row stored"

# The same code again: refused in words, Esc leaves the form.
tm send-keys -t a n
wait_for a 'New discount code'
tm send-keys -t a KARIBU Tab Tab Tab 5 Enter
wait_for a 'You already have a code with this name'
tm send-keys -t a Escape
wait_for a 'Discount codes'
expect_eq "$(sql "SELECT count(*) FROM discount_codes")" 1 "no second row"

# A fixed amount on everything, to the end of tomorrow, 5 uses: an end
# in the past is refused first.
tomorrow=$(TZ=Africa/Nairobi date -d tomorrow +%F)
tm send-keys -t a n
wait_for a 'New discount code'
tm send-keys -t a wiki50 Tab Tab Right
wait_for a '< Fixed amount off each item >'
tm send-keys -t a Tab 50 Tab
wait_for a '< KES >'
tm send-keys -t a Tab Tab 2020-01-01 Tab 5 Enter
wait_for a 'the end must be after the start and not in the past'
tm send-keys -t a BTab BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace "$tomorrow" Enter
wait_for a 'Code WIKI50 created'
wait_for a "WIKI50 +All my products +KES 50\.00 +–$(TZ=Africa/Nairobi date -d tomorrow +%-d) [A-Z][a-z]+ +0/5 +KES 0\.00"
expect_eq "$(sql "SELECT kind, value, currency, product_id IS NULL, max_uses, ends_at - $(TZ=Africa/Nairobi date -d "$tomorrow 00:00" +%s) FROM discount_codes WHERE code='WIKI50'")" "fixed|5000|KES|1|5|86400" "the fixed row stored"

# A purchase with the code, approved on the simulated handset.
ref=$(checkout riddim 0712345678 karibu)
case $ref in refused*) fail "checkout with the code: $ref" ;; esac
expect_eq "$(sql "SELECT amount_minor FROM orders WHERE ref='$ref'")" 27000 "10 % off KES 300"
expect_eq "$(status "$URL/sim/stk/$ref" -d action=approve)" 200 "approve $ref"
wait_until 60 "order $ref paid" sh -c "curl -fsS '$URL/checkout/$ref/status' | grep -q '\"paid\"'"
wait_for a 'KARIBU +Riddim Pack +10% +1 +KES 270\.00'
screen_rows a > "$T/list-en.txt"

# An unknown code, and the code for the other product: refused, no order.
n0=$(sql "SELECT count(*) FROM orders")
expect_match "$(checkout riddim 0712345679 NOSUCH)" 'refused: .*This discount code does not exist' "unknown code"
expect_match "$(checkout kozi 0712345679 karibu)" 'refused: .*not for anything in your order' "code for another product"
expect_eq "$(sql "SELECT count(*) FROM orders")" "$n0" "no order for a refused code"

# o on KARIBU (↓: the newest, WIKI50, is first) turns it off: shown,
# audited, refused at checkout.
tm send-keys -t a Down o
wait_for a 'Code turned off'
wait_for a 'KARIBU \(off\)'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('discount.create', 'discount.disable') AND actor = 'creator:amina'")" 3 "audit lines"
expect_match "$(checkout riddim 0712345670 karibu)" 'refused: .*This discount code does not exist' "a code turned off"

# Swahili, 80x24: the headings and the row in their columns.
tm send-keys -t a q
sql "UPDATE creators SET locale='sw' WHERE handle='amina';"
# A product with a long title, for the form's choice at the end.
long=$(printf 'Ŝ%.0s' $(seq 1 100))
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at) VALUES
 ((SELECT id FROM creators WHERE handle='amina'), 'ndefu', 'download', '$long', 10000, 'KES', 'published', $now - 20, $now, $now - 20);"
fresh_code "$SECRET"
login b amina "$CODE" 80 24
wait_for b 'amina'
tm send-keys -t b 3
wait_for b 'Riddim Pack'
tm send-keys -t b d
wait_for b 'Msimbo +Kwa +Punguzo +Tarehe +Matumizi +Mapato'
wait_for b 'KARIBU \(imezimwa\) +Riddim Pack +10% +1 +KSh 270\.00'
screen_rows b > "$T/list-sw.txt"
expect_eq "$(grep -Ec '^ *KARIBU \(imezimwa\) +Riddim Pack +10% +1 +KSh 270\.00 *$' "$T/list-sw.txt")" 1 "the row whole on one line"

# A long title (100 two-byte characters, 200 bytes) in the form's "for"
# choice: cut on a character with "…", the closing " >" still shown.
tm send-keys -t b n
wait_for b 'Msimbo mpya wa punguzo'
tm send-keys -t b ndefu Tab
for _ in 1 2 3 4; do
	screen_of b | grep -q '< Ŝ' && break
	tm send-keys -t b Right
	sleep 0.3
done
wait_for b '< ŜŜŜŜ+… >'
tm send-keys -t b Escape
echo "PASS console-discounts"
