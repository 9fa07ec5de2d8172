# Files and cover from the uploads, end to end, with nothing but OpenSSH
# on the creator's side: two files (3 MB and 1 MB) and a PNG uploaded
# with sftp; the wizard, over real ssh, picks both files and the cover and
# publishes; a buyer pays with the simulated handset and downloads both
# files from the library with the same bytes; the cover is set. Then
# Edit: the title says so, the kind cannot change, the files are shown;
# they are reordered and saved without being copied again, and the
# library follows the new order. A webinar lists its files too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/library-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200

start_console
sftp_creator wanjiru
UP="$NYOTA_DATA_DIR/uploads/wanjiru"
# The creator's own computer: two files and a cover, sent with OpenSSH's
# sftp (put -p keeps their times: newest first is cover.png,
# raw/small.pdf, big.bin).
SRC="$T/laptop"
mkdir -p "$SRC"
head -c 3000000 /dev/urandom > "$SRC/big.bin"
head -c 1000000 /dev/urandom > "$SRC/small.pdf"
python3 - "$SRC/cover.png" <<'PY'
import struct, sys, zlib
w, h = 16, 8
raw = b"".join(b"\x00" + b"\xcc\x33\x00" * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
PY
touch -d '-3 min' "$SRC/big.bin"
touch -d '-2 min' "$SRC/small.pdf"
touch -d '-1 min' "$SRC/cover.png"
cat > "$T/upload.batch" <<EOF2
mkdir raw
put -p $SRC/big.bin
put -p $SRC/small.pdf raw/small.pdf
put -p $SRC/cover.png
EOF2
sftp_batch up wanjiru "$T/upload.batch"
expect_eq "$RC" 0 "sftp upload ($OUT)"
BIG=$(sha256sum "$SRC/big.bin" | cut -c1-64)
SMALL=$(sha256sum "$SRC/small.pdf" | cut -c1-64)
COVER=$(sha256sum "$SRC/cover.png" | cut -c1-64)
expect_eq "$(sha256sum "$UP/big.bin" | cut -c1-64)" "$BIG" "big.bin uploaded"

code_for wanjiru
login w wanjiru "$CODE" 100 30
wait_for w 'Dashboard'
wizard_download w 'Song Pack'
tm send-keys -t w a
wait_for w 'Add files from your uploads'
# Name, human size and date, newest first.
wait_for w 'cover\.png +[0-9.]+ B'
wait_for w 'raw/small\.pdf +1\.0 MB'
wait_for w 'big\.bin +3\.0 MB'
rows=$(screen_rows w | grep -n 'cover\.png\|small\.pdf\|big\.bin' | cut -d: -f1 | tr '\n' ' ')
read -r r1 r2 r3 _ <<< "$rows"
[ "$r1" -lt "$r2" ] && [ "$r2" -lt "$r3" ] || fail "not newest first: $rows"
tm send-keys -t w BIG Space
wait_for w '\+ big\.bin'
tm send-keys -t w C-u small Enter
wait_for w '2\. small\.pdf +\(1\.0 MB\)'
wait_for w '1\. big\.bin +\(3\.0 MB\)'
tm send-keys -t w Tab a
wait_for w 'Choose a cover image'
wait_count w 'big\.bin' 0 # images only
tm send-keys -t w Enter
wait_for w 'Cover image +cover\.png'
tm send-keys -t w Enter
wizard_review w
wait_for w 'Files +big\.bin, small\.pdf'
tm send-keys -t w p
wait_for w 'Published'
expect_eq "$(sql "SELECT f.name || ':' || f.sha256 FROM product_files f JOIN products p ON p.id = f.product_id WHERE p.slug = 'song-pack' ORDER BY f.position")" \
	"big.bin:$BIG
small.pdf:$SMALL" "files in order, named by their base names"
expect_eq "$(sql "SELECT cover_sha256 FROM products WHERE slug = 'song-pack'")" "$COVER" "cover set"
expect_eq "$(sql "SELECT width || 'x' || height FROM blobs WHERE sha256 = '$COVER'")" 16x8 "cover size recorded"
[ -f "$UP/big.bin" ] && [ -f "$UP/raw/small.pdf" ] || fail "uploads were moved"
IDS=$(sql "SELECT group_concat(id) FROM product_files")

# A buyer sees the cover on the catalog and the product page, pays and
# downloads both, byte for byte.
start_storefront
expect_match "$(curl -fsS "$URL/?lang=en")" "<img src=\"/cover/$COVER\" width=\"16\" height=\"8\"" "cover on the catalog"
expect_match "$(curl -fsS "$URL/p/song-pack?lang=en")" "<img class=\"cover\" src=\"/cover/$COVER\" width=\"16\" height=\"8\"" "cover on the product page"
expect_eq "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/cover/$COVER")" "200 image/png" "cover served"
page=$(curl -fsS -c "$T/jar" -b "$T/jar" "$URL/p/song-pack?lang=en")
csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no CSRF token on the product page"
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$T/jar" -b "$T/jar" \
	--data-urlencode "phone=0733 111 222" --data "quantity=1&csrf=$csrf" \
	"$URL/p/song-pack/checkout?lang=en")
ref=${loc##*/checkout/}
[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout did not redirect: $loc"
wait_until 60 "order paid" sh -c "curl -fsS '$URL/checkout/$ref/status' | grep -q '\"paid\"'"
lib_url=$(link_for 254733111222)
# lib_files: "name id" per file of the library page, in page order.
lib_files() {
	curl -fsS "$lib_url?lang=en" | python3 -c '
import re, sys
html = sys.stdin.read()
for m in re.finditer(r"lib-fname\">([^<]*)</span>.*?href=\"[^\"]*/files/(\d+)\"", html):
    print(m.group(1), m.group(2))'
}
lib_files > "$T/files"
expect_eq "$(cut -d' ' -f1 "$T/files" | tr '\n' ' ')" "big.bin small.pdf " "library lists both, in order"
while read -r name id; do
	curl -fsSL -o "$T/got" "$lib_url/files/$id"
	want=$BIG
	[ "$name" = small.pdf ] && want=$SMALL
	expect_eq "$(sha256sum "$T/got" | cut -c1-64)" "$want" "downloaded $name"
done < "$T/files"

# Edit: title, fixed kind, the files shown; move big.bin down and save.
wait_for w 'Song Pack'
wizard_edit w
wait_for w '1\. big\.bin +\(3\.0 MB\)'
wait_for w '2\. small\.pdf +\(1\.0 MB\)'
wait_for w 'Cover image +the current cover'
tm send-keys -t w d
wait_for w '1\. small\.pdf'
wait_for w '2\. big\.bin'
tm send-keys -t w Enter Enter
wizard_review w
wait_for w 'Files +small\.pdf, big\.bin'
tm send-keys -t w p
wait_for w 'Published'
expect_eq "$(sql "SELECT group_concat(name) FROM (SELECT name FROM product_files ORDER BY position)")" \
	"small.pdf,big.bin" "new order saved"
expect_eq "$(sql "SELECT group_concat(id) FROM product_files")" "$IDS" "files kept, not copied again"
expect_eq "$(sql "SELECT kind || ' ' || cover_sha256 FROM products WHERE slug = 'song-pack'")" \
	"download $COVER" "kind and cover kept"
lib_files > "$T/files2"
expect_eq "$(cut -d' ' -f1 "$T/files2" | tr '\n' ' ')" "small.pdf big.bin " "library follows the new order"

# A webinar's files (slides, recordings) are in the library too.
sql "UPDATE products SET kind = 'webinar', starts_at = strftime('%s', 'now') + 86400 WHERE slug = 'song-pack'"
lib_files > "$T/files3"
expect_eq "$(cut -d' ' -f1 "$T/files3" | tr '\n' ' ')" "small.pdf big.bin " "webinar files listed"
tm send-keys -t w q
echo ok
