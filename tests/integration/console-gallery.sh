# The console as a person reads it, every screen at 80×24 in English and
# in Swahili, and once more under TERM=vt100 with NO_COLOR:
#  * no word is cut: every word on the screen is a word of the locales,
#    of the seeded data or of a short list of names; a word shortened on
#    purpose ends in "…";
#  * docs/console-gallery.md is this run's text (digits and runs of spaces
#    aside, as dates and figures move): a screen that changed without its
#    gallery fails here. GALLERY_WRITE=1 (make gallery) writes it anew.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
cid="(SELECT id FROM creators WHERE handle='amina')"
sql "UPDATE creators SET display_name='Amina Wanjiru', bio='Photographer in Nairobi' WHERE handle='amina';"
sql "INSERT INTO products (creator_id, slug, kind, title, summary, price_minor, currency, status, starts_at, venue, capacity, created_at, updated_at, published_at) VALUES ($cid, 'taarab-night', 'ticket', 'Taarab Night at the Old Fort', 'An evening of taarab', 80000, 'KES', 'published', $now + 86400 * 9, 'Old Fort, Mombasa', 80, $now, $now, $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, summary, price_minor, currency, status, created_at, updated_at, published_at) VALUES ($cid, 'nairobi-street', 'download', 'Nairobi Street Photography Presets', 'Twelve presets', 150000, 'KES', 'published', $now, $now, $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, summary, price_minor, currency, status, period_days, created_at, updated_at, published_at) VALUES ($cid, 'darkroom-club', 'subscription', 'Darkroom Club', 'A new lesson every week', 50000, 'KES', 'published', 30, $now, $now, $now);"
sql "INSERT INTO products (creator_id, slug, kind, title, summary, price_minor, currency, status, starts_at, join_url, created_at, updated_at) VALUES ($cid, 'light-webinar', 'webinar', 'Light and Shadow Webinar', 'Two hours live', 1500, 'USD', 'draft', $now + 86400 * 20, 'https://meet.example.com/light', $now, $now);"
# Sales over the last weeks, for the chart, the lists and the totals.
i=0
for spec in "254712345678 nairobi-street 150000 KES 1" "254712345678 darkroom-club 50000 KES 3" \
	"254733000444 nairobi-street 150000 KES 6" "255700000999 taarab-night 160000 KES 9" \
	"254722111222 nairobi-street 150000 KES 13" "254733000444 darkroom-club 50000 KES 20"; do
	set -- $spec
	i=$((i + 1))
	at=$((now - 86400 * $5))
	sql "INSERT OR IGNORE INTO customers (phone, locale, created_at) VALUES ('$1', 'en', $at);"
	sql "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES ('gal-$i', (SELECT id FROM customers WHERE phone='$1'), (SELECT id FROM products WHERE slug='$2'), $3, '$4', 'paid', $at, $at, $at + 120, $at); $ORDER_LINES_SQL"
	sql "INSERT INTO entitlements (customer_id, product_id, order_id, starts_at, expires_at) VALUES ((SELECT id FROM customers WHERE phone='$1'), (SELECT id FROM products WHERE slug='$2'), (SELECT id FROM orders WHERE ref='gal-$i'), $at, CASE WHEN '$2' = 'darkroom-club' THEN $at + 86400 * 30 END);"
done
sql "UPDATE customers SET locale='sw' WHERE phone='255700000999';"
NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=300 start_storefront

# One sale today through the storefront, as a phone makes it.
jar="$T/jar"
page=$(curl -fsS -c "$jar" "$URL/p/taarab-night")
csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no csrf on the product page"
curl -fsS -b "$jar" -c "$jar" -o /dev/null -d "phone=0712345678&quantity=2&csrf=$csrf" "$URL/p/taarab-night/checkout"
today_paid() { [ "$(sql "SELECT count(*) FROM orders WHERE status = 'paid' AND ref NOT LIKE 'gal-%'")" = 1 ]; }
wait_until 30 "the sale settled" today_paid

# The words a screen may show.
python3 - "$NYOTA_SRC" > "$T/vocab" <<'PY'
import json, re, sys
src = sys.argv[1]
words = set()
for lang in ("en", "sw"):
    for v in json.load(open(f"{src}/locales/{lang}.json")).values():
        words.update(w.lower() for w in re.findall(r"[^\W\d_]+", v))
print("\n".join(sorted(words)))
PY
# (A simulator's receipt or reference drawn without a digit reads as a
# word: the run's own values are known words too.)
sql "SELECT title || ' ' || summary || ' ' || coalesce(venue, '') FROM products; SELECT display_name || ' ' || bio || ' ' || handle FROM creators; SELECT ref || ' ' || substr(ref, 1, 6) FROM orders; SELECT coalesce(receipt, '') || ' ' || coalesce(provider_ref, '') FROM payments;" |
	python3 -c 'import re,sys; print("\n".join(w.lower() for w in re.findall(r"[^\W\d_]+", sys.stdin.read())))' >> "$T/vocab"
# Names that are no locale's words: the product, days and months (C
# locale and EAT), currencies, kinds of terminals and links.
printf '%s\n' nyota mon tue wed thu fri sat sun jan feb mar apr may jun jul \
	aug sep oct nov dec kes ksh tsh ush tzs ugx usd mpesa pesa sim ssh sftp eat utc \
	whatsapp stripe enter esc tab shift alt del pgup pgdn home end ctrl \
	https http www example com localhost >> "$T/vocab"

# cut_words FILE: the words of a captured screen that are nobody's word.
cut_words() {
	python3 - "$T/vocab" "$1" <<'PY'
import re, sys
vocab = set(open(sys.argv[1]).read().split())
bad = []
for line in open(sys.argv[2]):
    for chunk in line.split():
        # Links, addresses, key fingerprints and codes are not words.
        if re.search(r"[/@:=]|\d", chunk):
            continue
        for m in re.finditer(r"[^\W\d_]+(…)?", chunk):
            w = m.group(0)
            if w.endswith("…") or len(w) < 3:
                continue
            if w.lower() not in vocab:
                bad.append(w)
print(" ".join(sorted(set(bad))))
PY
}

# The values a run draws at random (order refs, the simulator's receipts
# and references) become fixed look-alikes in the gallery, so that it
# only changes when a screen does.
sql "SELECT ref FROM orders WHERE ref NOT LIKE 'gal-%'; SELECT receipt FROM payments WHERE receipt IS NOT NULL; SELECT provider_ref FROM payments WHERE provider_ref IS NOT NULL;" > "$T/randoms"
steady() {
	python3 - "$T/randoms" "$1" <<'PY'
import sys
vals = [v for v in open(sys.argv[1]).read().split() if len(v) >= 6]
# Any value maps to the same characters: the look-alike must not depend
# on which letters (or how many digits) this run drew.
seq = "Kq7vT2mZpL9wXc4RbN8yHd3sFg6jA1e5" * 4
def fake(v):
    keep = 4 if v.startswith("sim-") else 3 if v.startswith("SIM") else 0
    return v[:keep] + seq[:len(v) - keep]
text = open(sys.argv[2]).read()
for v in sorted(vals, key=len, reverse=True):
    f = fake(v)
    for n in range(len(v), 5, -1):	# whole, or cut by the screen
        if v[:n] in text:
            text = text.replace(v[:n], f[:n])
sys.stdout.write(text)
PY
}

# shoot NAME TITLE: the pane into the gallery, after checking its words.
GAL="$T/gallery.md"
shoot() {
	local f="$T/shot-$1" bad i
	# A screen still being drawn is not shot: two captures alike.
	screen_rows "$1" > "$f"
	for i in $(seq 1 50); do
		sleep 0.3
		screen_rows "$1" > "$f.2"
		cmp -s "$f" "$f.2" && break
		mv "$f.2" "$f"
	done
	bad=$(cut_words "$f")
	# GALLERY_LENIENT=1 (by hand, while fixing screens) lists them all.
	if [ -n "$bad" ] && [ "${GALLERY_LENIENT:-0}" = 1 ]; then
		echo "CUT $2: $bad" >&2
	elif [ -n "$bad" ]; then
		cat "$f" >&2
		fail "$2: words cut or unknown: $bad"
	fi
	{
		printf '### %s\n\n```\n' "$2"
		steady "$f" | sed 's/[[:space:]]*$//'
		printf '```\n\n'
	} >> "$GAL"
}

# tour NAME LANG: every screen once.
tour() {
	local a=$1 l=$2
	printf '## %s\n\n' "$([ "$l" = en ] && echo English || echo Kiswahili)" >> "$GAL"
	tm send-keys -t "$a" 1; wait_for "$a" 'amina · 1 '; shoot "$a" "1 Dashboard ($l)"
	tm send-keys -t "$a" 2; wait_for "$a" 'amina · 2 '; shoot "$a" "2 Orders ($l)"
	tm send-keys -t "$a" Enter; wait_for "$a" '^ (Order|Agizo) '
	shoot "$a" "Order detail ($l)"
	tm send-keys -t "$a" Escape; sleep 0.3
	tm send-keys -t "$a" 3; wait_for "$a" 'amina · 3 '
	# The detail's key hints (its flash) stay with the detail.
	screen_rows "$a" | tail -1 | grep -Eq 'Esc (back|rudi)' &&
		fail "the order detail's hints on Products: $(screen_rows "$a" | tail -1)"
	shoot "$a" "3 Products ($l)"
	tm send-keys -t "$a" n
	wait_for "$a" '(step|hatua) 1/7|Continue the product|Endelea na bidhaa'
	# The product left half made by the English tour is offered back.
	if screen_of "$a" | grep -Eq 'Continue the product|Endelea na bidhaa'; then
		shoot "$a" "n New product, the draft offered ($l)"
		tm send-keys -t "$a" n
	fi
	wait_for "$a" '(step|hatua) 1/7'
	shoot "$a" "n New product, kind ($l)"
	tm send-keys -t "$a" Enter; wait_for "$a" '(step|hatua) 2/7'
	shoot "$a" "n New product, basics ($l)"
	# Esc and then the key, as slowly as a person reading the help:
	# leaves the wizard for Customers, nothing typed into the field.
	tm send-keys -t "$a" Escape
	wait_line "$a" 24 '^ Esc: '
	sleep 1; tm send-keys -t "$a" 4
	wait_for "$a" 'Nyota · amina · 4 '
	shoot "$a" "4 Customers ($l)"
	tm send-keys -t "$a" 5; wait_for "$a" 'amina · 5 '
	shoot "$a" "5 Check-in ($l)"
	# At the door, Esc clears a mistyped code at once, and the next code
	# is typed, not read as screen keys (q would quit).
	tm send-keys -t "$a" 'X7'
	wait_for "$a" '^ +X7 *$'
	tm send-keys -t "$a" Escape q
	wait_for "$a" '^ +q *$'
	screen_of "$a" | grep -q 'amina · 5 ' || fail "Esc then q left Check-in"
	tm send-keys -t "$a" Escape
	wait_count "$a" '^ +q *$' 0
	tm send-keys -t "$a" Escape; sleep 0.3; tm send-keys -t "$a" 6
	wait_for "$a" 'amina · 6 '
	shoot "$a" "6 Messages ($l)"
	tm send-keys -t "$a" 7; wait_for "$a" 'amina · 7 '; shoot "$a" "7 Settings ($l)"
	tm send-keys -t "$a" '?'; wait_for "$a" 'Press any key|Bonyeza kitufe'
	shoot "$a" "? Help ($l)"
	tm send-keys -t "$a" Escape; sleep 0.3
}

: > "$GAL"
fresh_code "$SECRET"
login a amina "$CODE" 80 24
wait_for a 'Dashboard'
# The wizard may offer a draft: none yet on a first login.
tour a en
tm send-keys -t a 7
wait_for a 'Settings'
tm send-keys -t a l
wait_for a 'Mipangilio'
tour a sw
tm send-keys -t a q
wait_for a 'ssh-exit='
# No draft to offer at the next logins.
sql "DELETE FROM console_drafts;"

# The header's clock follows the minute with no key pressed.
fresh_code "$SECRET"
login c amina "$CODE" 80 24
wait_for c 'Dashibodi'
m0=$(date +%M)
while [ "$(date +%M)" = "$m0" ]; do sleep 1; done
sleep 2
expect_eq "$(screen_rows c | head -1 | grep -o '[0-9][0-9]:[0-9][0-9] *$' | tr -d ' ')" \
	"$(TZ=EAT-3 date +%H:%M)" "the clock after the minute turned"
tm kill-session -t c

# TERM=vt100 and NO_COLOR: the chart in ASCII, no colour, still whole.
fresh_code "$SECRET"
tm new-session -d -s v -x 80 -y 24 \
	"TERM=vt100 ssh -p $SSH_PORT $SSH_OPTS -o SetEnv=NO_COLOR=1 amina@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for v 'Verification code:'
tm send-keys -t v "$CODE" Enter
wait_for v 'Dashibodi'
sleep 0.5
tm capture-pane -p -e -t v > "$T/vt100-esc"
screen_rows v > "$T/vt100"
grep -q '[▁▂▃▄▅▆▇█]' "$T/vt100" && fail "block glyphs on vt100"
grep -q '#' "$T/vt100" || fail "no ASCII chart on vt100: $(cat "$T/vt100")"
# No colour escapes (tmux writes SGR 3x/4x for colours) under NO_COLOR.
grep -Eq $'\e\\[[0-9;]*(3[0-7]|4[0-7])[;m]' "$T/vt100-esc" && fail "colours despite NO_COLOR"
bad=$(cut_words "$T/vt100")
[ -z "$bad" ] || fail "vt100: words cut or unknown: $bad"
{
	printf '## TERM=vt100, NO_COLOR=1\n\n'
	printf '### 1 Dashboard (sw, vt100)\n\n```\n'
	sed 's/[[:space:]]*$//' "$T/vt100"
	printf '```\n'
} >> "$GAL"

# The gallery in docs/ is this run's.
doc="$NYOTA_SRC/docs/console-gallery.md"
# What must match: the text with numbers, day and month names and runs of
# spaces made alike (they move with the date and the figures).
body() {
	sed -n '/^## English/,$p' "$1" | python3 -c '
import re, sys
names = "Jan Feb Mar Mac Apr May Mei Jun Jul Aug Ago Sep Oct Okt Nov Dec Des " \
    "Sun Mon Tue Wed Thu Fri Sat Jumapili Jumatatu Jumanne Jumatano " \
    "Alhamisi Ijumaa Jumamosi"
pat = re.compile(r"\b(" + "|".join(names.split()) + r")\b")
for line in sys.stdin:
    line = pat.sub("N", re.sub(r"[0-9]+", "0", line))
    print(re.sub(r" +", " ", line.rstrip()))'
}
if [ "${GALLERY_WRITE:-0}" = 1 ]; then
	{
		sed -n '1,/^<!-- gallery -->/p' "$doc"
		cat "$GAL"
	} > "$T/new.md"
	cp "$T/new.md" "$doc"
	echo "wrote $doc"
else
	[ -f "$doc" ] || fail "no $doc (make gallery writes it)"
	if ! diff -u <(body "$doc") <(body "$GAL") > "$T/gallery.diff"; then
		head -60 "$T/gallery.diff" >&2
		fail "docs/console-gallery.md is not what the console shows: run make gallery"
	fi
fi
echo ok
