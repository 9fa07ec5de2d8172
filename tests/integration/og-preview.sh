# Link previews as WhatsApp's crawler sees them: product, creator and
# catalog pages fetched with its user agent, no cookies, no JavaScript;
# every Open Graph / Twitter tag once, absolute URLs from NYOTA_BASE_URL,
# the page's language in og:locale, a hostile title escaped; the picture
# each page names answers a 1200×630 PNG under 300 KB whose chunks and
# zlib stream check out (decoded by Python's zlib, not by our code).
. "$(dirname "$0")/lib.sh"
start_storefront
DB="$NYOTA_DATA_DIR/nyota.db"
sqlite3 "$DB" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
sqlite3 "$DB" <<'EOF'
INSERT INTO products(id, creator_id, slug, kind, title, summary, story_md,
  price_minor, currency, status, created_at, updated_at, published_at, pwyw)
VALUES (50, 1, 'hostile', 'download',
  'Say "hi" <script>alert(1)</script> & ''go''',
  'Summary" onload="alert(2)', 'x', 10000, 'KES', 'published',
  1795000000, 1795000000, 1795000600, 1);
EOF
wait_page / 'Say &quot;hi&quot;'

UA='WhatsApp/2.23.20.0 A'
crawl() { curl -sS -A "$UA" "$URL$1"; }

# check_tags PATH WANT_TYPE WANT_URL WANT_LOCALE: prints og:image's URL.
check_tags() {
	crawl "$1" > "$T/page.html"
	python3 - "$T/page.html" "$URL" "$2" "$3" "$4" <<'EOF' || fail "tags of $1"
import html.parser, sys
path, base, want_type, want_url, want_locale = sys.argv[1:]
page = open(path, encoding="utf-8").read()
head = page.split("</head>")[0]
tags = {}
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name")
            if key and (key.startswith("og:") or key.startswith("twitter:")):
                tags.setdefault(key, []).append(a.get("content"))
        if tag == "link" and a.get("rel") == "canonical":
            tags.setdefault("canonical", []).append(a.get("href"))
P().feed(head)
need = ["og:type", "og:site_name", "og:title", "og:description", "og:url",
        "og:image", "og:image:width", "og:image:height", "og:image:type",
        "og:image:alt", "og:locale", "og:locale:alternate", "twitter:card",
        "twitter:title", "twitter:description", "twitter:image", "canonical"]
bad = []
for k in need:
    if len(tags.get(k, [])) != 1:
        bad.append("%s appears %d times" % (k, len(tags.get(k, []))))
if bad:
    sys.exit("; ".join(bad))
t = {k: v[0] for k, v in tags.items()}
def want(k, v):
    if t[k] != v:
        sys.exit("%s is %r, expected %r" % (k, t[k], v))
want("og:type", want_type)
want("og:url", want_url)
want("canonical", want_url)
want("og:locale", want_locale)
want("og:locale:alternate", "sw_KE" if want_locale == "en_KE" else "en_KE")
want("og:image:width", "1200")
want("og:image:height", "630")
want("og:image:type", "image/png")
want("twitter:card", "summary_large_image")
want("twitter:image", t["og:image"])
want("twitter:title", t["og:title"])
want("twitter:description", t["og:description"])
want("og:site_name", "Nyota")
for k in ("og:url", "og:image"):
    if not t[k].startswith(base + "/"):
        sys.exit("%s is not absolute from the base URL: %r" % (k, t[k]))
if not t["og:description"] or not t["og:title"]:
    sys.exit("empty title or description")
if "</head>" not in page:
    sys.exit("no head")
open(path + ".desc", "w", encoding="utf-8").write(t["og:description"])
print(t["og:image"])
EOF
}

# check_png IMAGE_URL: 200, image/png, ≤ 300 KB, IHDR 1200×630, every CRC,
# the whole IDAT inflating to the size the header promises.
check_png() {
	local img=$1 hdr
	curl -sS -A "$UA" -D "$T/img.h" -o "$T/img.png" "$img"
	hdr=$(tr -d '\r' < "$T/img.h")
	expect_match "$hdr" '^HTTP/1.1 200' "picture status for $img"
	printf '%s' "$hdr" | grep -qi '^content-type: image/png$' || fail "content type of $img: $hdr"
	printf '%s' "$hdr" | grep -qi '^etag: "' || fail "no ETag on $img"
	printf '%s' "$hdr" | grep -qi '^cache-control: public' || fail "no Cache-Control on $img"
	python3 - "$T/img.png" <<'EOF' || fail "picture $img"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
if len(data) > 300 * 1024:
    sys.exit("%d bytes" % len(data))
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("no PNG signature")
pos, chunks, idat = 8, [], b""
while pos < len(data):
    n, = struct.unpack(">I", data[pos:pos + 4])
    typ = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + n]
    crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
    if zlib.crc32(typ + body) & 0xffffffff != crc:
        sys.exit("bad CRC on %r" % typ)
    chunks.append(typ)
    if typ == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    if typ == b"IDAT":
        idat += body
    pos += 12 + n
if chunks[0] != b"IHDR" or chunks[-1] != b"IEND" or b"IDAT" not in chunks:
    sys.exit("chunks: %r" % chunks)
if (w, h) != (1200, 630):
    sys.exit("size %dx%d" % (w, h))
d = zlib.decompressobj()
raw = d.decompress(idat) + d.flush()
if not d.eof or d.unused_data:
    sys.exit("zlib stream not complete")
bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype] * depth
if len(raw) != h * (1 + (w * bpp + 7) // 8):
    sys.exit("inflated %d bytes" % len(raw))
if any(raw[y * (1 + (w * bpp + 7) // 8)] > 4 for y in range(h)):
    sys.exit("bad filter byte")
EOF
}

# the product page, as WhatsApp fetches it (tracking parameters dropped)
img=$(check_tags '/p/nairobi-nights?utm_source=wa&fbclid=x' product \
	"$URL/p/nairobi-nights" en_KE)
expect_match "$(cat "$T/page.html.desc")" 'Eight songs recorded live in Nairobi · KES 500\.00' "product description with price"
expect_match "$img" "^$URL/og/p/nairobi-nights\.png\?v=[0-9a-f]{16}$" "product picture URL"
check_png "$img"
# If-None-Match with its ETag: 304, nothing drawn
etag=$(tr -d '\r' < "$T/img.h" | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$img")" 304 "picture revalidated"

# the same in Swahili
img_sw=$(check_tags '/p/nairobi-nights?lang=sw' product \
	"$URL/p/nairobi-nights?lang=sw" sw_KE)
expect_match "$(cat "$T/page.html.desc")" 'KSh 500\.00' "Swahili price"
expect_match "$img_sw" '&l=sw$' "Swahili picture URL"
check_png "$img_sw"

# the creator page and the catalog
img=$(check_tags /@amani profile "$URL/@amani" en_KE)
expect_match "$(cat "$T/page.html.desc")" 'Music &' "creator's bio as description"
expect_match "$img" "^$URL/og/@amani\.png\?v=" "creator picture URL"
check_png "$img"
img=$(check_tags '/?kind=ticket&q=taarab&page=1' website "$URL/" en_KE)
check_png "$img"
img=$(check_tags '/?lang=sw' website "$URL/?lang=sw" sw_KE)
check_png "$img"

# pay what you want, and a hostile title: escaped in every attribute
check_tags /p/hostile product "$URL/p/hostile" en_KE > /dev/null
expect_match "$(cat "$T/page.html.desc")" '^Summary" onload="alert\(2\) · Pay what you want, from KES 100\.00$' "pwyw description"
raw=$(crawl /p/hostile)
printf '%s' "$raw" | grep -q '<script>alert' && fail "title unescaped"
printf '%s' "$raw" | grep -q '" onload=' && fail "summary breaks out of its attribute"
expect_match "$raw" '<meta property="og:title" content="Say &quot;hi&quot; &lt;script&gt;alert\(1\)&lt;/script&gt; &amp; &#39;go&#39;">' "og:title escaped"
expect_match "$raw" '<meta name="twitter:description" content="Summary&quot; onload=&quot;alert\(2\)' "twitter:description escaped"
check_png "$(printf '%s' "$raw" | sed -n 's/.*<meta property="og:image" content="\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')"

# no picture for what the catalog does not show
for p in /og/p/secret-draft.png /og/p/old-archived.png /og/p/ghost-product.png \
    /og/p/nobody.png /og/p/nairobi-nights /og/@gone.png /og/@nobody.png \
    /og/@amani /og/site.gif; do
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL$p")" 404 "picture $p"
done
# the library and checkout pages carry no preview tags
page=$(crawl /library/recover)
printf '%s' "$page" | grep -q 'og:' && fail "preview tags on the recovery page"
echo ok
