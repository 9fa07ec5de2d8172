# The currency gate: no product is on sale in a currency nobody can pay.
# Under NYOTA_PAYMENTS=mpesa (KES only) a published USD product is refused
# by the import (one line naming the JSON path, the currency and the
# methods; nothing changed), by the wizard (which offers only the
# currencies the methods take) and by the Products screen's publish; with mpesa,stripe the
# same are accepted. A USD product published under sim, the servers then
# restarted with mpesa: its page says it is not on sale (no checkout
# form) and the console's Products list flags it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT
unset LC_ALL LC_MESSAGES
export LANG=C

# Dummy credentials: config_load wants them for each method named; no
# payment is made here, so nothing listens behind them.
export NYOTA_MPESA_BASE_URL=http://127.0.0.1:9 NYOTA_MPESA_CONSUMER_KEY=ck \
	NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
	NYOTA_MPESA_PASSKEY=passkey123 \
	NYOTA_MPESA_CALLBACK_SECRET=cb-secret-0123456789abcdef \
	NYOTA_STRIPE_SECRET_KEY=sk_test_x NYOTA_STRIPE_WEBHOOK_SECRET=whsec_x \
	NYOTA_STRIPE_API_URL=http://127.0.0.1:9

# catalog FILE SLUG STATUS: a one-webinar catalog (USD 15.00) of amani.
catalog() {
	cat > "$1" <<EOF
{"version": 1,
 "creators": [{"handle": "amani", "display_name": "Amani Studio"}],
 "products": [{"creator": "amani", "slug": "$2", "kind": "webinar",
   "title": "Talk $2", "price_minor": 1500, "currency": "USD",
   "status": "$3", "webinar": {"starts_at": "2027-06-03T17:00:00+03:00"}}]}
EOF
}
status_of() { sql "SELECT status FROM products WHERE slug = '$1'"; }
stop_console() { kill "$CON_PID"; wait "$CON_PID" 2>/dev/null || true; CON_PID=; }
# select_row NAME REGEX: on the Products screen, fresh (its first row
# selected), Down to the first row matching REGEX (keys arrive in order).
select_row() {
	local row top
	row=$(screen_rows "$1" | grep -nE -- "$2" | head -1 | cut -d: -f1)
	top=$(screen_rows "$1" | grep -n 'Talk \|Dollar ' | head -1 | cut -d: -f1)
	[ -n "$row" ] && [ -n "$top" ] || fail "no row '$2'"
	for _ in $(seq 1 $((row - top))); do tm send-keys -t "$1" Down; done
}
stop_storefront() { kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true; }

SECRET=$(console creator add amani 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"

# 1. Published under sim (every currency): on sale, with a checkout form.
export NYOTA_PAYMENTS=sim
catalog "$T/old.json" usd-old published
expect_match "$(console import "$T/old.json")" 'imported 1 creator, 1 product' "sim: USD import"
expect_eq "$(status_of usd-old)" published "sim: published"
start_storefront
expect_match "$(curl -fsS "$URL/p/usd-old")" '<form class="checkout"' "sim: a checkout form"
stop_storefront

# 2. mpesa only: the import refuses a published USD product, one line
# with the JSON path, the currency and the methods; nothing changed.
export NYOTA_PAYMENTS=mpesa
catalog "$T/new.json" usd-new published
before=$(sql "SELECT count(*), max(updated_at) FROM products; SELECT max(seq) FROM events")
set +e
out=$(console import "$T/new.json" 2>&1)
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "mpesa: USD import accepted"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "one line"
expect_match "$out" 'products\[0\]\.currency: USD: no configured payment method \(mpesa\) takes it' "import refusal"
expect_eq "$(sql "SELECT count(*), max(updated_at) FROM products; SELECT max(seq) FROM events")" "$before" "nothing imported"
# A draft may wait for a method.
catalog "$T/draft.json" usd-draft draft
console import "$T/draft.json" > /dev/null
expect_eq "$(status_of usd-draft)" draft "mpesa: USD draft imported"

# 3. The storefront restarted with mpesa: the old product is not on sale.
start_storefront
page=$(curl -fsS -H 'Accept-Language: en' "$URL/p/usd-old")
expect_match "$page" 'Not on sale right now' "mpesa: not on sale"
if printf '%s' "$page" | grep -q '<form class="checkout"'; then
	fail "mpesa: a checkout form for USD"
fi
stop_storefront

# 4. The console with mpesa: Products flags the old one; the wizard and
# the publish key refuse USD.
start_console
fresh_code "$SECRET"
login a amani "$CODE" 120 30
wait_for a 'Dashboard'
tm send-keys -t a 3
wait_for a 'Talk usd-old'
expect_match "$(screen_of a | grep 'Talk usd-old')" 'not on sale .*Talk usd-old +\(no payment method takes USD\)' "old product flagged"
expect_match "$(screen_of a | grep 'Talk usd-draft')" 'draft' "a draft is not flagged"
if screen_of a | grep 'Talk usd-draft' | grep -q 'not on sale'; then
	fail "a draft flagged"
fi
# p on the draft: down from the first row (selected) to the draft's.
select_row a 'Talk usd-draft'
tm send-keys -t a p
wait_for a 'Cannot publish: no configured payment method \(mpesa\) takes USD'
expect_eq "$(status_of usd-draft)" draft "publish key refused"

# The wizard: the currency is a choice among what the methods take, so
# USD is not offered (typing it does nothing); nothing stored.
tm send-keys -t a n
wait_for a 'What are you selling'
tm send-keys -t a Down Down Enter
wait_for a 'Basics'
tm send-keys -t a 'Dollar Gig' Enter
wait_for a 'dollar-gig'
tm send-keys -t a Enter '20' Enter BSpace BSpace BSpace USD Right
wait_for a 'Currency +< KES > +accepted: KES \('
expect_eq "$(sql "SELECT count(*) FROM products WHERE slug = 'dollar-gig'")" 0 "wizard: nothing stored"
tm send-keys -t a Escape
wait_for a 'Discard this product'
tm send-keys -t a y
wait_count a 'Discard this product' 0
tm kill-session -t a
stop_console

# 5. mpesa,stripe: Stripe takes USD. The import, the publish key and the
# wizard accept it; nothing is flagged.
export NYOTA_PAYMENTS=mpesa,stripe
expect_match "$(console import "$T/new.json")" 'imported 1 creator, 1 product' "mpesa,stripe: USD import"
expect_eq "$(status_of usd-new)" published "mpesa,stripe: published"
start_console
fresh_code "$SECRET"
login b amani "$CODE" 120 30
wait_for b 'Dashboard'
tm send-keys -t b 3
wait_for b 'Talk usd-old'
expect_eq "$(count_of b 'not on sale')" 0 "nothing flagged"
select_row b 'Talk usd-draft'
tm send-keys -t b p
wait_for b 'Done\.'
expect_eq "$(status_of usd-draft)" published "publish key accepted"
tm send-keys -t b n
wait_for b 'What are you selling'
tm send-keys -t b Down Down Enter
wait_for b 'Basics'
tm send-keys -t b 'Dollar Gig' Enter
wait_for b 'dollar-gig'
tm send-keys -t b Enter '20' Enter Left
wait_for b 'Currency +< USD >'
tm send-keys -t b Enter 'Live' Enter Enter Enter
wait_for b 'Story'
tm send-keys -t b Tab
wait_for b 'Content'
tm send-keys -t b '2027-01-15 18:00' Enter 'Alliance Francaise' Enter 100 Enter Enter
wizard_review b
tm send-keys -t b p
wait_for b 'Published'
expect_eq "$(sql "SELECT status, currency, price_minor FROM products WHERE slug = 'dollar-gig'")" \
	"published|USD|2000" "wizard: USD published"
echo "currency-gate: ok"
