# The product wizard as a person reads it at 80x24, in English and in
# Swahili (issue 15, items 1-4 and 12-14): the currency is a choice among
# what the payment methods take (typing does nothing, the allowed list is
# shown); labels are whole and the review's values line up after long
# ones; the terminal cursor sits in the field typed into; an event start
# in the past is refused, and the message goes as soon as the field is
# fixed; an edit names the product, shows its kind fixed and its files,
# says "save changes", keeps a past start of an event already held with a
# warning; the subscription preview ends after the period; every save is
# in the audit log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

# cursor NAME: "x,y,visible" of the pane's terminal cursor.
cursor() { tm display -p -t "$1" '#{cursor_x},#{cursor_y},#{cursor_flag}'; }
# wait_cursor NAME X,Y,1: until the cursor is there (after a redraw).
wait_cursor() {
	for _ in $(seq 1 100); do
		[ "$(cursor "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	screen_rows "$1" >&2
	fail "cursor of $1 at $(cursor "$1"), not $2"
}
# col_of NAME LINE_REGEX TEXT: the column where TEXT starts on the first
# row matching LINE_REGEX (ASCII rows only).
col_of() { screen_rows "$1" | grep -E -m1 -- "$2" | awk -v t="$3" '{ print index($0, t) }'; }

# whole_words NAME LABEL FULL: the value after LABEL on its row is FULL,
# or FULL cut after a whole word with "…" (never inside a word).
whole_words() {
	local v
	v=$(screen_rows "$1" | grep -m1 "^  $2 " | sed "s/^  $2 *//; s/ *\$//")
	[ "$v" = "$3" ] && return 0
	case "$v" in *…) v=${v%…} ;; *) fail "$2: '$v' is neither '$3' nor cut with …" ;; esac
	case "$3" in "$v "*) return 0 ;; esac
	fail "$2: '$v…' cuts a word of '$3'"
}

start_console
mkdir -p "$NYOTA_DATA_DIR/uploads/amina"
head -c 2000 /dev/urandom > "$NYOTA_DATA_DIR/uploads/amina/slides.pdf"
chmod 0640 "$NYOTA_DATA_DIR/uploads/amina/slides.pdf"
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
login w amina "$(totp "$SECRET")" 80 24
wait_for w 'Dashboard'

# --- English: a webinar -------------------------------------------------
tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Down Down Down Enter
wait_for w 'Basics'
# The cursor is where the creator types: after "Ngoma Live" in the title
# (labels up to "Web address (slug)", 18 columns, values at 22).
tm send-keys -t w 'Ngoma Live'
wait_for w 'Title +Ngoma Live'
wait_cursor w "32,4,1"
tm send-keys -t w Enter
wait_for w 'ngoma-live'
tm send-keys -t w Enter '1,000' Enter
# The currency: a choice, the allowed ones listed, letters not typed.
wait_for w 'Currency +< KES > +accepted: KES TZS UGX USD \(←/→ or Space\)'
wait_cursor w "24,10,1"
tm send-keys -t w BSpace BSpace BSpace E U R
sleep 0.5
wait_for w 'Currency +< KES >'
screen_of w | grep -q 'EUR' && fail "a currency typed as text"
tm send-keys -t w Right
wait_for w 'Currency +< TZS >'
tm send-keys -t w Left Left
wait_for w 'Currency +< USD >'
tm send-keys -t w Space
wait_for w 'Currency +< KES >'
tm send-keys -t w Enter 'Live drumming online' Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w 'Drums from the coast.'
# The story's cursor too (text area at x 3, y 4).
wait_cursor w "24,4,1"
tm send-keys -t w Tab
wait_for w 'Content'
# Labels whole: no cut at 20 columns.
wait_for w 'Starts \(YYYY-MM-DD HH:MM\)'
wait_for w 'Join link \(https://…\)'
# A start in the past is refused in the step, on the start.
tm send-keys -t w '2020-01-01 06:00' Enter 'https://meet.example/ngoma' Enter
wait_for w 'Files +none yet'
tm send-keys -t w a
wait_for w 'slides\.pdf'
tm send-keys -t w Enter
wait_for w '1\. slides\.pdf'
tm send-keys -t w Enter Enter
# The whole message (wrapped, not cut at the edge).
wait_for w 'Starts \(YYYY-MM-DD HH:MM\): 2020-01-01 06:00 has already passed:'
wait_for w 'date and time still to come *$'
screen_of w | grep -q 'Delivery' && fail "a past start went on to Delivery"
# Fixing it takes the message away at once (before leaving the step).
tm send-keys -t w BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
	BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace '2027-03-01 18:00'
wait_count w 'has already passed' 0
wait_cursor w "45,4,1"
tm send-keys -t w Enter Enter Enter Enter
wizard_review w
# Values line up after the longest label (Starts …, 25 columns).
c1=$(col_of w '^  Title ' 'Ngoma Live')
c2=$(col_of w '^  Starts ' '2027-03-01 18:00')
c3=$(col_of w '^  Kind ' 'Webinar')
[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ "$c1" = "$c3" ] ||
	fail "review values not aligned: title $c1, starts $c2, kind $c3"
wait_for w 'p publish now +d save as draft'
tm send-keys -t w p
wait_for w 'Published\.'
expect_eq "$(sql "SELECT kind, currency, price_minor, status FROM products WHERE slug='ngoma-live'")" \
	"webinar|KES|100000|published" "webinar saved"
expect_eq "$(sql "SELECT action || ' ' || detail FROM audit_log WHERE action LIKE 'product.%' ORDER BY id")" \
	"product.create ngoma-live
product.publish ngoma-live" "create and publish audited"

# --- Edit: not New ------------------------------------------------------
tm send-keys -t w e
wait_for w 'n Edit product: Ngoma Live'
wait_for w 'Kind +Webinar \(fixed: buyers already hold it\)'
wait_for w 'Title +Ngoma Live'
tm send-keys -t w Enter Enter Enter Enter Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w Tab
wait_for w 'Content'
# The attached file is listed (kept, not copied again).
wait_for w '1\. slides\.pdf +\(2\.0 kB\)'
tm send-keys -t w Enter Enter Enter Enter
wizard_review w
wait_for w 'p or d save changes \(stays on sale\)'
screen_of w | grep -q 'p publish now' && fail "edit offers publish now"
tm send-keys -t w p
wait_for w 'Published: changes saved\.'
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'product.edit' AND detail = 'ngoma-live'")" 1 "edit audited"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'product.publish'")" 1 "no second publish line"
expect_eq "$(sql "SELECT count(*) FROM product_files")" 1 "file kept"

# An event already held (its saved start is past): the edit warns and
# goes on; the date is not refused.
sql "UPDATE products SET starts_at = 1577847600 WHERE slug = 'ngoma-live'"
tm send-keys -t w e
wait_for w 'Edit product: Ngoma Live'
tm send-keys -t w Enter Enter Enter Enter Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w Tab
wait_for w '2020-01-01 06:00'
wait_for w 'already past: kept; a new start must be later'
tm send-keys -t w Enter Enter Enter Enter
wait_for w 'Delivery'
tm send-keys -t w Escape
wait_for w 'Discard this product'
tm send-keys -t w y
wait_for w 'Products'
tm kill-session -t w

# --- Swahili: a ticket and a subscription -------------------------------
SECRET=$(console creator add baraka 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add baraka"
sql "UPDATE creators SET locale = 'sw' WHERE handle = 'baraka'"
login s baraka "$(totp "$SECRET")" 80 24
wait_for s 'Nyota · baraka'
tm send-keys -t s n
wait_for s 'Unauza nini'
tm send-keys -t s Down Down Enter
wait_for s 'Misingi'
tm send-keys -t s 'Tamasha la Pwani' Enter Enter 200 Enter
wait_for s 'Sarafu +< KES > +zinazokubaliwa: KES TZS UGX USD \(←/→ au Space\)'
tm send-keys -t s Enter Enter Enter Enter
wait_for s 'Hadithi'
tm send-keys -t s Tab
wait_for s 'Maudhui'
tm send-keys -t s '2020-01-01 06:00' Enter 'Uhuru Park' Enter 50 Enter Enter
wait_for s 'Inaanza \(YYYY-MM-DD HH:MM\): 2020-01-01 06:00 tayari imepita:'
wait_for s 'saa zijazo *$'
# Labels whole, and no word cut anywhere on the step.
wait_for s 'Idadi ya viti '
screen_of s | grep -q '…' && fail "a cut word on the Swahili content step"
tm send-keys -t s BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
	BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace '2027-05-01 18:00'
wait_count s 'tayari imepita' 0
tm send-keys -t s Enter Enter Enter Enter
wait_for s 'Uwasilishaji'
tm send-keys -t s Enter
wait_for s 'Ujumbe wa kiotomatiki'
tm send-keys -t s Enter
wait_for s 'Pitia'
c1=$(col_of s '^  Jina ' 'Tamasha la Pwani')
c2=$(col_of s '^  Inaanza ' '2027-05-01 18:00')
[ -n "$c1" ] && [ "$c1" = "$c2" ] ||
	fail "Swahili review values not aligned: $c1, $c2"
tm send-keys -t s d
wait_for s 'Imehifadhiwa kama rasimu'

# A webinar's join link label, 31 columns in Swahili, is whole at 80.
tm send-keys -t s n
wait_for s 'Unauza nini'
tm send-keys -t s Down Down Down Enter
wait_for s 'Misingi'
tm send-keys -t s 'Semina ya Ngoma' Enter Enter 100 Enter Enter Enter Enter Enter
wait_for s 'Hadithi'
tm send-keys -t s Tab
wait_for s 'Kiungo cha kujiunga \(https://…\)'
whole_words s Faili 'bado hakuna: bonyeza a kuongeza faili kutoka vipakizi vyako'
whole_words s 'Picha ya jalada' 'hakuna (si lazima): bonyeza a kuchagua picha'
tm send-keys -t s Escape
wait_for s 'Acha bidhaa hii'
tm send-keys -t s y
wait_count s 'Acha bidhaa hii' 0

# A subscription: the reminder's "ends on" is now + the period.
tm send-keys -t s n
wait_for s 'Unauza nini'
tm send-keys -t s Down Enter
wait_for s 'Misingi'
tm send-keys -t s 'Klabu ya Ngoma' Enter Enter 300 Enter Enter Enter Enter Enter
wait_for s 'Hadithi'
tm send-keys -t s Tab
wait_for s 'Kipindi \(siku\)'
tm send-keys -t s 30 Enter Enter Enter
wait_for s 'Uwasilishaji'
ends=$(date -u -d "@$(( $(date +%s) + 30 * 86400 + 3 * 3600 ))" +%Y-%m-%d)
today=$(date -u -d "@$(( $(date +%s) + 3 * 3600 ))" +%Y-%m-%d)
wait_for s "ends on $ends"
screen_of s | grep -q "ends on $today" && fail "subscription ends today in the preview"
tm send-keys -t s Escape
wait_for s 'Acha bidhaa hii'
tm send-keys -t s y
tm send-keys -t s q
echo ok
