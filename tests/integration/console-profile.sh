# Settings: the creator's name, about text and picture (picked from the
# uploads, checked as an image) appear on the shop; the console prints the
# real scp/sftp/ssh commands (NYOTA_SSH_PUBLIC), never HOST or PORT.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

# tiny_png FILE W H: a valid PNG of W×H grey pixels.
tiny_png() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
raw = b"".join(b"\0" + b"\x80" * w for _ in range(h))
open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
PY
}

export NYOTA_SSH_PUBLIC=shop.example:2200
start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
up="$NYOTA_DATA_DIR/uploads/amina"
mkdir -p "$up"
tiny_png "$up/portrait.png" 120 80
printf 'not an image at all' > "$up/fake.png"
start_storefront

login a amina "$(totp "$SECRET")" 100 30
wait_for a 'Dashboard'
tm send-keys -t a 7
wait_for a 'Profile'
wait_for a 'scp -P 2200 FILE amina@shop\.example:'
wait_for a 'sftp -P 2200 amina@shop\.example'
screen_of a | grep -q 'HOST\|PORT' && fail "a placeholder on Settings: $(screen_of a)"

# Name and about text.
tm send-keys -t a n
wait_for a 'Enter saves'
tm send-keys -t a C-u 'Amina Studio' Enter
wait_for a 'Name: Amina Studio'
tm send-keys -t a b
wait_for a 'Tab saves'
tm send-keys -t a 'Photos of the coast.' Enter 'Since 2019.' Tab
wait_for a 'About: Photos of the coast\.'
[ "$(sql "SELECT bio FROM creators WHERE handle='amina'")" = "Photos of the coast.
Since 2019." ] || fail "bio not saved: $(sql "SELECT bio FROM creators WHERE handle='amina'")"

# A picture: a file named .png that is not an image is refused with the
# reason; the real PNG is taken.
tm send-keys -t a p
wait_for a 'portrait\.png'
tm send-keys -t a 'fake'
wait_for a 'fake\.png'
tm send-keys -t a Enter
wait_for a 'not a PNG, JPEG or WebP'
[ -z "$(sql "SELECT avatar_sha256 FROM creators WHERE handle='amina'")" ] || fail "fake image taken"
tm send-keys -t a Escape
sleep 0.5
tm send-keys -t a p
wait_for a 'portrait\.png'
tm send-keys -t a 'portrait' Enter
wait_for a 'Picture: set'
sha=$(sql "SELECT avatar_sha256 FROM creators WHERE handle='amina'")
expect_match "$sha" '^[0-9a-f]{64}$' "avatar stored"
[ "$(sql "SELECT width || 'x' || height FROM blobs WHERE sha256='$sha'")" = 120x80 ] ||
	fail "avatar dimensions not recorded"

# The shop shows them.
page=$(curl -fsS "$URL/@amina")
expect_match "$page" 'Amina Studio' "display name on the creator page"
expect_match "$page" 'Photos of the coast' "bio on the creator page"
expect_match "$page" "src=\"/cover/$sha\"" "avatar on the creator page"
[ "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/cover/$sha")" = "200 image/png" ] ||
	fail "avatar not served"

# x removes the picture (after a yes).
tm send-keys -t a x
wait_for a 'Remove your picture'
tm send-keys -t a y
wait_for a 'Picture: —'
[ -z "$(sql "SELECT avatar_sha256 FROM creators WHERE handle='amina'")" ] || fail "avatar not removed"

# An invite says the whole command to run.
tm send-keys -t a i
wait_for a 'ssh -p 2200 invite@shop\.example'
echo ok
