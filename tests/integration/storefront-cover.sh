# Covers and avatars, end to end: `nyota-console import` takes a cover and
# an avatar only when their bytes are a PNG/JPEG/WebP within 5 MB and 4000
# pixels (a renamed executable, a 4001-pixel and a 5 MB+ file are refused
# with the JSON path); the pages show them with their recorded size and an
# escaped alt text, a product without a cover keeps the text card, the
# product page says "by NAME" with a link; GET /cover serves the cover and
# the avatar of an enrolled creator and nothing else (a paid file's digest
# is a 404); headless Chromium at 360×740 paints the cover at its ratio.
. "$(dirname "$0")/lib.sh"
unset LC_ALL LC_MESSAGES
export LANG=C
C="$T/cat"
mkdir -p "$C/img" "$C/files"

# Images: solid colours the page's own CSS never uses, so a screenshot's
# pixels say where the image was painted.
python3 - "$C" <<'PY'
import struct, sys, zlib
d = sys.argv[1]
def png(path, w, h, rgb, pad=0):
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    raw = (b"\0" + bytes(rgb) * w) * h
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    open(path, "wb").write(data + b"\0" * pad)
png(d + "/img/cover.png", 640, 360, (255, 0, 255))
png(d + "/img/avatar.png", 120, 120, (0, 255, 255))
png(d + "/img/strip.png", 4000, 1, (128, 128, 128))
png(d + "/img/huge.png", 4001, 1, (128, 128, 128))
png(d + "/img/heavy.png", 10, 10, (1, 2, 3), pad=5 << 20)
open(d + "/img/fake.png", "wb").write(b"\x7fELF\x02\x01\x01\0" + b"\0" * 120)
open(d + "/files/kanga.pdf", "wb").write(b"%PDF-1.4\nthe paid part\n%%EOF\n")
PY

# catalog OUT [edit]: the document, with products[0]'s cover replaced.
catalog() {
	python3 - "$1" "${2:-}" <<'PY'
import json, sys
out, bad = sys.argv[1], sys.argv[2]
doc = {"version": 1,
  "creators": [
    {"handle": "wanjiku", "display_name": "Wanjiku \"Kanga\" <Studio> & Co",
     "avatar": "img/avatar.png"},
    {"handle": "baraka"}],
  "products": [
    {"creator": "baraka", "slug": "long-strip", "kind": "download",
     "title": "Long strip", "price_minor": 1000, "currency": "KES",
     "status": "published", "cover": "img/strip.png",
     "files": [{"name": "kanga.pdf", "path": "files/kanga.pdf"}]},
    {"creator": "baraka", "slug": "plain-notes", "kind": "download",
     "title": "Plain notes", "summary": "No picture here",
     "price_minor": 2000, "currency": "KES", "status": "published",
     "files": [{"name": "kanga.pdf", "path": "files/kanga.pdf"}]},
    # the newest: first in the catalog
    {"creator": "wanjiku", "slug": "kanga-prints", "kind": "download",
     "title": "Kanga \"><img src=x onerror=alert(2)> 'prints' & more",
     "summary": "Patterns from the coast", "price_minor": 50000,
     "currency": "KES", "status": "published", "cover": "img/cover.png",
     "files": [{"name": "kanga.pdf", "path": "files/kanga.pdf"}]}]}
if bad:
    doc["products"][0]["cover"] = bad
json.dump(doc, open(out, "w"), indent=1)
PY
}

# refused PICTURE REGEX: an import with that cover fails, naming it.
refused() {
	local out rc
	catalog "$C/bad.json" "$1"
	set +e
	out=$(console import "$C/bad.json" 2>&1)
	rc=$?
	set -e
	[ "$rc" -ne 0 ] || fail "import took $1"
	expect_match "$out" "$2" "import refusal for $1"
}
console creator list > /dev/null 2>&1	# migrate once
refused img/fake.png 'products\[0\]\.cover: img/fake\.png: not a PNG, JPEG or WebP image'
refused img/huge.png 'products\[0\]\.cover: img/huge\.png: .*4000 pixels'
refused img/heavy.png 'products\[0\]\.cover: img/heavy\.png: larger than 5 MB'
refused ../cover.png 'products\[0\]\.cover: ".." is not allowed'
expect_eq "$(sqlite3 "$NYOTA_DATA_DIR/nyota.db" "SELECT count(*) FROM products")" 0 "refusals changed nothing"

catalog "$C/catalog.json"
console import "$C/catalog.json" > /dev/null
DB="$NYOTA_DATA_DIR/nyota.db"
cover=$(sha256sum < "$C/img/cover.png" | cut -c1-64)
avatar=$(sha256sum < "$C/img/avatar.png" | cut -c1-64)
paid=$(sha256sum < "$C/files/kanga.pdf" | cut -c1-64)
expect_eq "$(sqlite3 "$DB" "SELECT mime || ' ' || width || 'x' || height FROM blobs WHERE sha256 = '$cover'")" \
	"image/png 640x360" "cover measured"
expect_eq "$(sqlite3 "$DB" "SELECT avatar_sha256 FROM creators WHERE handle = 'wanjiku'")" "$avatar" "avatar imported"

start_storefront
get() { curl -fsS -H 'Accept-Language: en' "$URL$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$URL$1"; }
wait_page / 'Plain notes'

# card PAGE SLUG: the catalog card of SLUG on the page, on one line.
card() {
	get "$1" | python3 -c '
import re, sys
html, slug = sys.stdin.read(), sys.argv[1]
for li in re.findall(r"<li class=\"card\">.*?</li>", html, re.S):
    if "href=\"/p/%s\"" % slug in li:
        print(li.replace("\n", " "))' "$2"
}
ALT='Kanga &quot;&gt;&lt;img src=x onerror=alert\(2\)&gt; &#39;prints&#39; &amp; more'
IMG="<img src=\"/cover/$cover\" width=\"640\" height=\"360\" loading=\"lazy\" alt=\"$ALT\">"
expect_match "$(card / kanga-prints)" "$IMG" "cover on the catalog card"
expect_match "$(card '/?q=kanga' kanga-prints)" "$IMG" "cover on a search result"
expect_match "$(card /@wanjiku kanga-prints)" "$IMG" "cover on the creator page"
expect_match "$(card / long-strip)" "width=\"4000\" height=\"1\"" "a 4000×1 strip keeps its size"
plain=$(card / plain-notes)
expect_match "$plain" '<h2>Plain notes</h2>' "text card"
printf '%s' "$plain" | grep -q '<img' && fail "a product without a cover got an image: $plain"
printf '%s' "$(get /)" | grep -q '<img src=x' && fail "title not escaped"

page=$(get /p/kanga-prints)
expect_match "$page" "<img class=\"cover\" src=\"/cover/$cover\" width=\"640\" height=\"360\" loading=\"eager\" fetchpriority=\"high\" alt=\"$ALT\">" "cover on the product page"
expect_match "$page" '<a href="/@wanjiku">by Wanjiku &quot;Kanga&quot; &lt;Studio&gt; &amp; Co</a>' "by NAME, linked"
expect_match "$(get /p/plain-notes)" '<a href="/@baraka">by baraka</a>' "by HANDLE without a name"
get /p/plain-notes | grep -q 'class="cover"' && fail "cover on a product without one"

# API: the cover's URL and size, absent without a cover.
api=$(get /api/v1/products/kanga-prints)
python3 - "$api" "$cover" <<'PY' || fail "API cover: $api"
import json, sys
p, sha = json.loads(sys.argv[1]), sys.argv[2]
assert p["cover_url"] == "/cover/" + sha, p
assert (p["cover_width"], p["cover_height"]) == (640, 360), p
PY
get /api/v1/products/plain-notes | grep -q cover_ && fail "cover fields without a cover"

# The avatar: not shown or served until the creator enrols.
expect_match "$(get /@wanjiku)" '<h1>Wanjiku &quot;Kanga&quot; &lt;Studio&gt; &amp; Co</h1>' "display name"
get /@wanjiku | grep -q 'class="avatar"' && fail "avatar of a creator who never enrolled"
expect_eq "$(code "/cover/$avatar")" 404 "avatar before enrolment"
console creator add wanjiku > /dev/null
wait_page /@wanjiku 'class="avatar"'
expect_match "$(get /@wanjiku)" "<img class=\"avatar\" src=\"/cover/$avatar\" width=\"120\" height=\"120\" alt=\"Wanjiku &quot;Kanga&quot; &lt;Studio&gt; &amp; Co\">" "avatar on the creator page"
expect_match "$(get /@baraka)" '<h1>baraka</h1>' "handle when no name"
get /@baraka | grep -q 'class="avatar"' && fail "avatar without one"

# /cover: cover and avatar, with the same headers; nothing else.
for sha in "$cover" "$avatar"; do
	h=$(curl -s -D - -o "$T/got.png" "$URL/cover/$sha")
	expect_match "$h" '^HTTP/1.1 200' "served: $sha"
	expect_match "$h" 'Content-Type: image/png' "type: $sha"
	expect_match "$h" 'Cache-Control: public, max-age=31536000, immutable' "cache: $sha"
	expect_match "$h" 'X-Content-Type-Options: nosniff' "nosniff: $sha"
	expect_eq "$(sha256sum < "$T/got.png" | cut -c1-64)" "$sha" "bytes: $sha"
done
expect_eq "$(code "/cover/$paid")" 404 "a paid file's digest"
expect_eq "$(code /cover/0000000000000000000000000000000000000000000000000000000000000000)" 404 "unknown digest"
expect_eq "$(code "/cover/$(printf '%s' "$cover" | tr a-f A-F)")" 404 "upper-case digest"
# The pages pass the XSS checker (no payload unescaped, no handler).
for p in / /p/kanga-prints /@wanjiku '/?q=kanga'; do
	get "$p" > "$T/page.html"
	python3 "$NYOTA_SRC/tests/integration/security-xss.py" html "$p" "$T/page.html" ||
		fail "XSS check on $p"
done

# Headless Chromium at a phone's size: the cover is painted, inside the
# 360 px viewport, at its 16:9 ratio (catalog card and product page);
# the avatar is painted on the creator page.
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ]; then
	echo "SKIP browser part: chromium is not installed"
else
	shot() {
		timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
		    --disable-quic --no-first-run --disable-background-networking \
		    --disable-component-update --disable-sync --disable-dev-shm-usage \
		    --hide-scrollbars --virtual-time-budget=5000 \
		    --user-data-dir="$(mktemp -d "$T/chrome.XXXXXX")" \
		    --window-size=360,740 --screenshot="$T/$1.png" "$URL$2" \
		    >/dev/null 2>>"$T/chrome.log"
		[ -s "$T/$1.png" ] || fail "no screenshot of $2"
	}
	# painted PNG R G B RATIO: the box of pixels of that colour lies in
	# the 360 px width with RATIO (width/height, ±6 %; 0: any) and
	# covers at least 2000 pixels.
	painted() {
		python3 - "$@" <<'PY'
import struct, sys, zlib
path, r, g, b, ratio = sys.argv[1], *map(int, sys.argv[2:5]), float(sys.argv[5])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if t == b"IHDR": ihdr = struct.unpack(">IIBBBBB", body)
    if t == b"IDAT": idat += body
    pos += 12 + n
w, h, depth, ctype, _, _, interlace = ihdr
assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
bpp = 3 if ctype == 2 else 4
raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        up, c = prev[x], prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + up) & 255
        elif f == 3: line[x] = (line[x] + (a + up) // 2) & 255
        elif f == 4:
            p = a + up - c; pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
    rows.append(line); prev = line
xs, ys, n = [], [], 0
for y, line in enumerate(rows):
    for x in range(w):
        px = line[x * bpp:x * bpp + 3]
        if abs(px[0] - r) < 8 and abs(px[1] - g) < 8 and abs(px[2] - b) < 8:
            xs.append(x); ys.append(y); n += 1
if n < 2000:
    sys.exit("%s: only %d pixels of the image painted" % (path, n))
bw, bh = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
print("%s: %d px painted, box %dx%d at %d,%d of %dx%d" % (path.split("/")[-1], n, bw, bh, min(xs), min(ys), w, h))
if w > 360 or max(xs) >= 360:
    sys.exit("wider than the phone")
if ratio and abs(bw / bh - ratio) / ratio > 0.06:
    sys.exit("ratio %.3f, expected %.3f" % (bw / bh, ratio))
PY
	}
	shot catalog /
	painted "$T/catalog.png" 255 0 255 1.7778 || fail "cover on the catalog (see $T/catalog.png)"
	shot product /p/kanga-prints
	painted "$T/product.png" 255 0 255 1.7778 || fail "cover on the product page (see $T/product.png)"
	shot creator /@wanjiku
	painted "$T/creator.png" 0 255 255 0 || fail "avatar on the creator page (see $T/creator.png)"
fi

# Disabled creator: avatar and covers gone from /cover.
sqlite3 "$DB" "UPDATE creators SET disabled_at = 1 WHERE handle = 'wanjiku'"
wait_code "/cover/$avatar" 404
wait_code "/cover/$cover" 404
echo ok
