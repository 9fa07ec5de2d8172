# The New product wizard end to end: a ticket product typed step by step
# (an inline error on a bad capacity and on one over the product rules'
# limit, back and next keep input, an automatic message added and one
# removed), published,
# then listed on the Products screen and on the storefront.
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
tm send-keys -t w 'Nairobi Gig' Enter
wait_for w 'nairobi-gig'
tm send-keys -t w Enter '1,500' Enter Enter 'Live music in town' Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w 'A night of Benga and Taarab.' Enter 'Doors at six.' Tab
wait_for w 'Content'
# Tickets have no files, only the optional cover (the last item).
tm send-keys -t w '2027-01-15 18:00' Enter 'Alliance Francaise' Enter 'many' Enter
wait_for w 'Cover image +none'
screen_of w | grep -q '^ *Files' && fail "a ticket offers files"
tm send-keys -t w Enter
wait_for w 'Capacity.*whole number'
# Back to the story and forward again: what was typed is still there.
tm send-keys -t w BTab
wait_for w 'Doors at six'
tm send-keys -t w Tab
wait_for w 'Alliance Francaise'
tm send-keys -t w Down Down BSpace BSpace BSpace BSpace 10000001 Enter Enter
# Too many seats: the limit and its message are product_validate's, the
# same as the import's.
wait_for w 'Capacity.*whole number from 0 to 10,000,000'
tm send-keys -t w BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace 100 Enter Enter
wait_for w 'Delivery'
wait_for w 'You paid KES 1,500.00 for Nairobi Gig'
wait_for w 'KSh 1,500.00'
wait_for w 'Asante' # receipt preview sw
tm send-keys -t w Enter
wait_for w 'Automatic messages'
wait_for w 'Press a to add'
# "Welcome" 10 minutes after the purchase; a second one (an hour before
# the start) is added, then removed again; a bad number is refused inline.
tm send-keys -t w a
wait_for w 'Minutes'
tm send-keys -t w BSpace 'soon' Enter 'x' Enter 'y' Enter
wait_for w 'whole number from 0'
tm send-keys -t w BSpace BSpace BSpace BSpace 10 Enter
tm send-keys -t w BSpace 'Welcome to the gig: {link}' Enter
tm send-keys -t w BSpace 'Karibu kwenye tamasha: {link}' Enter
wait_for w '10 minutes after the purchase'
tm send-keys -t w a
wait_for w 'Minutes'
tm send-keys -t w Up Right
wait_for w '< before the start >'
tm send-keys -t w Down BSpace 60 Enter 'Starts in an hour' Enter 'Inaanza baada ya saa moja' Enter
wait_for w '1 hour before the start'
tm send-keys -t w Down x
wait_for w 'y yes'
tm send-keys -t w y
wait_count w '1 hour before the start' 0 # automation removed
tm send-keys -t w Enter
wait_for w 'Review'
wait_for w 'Title +Nairobi Gig'

tm send-keys -t w p
wait_for w 'Published'
wait_for w 'Nairobi Gig'
expect_eq "$(sql "SELECT kind, status, price_minor, capacity, venue FROM products WHERE slug='nairobi-gig'")" \
	"ticket|published|150000|100|Alliance Francaise" "product row"
expect_match "$(sql "SELECT story_md FROM products WHERE slug='nairobi-gig'")" 'Doors at six' "story kept"
expect_eq "$(sql "SELECT a.trigger, a.offset_minutes, a.body_en, a.body_sw, a.enabled FROM automations a JOIN products p ON p.id = a.product_id WHERE p.slug='nairobi-gig'")" \
	"purchase|10|Welcome to the gig: {link}|Karibu kwenye tamasha: {link}|1" "automation saved"

# Archive from the Products screen (asks first).
tm send-keys -t w a
wait_for w 'y yes'
tm send-keys -t w n
wait_count w 'y yes' 0 # the question is gone
expect_eq "$(sql "SELECT status FROM products WHERE slug='nairobi-gig'")" published "not archived on no"

# Edit: the title says so, the kind step is skipped (and Shift-Tab does
# not reach it); the saved automatic message is there; cancelling writes
# nothing.
wizard_edit w
tm send-keys -t w Enter Enter Enter Enter
wait_for w 'Delivery'
tm send-keys -t w Enter
wait_for w '10 minutes after the purchase'
tm send-keys -t w Escape
wait_for w 'Discard this product'
tm send-keys -t w y
wait_for w 'Products'
expect_eq "$(sql "SELECT count(*) FROM automations")" 1 "edit cancelled, automation kept"

# The storefront shows it.
start_storefront
code=$(curl -s -o "$T/page.html" -w '%{http_code}' "$URL/p/nairobi-gig")
expect_eq "$code" 200 "product page"
grep -q 'Nairobi Gig' "$T/page.html" || fail "title on the product page"
# A download: the file is picked from uploads/HANDLE/ (no path typed)
# and copied into the store.
mkdir -p "$NYOTA_DATA_DIR/uploads/wanjiru"
head -c 3000000 /dev/urandom > "$NYOTA_DATA_DIR/uploads/wanjiru/pack.zip"
chmod 0640 "$NYOTA_DATA_DIR/uploads/wanjiru/pack.zip"
tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Enter
wait_for w 'Basics'
tm send-keys -t w 'Photo Pack' Enter Enter 500 Enter Enter Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w Tab
wait_for w 'Content'
wait_for w 'Files +none yet: press a'
tm send-keys -t w a
wait_for w 'Add files from your uploads'
wait_for w 'pack\.zip +3\.0 MB'
tm send-keys -t w Enter
wait_for w '1\. pack\.zip +\(3\.0 MB\)'
tm send-keys -t w Enter Enter
wizard_review w
tm send-keys -t w p
wait_for w 'Published'
sha=$(sha256sum "$NYOTA_DATA_DIR/uploads/wanjiru/pack.zip" | cut -c1-64)
expect_eq "$(sql "SELECT f.name, f.sha256 FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = 'photo-pack'")" "pack.zip|$sha" "file attached"
expect_eq "$(sql "SELECT status FROM products WHERE slug='photo-pack'")" published "download published"
tm send-keys -t w q
echo ok
