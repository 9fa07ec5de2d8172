# The wizard attaches only files from the creator's own uploads folder,
# picked from a list: there is no field to type a server path into; the
# list holds neither a symlink (to the keys, to another creator's folder)
# nor a hard link nor another creator's upload; a picked upload that
# turns into a symlink, or is deleted, before the save is refused by
# name with nothing else lost; two uploads with one base name cannot
# both be attached; a non-image is refused as a cover; and no file but
# the creator's own upload reaches the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add wanjiru 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
console creator add baraka > /dev/null 2>&1 || fail "creator add baraka"
KEY="$NYOTA_KEYS_DIR/master.key"
[ -s "$KEY" ] || fail "no master key"
UP="$NYOTA_DATA_DIR/uploads/wanjiru"
mkdir -p "$UP/album" "$NYOTA_DATA_DIR/uploads/baraka"
head -c 100000 /dev/urandom > "$UP/pack.zip"
head -c 50000 /dev/urandom > "$UP/album/pack.zip"
head -c 20000 /dev/urandom > "$UP/pack2.zip"
head -c 20000 /dev/urandom > "$UP/gone.zip"
echo 'not an image' > "$UP/fake.png"
head -c 1000 /dev/urandom > "$NYOTA_DATA_DIR/uploads/baraka/secret.zip"
chmod 0640 "$UP"/*.zip "$UP"/album/pack.zip "$UP/fake.png"
# The top one is the newest: pack.zip above album/pack.zip.
touch -d '-1 hour' "$UP/album/pack.zip"
ln -s "$KEY" "$UP/key.zip"
ln -s "$KEY" "$UP/key.png"
ln -s "$NYOTA_KEYS_DIR" "$UP/keys"
ln -s ../baraka "$UP/theirs"
ln "$KEY" "$UP/hard.zip"

login w wanjiru "$(totp "$SECRET")" 100 30
wait_for w 'Dashboard'
wizard_download w 'Key Sale'
wait_for w 'Files +none yet: press a'

# No field takes a path: typing one changes nothing (letters of the
# list's own keys aside, a path has nowhere to go).
tm send-keys -t w '../../keys/' '/etc/group' Enter
wait_for w 'Cover image +none'
screen_of w | grep -q 'group\|keys/' && fail "a typed path was taken as input"
screen_of w | grep -Eq 'Files +none yet' || fail "a file appeared from typing"
tm send-keys -t w BTab Tab
wait_for w 'Content'

# The list: the creator's own plain files only.
tm send-keys -t w a
wait_for w 'Add files from your uploads'
wait_for w 'album/pack\.zip'
scr=$(screen_of w)
for want in 'pack\.zip' 'pack2\.zip' 'gone\.zip' 'fake\.png'; do
	echo "$scr" | grep -q "$want" || fail "$want not listed"
done
for bad in key.zip key.png hard.zip master secret.zip theirs keys/; do
	echo "$scr" | grep -q "$bad" && fail "$bad listed: $scr"
done
tm send-keys -t w key
wait_for w 'No upload matches the filter'
tm send-keys -t w BSpace BSpace BSpace
# album/pack.zip is attached as pack.zip; then uploads/pack.zip has the
# same name for buyers and is refused.
tm send-keys -t w album/p Space
wait_for w '\+ album/pack\.zip'
tm send-keys -t w C-u pack.zip
wait_for w 'Filter: pack\.zip'
tm send-keys -t w Space
wait_for w 'another file named pack\.zip is already in the list'
tm send-keys -t w Escape
wait_for w '1\. pack\.zip'
tm send-keys -t w a
wait_for w 'Add files from your uploads'
tm send-keys -t w pack2 Enter
wait_for w '2\. pack2\.zip'
tm send-keys -t w a
wait_for w 'Add files from your uploads'
tm send-keys -t w gone Enter
wait_for w '3\. gone\.zip'

# The cover: a symlink is not offered; a text file named .png is refused
# by its bytes, inline, and the picker stays open.
tm send-keys -t w Tab
wait_for w 'choose an image from your uploads'
tm send-keys -t w a
wait_for w 'Choose a cover image'
wait_for w 'fake\.png'
screen_of w | grep -q 'key\.png' && fail "symlinked image listed"
tm send-keys -t w Enter
wait_for w 'fake\.png: not a PNG, JPEG or WebP image'
tm send-keys -t w Escape
wait_for w 'Cover image +none'

# After the picking: pack2.zip becomes a symlink to the key, gone.zip is
# deleted. The save opens each again (upload_open) and refuses by name.
rm "$UP/pack2.zip" "$UP/gone.zip"
ln -s "$KEY" "$UP/pack2.zip"
tm send-keys -t w Enter
wizard_review w
tm send-keys -t w p
wait_for w 'pack2\.zip is no longer a plain file'
wait_for w 'Content'
tm send-keys -t w x
wait_count w 'pack2\.zip' 0
tm send-keys -t w Enter Enter Enter Enter
wait_for w 'Review'
tm send-keys -t w p
wait_for w 'gone\.zip is no longer in your uploads'
tm send-keys -t w x
wait_count w 'gone\.zip' 0
wait_for w '1\. pack\.zip'
tm send-keys -t w Enter Enter Enter Enter
wait_for w 'Review'
tm send-keys -t w p
wait_for w 'Published'

sha=$(sha256sum "$UP/album/pack.zip" | cut -c1-64)
expect_eq "$(sql "SELECT f.name, f.sha256 FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = 'key-sale'")" \
	"pack.zip|$sha" "only the picked upload attached, under its base name"
expect_eq "$(sql "SELECT count(*) FROM product_files")" 1 "one file in all"
expect_eq "$(sql "SELECT count(*) FROM products")" 1 "one product (the retries updated it)"
keysha=$(sha256sum "$KEY" | cut -c1-64)
expect_eq "$(sql "SELECT count(*) FROM blobs WHERE sha256 = '$keysha'")" 0 "master key not in the blobs"
[ ! -e "$NYOTA_DATA_DIR/files/${keysha:0:2}/${keysha:2}" ] || fail "master key copied into the store"
secsha=$(sha256sum "$NYOTA_DATA_DIR/uploads/baraka/secret.zip" | cut -c1-64)
expect_eq "$(sql "SELECT count(*) FROM blobs WHERE sha256 = '$secsha'")" 0 "another creator's upload not in the blobs"
# The upload itself stays where the creator put it.
[ -f "$UP/album/pack.zip" ] || fail "upload removed"
tm send-keys -t w q
echo ok
