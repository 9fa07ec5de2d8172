# The wizard attaches only files inside the creator's own uploads folder:
# a path out of it (relative, absolute), a symlink or a hard link to the
# master key, and a folder are refused with a clear message; a plain
# name in uploads/HANDLE/ is attached, and no other file reaches the store.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add wanjiru 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
KEY="$NYOTA_KEYS_DIR/master.key"
[ -s "$KEY" ] || fail "no master key"
UP="$NYOTA_DATA_DIR/uploads/wanjiru"
mkdir -p "$UP/album"
head -c 100000 /dev/urandom > "$UP/pack.zip"
ln -s "$KEY" "$UP/key.zip"
ln "$KEY" "$UP/hard.zip"

login w wanjiru "$(totp "$SECRET")" 100 24
wait_for w 'Dashboard'
tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Enter
wait_for w 'Basics'
tm send-keys -t w 'Key Sale' Enter Enter 500 Enter Enter Enter
wait_for w 'Story'
tm send-keys -t w Tab
wait_for w 'Content'
# Each refusal's message differs from the one before, so every wait
# proves the new input was judged.
try() { # try INPUT REGEX
	tm send-keys -t w C-u "$1" Enter
	wait_for w "$2"
	screen_of w | grep -q 'Delivery' && fail "$1: accepted"
	return 0
}
try "$KEY" 'type only the name of a file in your uploads'
try 'key.zip' 'not a plain file'
try '../../keys/master.key' 'type only the name of a file in your uploads'
try 'hard.zip' 'not a plain file'
try '/etc/passwd' 'type only the name of a file in your uploads'
try 'album' 'not a plain file'
try '.' 'type only the name of a file in your uploads'
try 'nope.zip' 'no such file in your uploads folder'
tm send-keys -t w C-u 'pack.zip' Enter
wait_for w 'Delivery'
tm send-keys -t w Enter
wait_for w 'Automatic messages'
tm send-keys -t w Enter
wait_for w 'Review'
tm send-keys -t w p
wait_for w 'Published'
sha=$(sha256sum "$UP/pack.zip" | cut -c1-64)
expect_eq "$(sql "SELECT f.name, f.sha256 FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = 'key-sale'")" \
	"pack.zip|$sha" "only the upload attached"
keysha=$(sha256sum "$KEY" | cut -c1-64)
expect_eq "$(sql "SELECT count(*) FROM blobs WHERE sha256 = '$keysha'")" 0 "master key not in the blobs"
[ ! -e "$NYOTA_DATA_DIR/files/${keysha:0:2}/${keysha:2}" ] || fail "master key copied into the store"
expect_eq "$(sql "SELECT count(*) FROM product_files")" 1 "one file in all"
tm send-keys -t w q
echo ok
