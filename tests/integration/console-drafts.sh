# A dropped connection loses nothing: a download typed up to the
# Content step (title, price, summary, a story, a file picked from the
# uploads), the ssh client killed mid-wizard (the server keeps running),
# a new login offers to continue; yes returns to step 4 with everything
# typed, and the product is finished, published and on the storefront;
# the draft is gone then. Declining the offer keeps the draft (asked
# again on n); discarding with Esc forgets it. The offer at 80x24 in
# Swahili too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add wanjiru 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
mkdir -p "$NYOTA_DATA_DIR/uploads/wanjiru"
head -c 200000 /dev/urandom > "$NYOTA_DATA_DIR/uploads/wanjiru/pack.zip"
chmod 0640 "$NYOTA_DATA_DIR/uploads/wanjiru/pack.zip"

draft() { sql "SELECT json_extract(state, '$1') FROM console_drafts"; }
drafts() { sql "SELECT count(*) FROM console_drafts"; }
# kill_client NAME: the ssh client of the window dies (as when the phone
# loses its data connection); the console server is not touched.
kill_client() {
	local pane pid
	pane=$(tm display-message -p -t "$1" '#{pane_pid}')
	pid=$(pgrep -P "$pane" -x ssh) || fail "no ssh client in $1"
	kill -9 "$pid"
	wait_for "$1" 'ssh-exit='
	kill -0 "$CON_PID" || fail "the console server died"
}

fresh_code "$SECRET"
login w wanjiru "$CODE" 80 24
wait_for w 'Dashboard'
expect_eq "$(drafts)" 0 "no draft before the wizard"
tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Enter
wait_for w 'Basics'
tm send-keys -t w 'Mtaa Photo Pack' Enter
wait_for w 'mtaa-photo-pack'
tm send-keys -t w Enter 750 Enter Enter 'Street pictures of Nairobi' Enter Enter Enter
wait_for w 'Story'
# The story is kept while it is typed, before any step change.
tm send-keys -t w 'Line one of the story.' Enter 'Second line here'
wait_until 20 "story in the draft" \
	sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \
	\"SELECT json_extract(state, '\$.story') FROM console_drafts\")\" = \
	'Line one of the story.
Second line here' ]"
expect_eq "$(draft '$.step')" 2 "draft at the story step"
tm send-keys -t w Tab
wait_for w 'Content'
tm send-keys -t w a
wait_for w 'pack\.zip'
tm send-keys -t w Enter
wait_for w '1\. pack\.zip'
wait_until 20 "step 4 and the file in the draft" \
	sh -c "sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \
	\"SELECT json_extract(state, '\$.step') || ' ' || \
	json_extract(state, '\$.files[0].path') FROM console_drafts\" |
	grep -qx '3 pack.zip'"
expect_eq "$(draft '$.fields.price')" 750 "price in the draft"

kill_client w
expect_eq "$(drafts)" 1 "draft kept after the drop"

# Log in again: the offer, then the wizard at step 4 as it was.
fresh_code "$SECRET"
login w2 wanjiru "$CODE" 80 24
wait_for w2 'Continue the product you were making'
wait_for w2 'Mtaa Photo Pack'
wait_for w2 'y yes'
tm send-keys -t w2 y
wait_for w2 'New product, step 4/7 · Content'
wait_for w2 '1\. pack\.zip'
tm send-keys -t w2 BTab
wait_for w2 'Second line here'
wait_for w2 'Line one of the story\.'
tm send-keys -t w2 BTab
wait_for w2 'Title +Mtaa Photo Pack'
wait_for w2 'Price +750'
wait_for w2 'Summary +Street pictures of Nairobi'
# On to the end and publish.
tm send-keys -t w2 Enter Enter Enter Enter Enter Enter Enter
wait_for w2 'Story'
tm send-keys -t w2 Tab
wait_for w2 'Content'
tm send-keys -t w2 Enter Enter
wizard_review w2
wait_for w2 'Title +Mtaa Photo Pack'
tm send-keys -t w2 p
wait_for w2 'Published'
expect_eq "$(sql "SELECT kind, status, price_minor, currency, summary FROM products WHERE slug='mtaa-photo-pack'")" \
	"download|published|75000|KES|Street pictures of Nairobi" "product row"
expect_match "$(sql "SELECT story_md FROM products WHERE slug='mtaa-photo-pack'")" \
	'Second line here' "story kept across the drop"
expect_eq "$(sql "SELECT f.name FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug='mtaa-photo-pack'")" \
	pack.zip "file attached"
expect_eq "$(drafts)" 0 "draft forgotten once published"
start_storefront
wait_page /p/mtaa-photo-pack 'Mtaa Photo Pack'

# A second one, dropped at Basics; the next login is in Swahili.
tm send-keys -t w2 n
wait_for w2 'What are you selling'
tm send-keys -t w2 Enter
wait_for w2 'Basics'
tm send-keys -t w2 'Half Done'
wait_until 20 "second draft" sh -c "sqlite3 -cmd '.timeout 5000' \
	'$NYOTA_DATA_DIR/nyota.db' \"SELECT json_extract(state, '\$.fields.title') \
	FROM console_drafts\" | grep -qx 'Half Done'"
kill_client w2
sql "UPDATE creators SET locale='sw' WHERE handle='wanjiru';"

fresh_code "$SECRET"
login w3 wanjiru "$CODE" 80 24
wait_for w3 'Endelea na bidhaa uliyokuwa ukiitengeneza'
wait_for w3 'Half Done'
wait_for w3 'y ndiyo +n hapana'
# No word cut in the question at 80 columns.
screen_of w3 | grep -Eq '(^|[^[:alpha:]])(Endel|bidh|uliyokuwa|ukiitengenez)…' &&
	fail "a word of the offer is cut"
# Declining keeps the draft for later.
tm send-keys -t w3 n
wait_count w3 'y ndiyo' 0
expect_eq "$(drafts)" 1 "declining keeps the draft"
expect_eq "$(sql "SELECT count(*) FROM products")" 1 "nothing saved by declining"
# n asks again; yes restores it.
tm send-keys -t w3 n
wait_for w3 'Endelea na bidhaa uliyokuwa ukiitengeneza'
tm send-keys -t w3 y
wait_for w3 'Half Done'
# Discarding forgets it.
tm send-keys -t w3 Escape Escape
wait_for w3 'Acha bidhaa hii\?'
tm send-keys -t w3 y
wait_until 20 "draft forgotten on discard" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' \
	'$NYOTA_DATA_DIR/nyota.db' 'SELECT count(*) FROM console_drafts')\" = 0 ]"
expect_eq "$(sql "SELECT count(*) FROM products")" 1 "nothing saved by discarding"
echo ok
