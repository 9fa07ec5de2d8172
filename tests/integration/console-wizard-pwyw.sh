# Pay what you want and tags through the real ssh console at 80×24: a
# ticket made "pay what you want" with a minimum and a suggested amount
# (a suggestion below the minimum and a bad tag refused by the field),
# tags typed as "Music, LIVE, …", published; the row, the tags, the draft
# and the Products screen ("≥ KES 50.00") say so, and so does the product
# page. Edited down to minimum 0 with no suggestion: "PWYW" and "free, or
# what you want to give".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add wanjiru 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
login w wanjiru "$(totp "$SECRET")" 80 24
wait_for w 'Dashboard'

tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Down Down Enter
wait_for w 'Basics'
tm send-keys -t w 'Harambee Night' Enter
wait_for w 'harambee-night'
# The fields of before in their places, then the pricing choice.
tm send-keys -t w Enter 50 Enter Enter 'Give what you can' Enter
wait_for w 'Pricing +< Fixed price >'
screen_of w | grep -q 'Suggested' && fail "a fixed price offers a suggestion"
tm send-keys -t w Space
wait_for w 'Pricing +< Pay what you want >'
wait_for w 'Minimum +50'
wait_for w 'Suggested'
# A suggestion under the minimum: refused on the field, with the rule's
# message (product_validate's).
tm send-keys -t w Enter 20 Enter 'Music, LIVE, bad!' Enter
wait_for w 'Suggested: enter an amount no lower than the minimum'
screen_of w | grep -q 'Story' && fail "went on with a suggestion below the minimum"
tm send-keys -t w BSpace BSpace 200 Enter Enter
wait_for w "Tags: Tags may use only the letters"
tm send-keys -t w BSpace Enter
wait_for w 'Story'
# The draft kept across a dropped connection has the choice and tags.
wait_until 20 "pwyw in the draft" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' \
	'$NYOTA_DATA_DIR/nyota.db' \"SELECT json_extract(state, '\$.pwyw') || ' ' || \
	json_extract(state, '\$.fields.suggested') || ' ' || \
	json_extract(state, '\$.fields.tags') FROM console_drafts\")\" = \
	'1 200 Music, LIVE, bad' ]"
tm send-keys -t w Tab
wait_for w 'Content'
tm send-keys -t w '2027-01-15 18:00' Enter 'Uhuru Park' Enter 100 Enter Enter
# The receipt previewed is a buyer's who gave the suggested amount.
wait_for w 'You paid KES 200.00 for Harambee Night'
wizard_review w
wait_for w 'Pricing +Pay what you want'
wait_for w 'Minimum +50'
wait_for w 'Suggested +200'
tm send-keys -t w p
wait_for w 'Published'
expect_eq "$(sql "SELECT pwyw, price_minor, suggested_minor, status FROM products WHERE slug='harambee-night'")" \
	"1|5000|20000|published" "pwyw row"
expect_eq "$(sql "SELECT group_concat(tag, ' ') FROM (SELECT t.tag FROM product_tags t JOIN products p ON p.id = t.product_id WHERE p.slug = 'harambee-night' ORDER BY t.tag)")" \
	"bad live music" "tags saved, folded"
# Products: the minimum, marked.
wait_for w '≥ KES 50\.00'

start_storefront
wait_page /p/harambee-night 'Pay what you want'
curl -s -H 'Accept-Language: en' "$URL/p/harambee-night" > "$T/p1.html"
grep -q 'minimum KES 50.00' "$T/p1.html" || fail "minimum on the product page"
grep -q 'suggested KES 200.00' "$T/p1.html" || fail "suggested on the product page"
curl -s -H 'Accept-Language: sw' "$URL/p/harambee-night?lang=sw" > "$T/p1sw.html"
grep -q 'Lipa unachotaka' "$T/p1sw.html" || fail "Swahili pwyw on the product page"

# Edit: the saved pricing and tags are shown (80×24: every field on the
# screen); the minimum goes to 0 and the suggestion is removed.
tm send-keys -t w e
wait_for w 'Edit product: Harambee Night'
wait_for w 'Pricing +< Pay what you want >'
wait_for w 'Tags +bad, live, music'
wait_for w 'Suggested +200\.00'
tm send-keys -t w Down Down C-u 0 Enter Enter Enter Enter C-u Enter Enter
wait_for w 'Story'
tm send-keys -t w Tab
wait_for w 'Content'
tm send-keys -t w Enter Enter Enter Enter
wizard_review w
tm send-keys -t w p
wait_for w 'Published: changes saved'
expect_eq "$(sql "SELECT pwyw, price_minor, coalesce(suggested_minor, 'null') FROM products WHERE slug='harambee-night'")" \
	"1|0|null" "minimum 0, no suggestion"
expect_eq "$(sql "SELECT count(*) FROM product_tags")" 3 "tags kept on edit"
wait_for w 'PWYW'
wait_page /p/harambee-night 'free, or what you want to give'
curl -s -H 'Accept-Language: en' "$URL/p/harambee-night" | grep -q 'suggested KES' &&
	fail "a suggestion shown after it was removed"
tm send-keys -t w q
echo ok
