# Storefront pages against the real binary: catalog, kind filter, search
# (hostile queries too), creator and product pages, drafts/archived hidden,
# Markdown made safe, 404/405, page weight, live refresh after a change.
. "$(dirname "$0")/lib.sh"
start_storefront
sqlite3 "$NYOTA_DATA_DIR/nyota.db" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
wait_page / 'Nairobi Nights'

get() { curl -sS -H 'Accept-Language: en' "$URL$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$URL$1"; }

# catalog: published only, newest first
page=$(get /)
for t in "Nairobi Nights" "Msafiri Club" "Tamasha Live" "Sauti Masterclass"; do
	expect_match "$page" "$t" "catalog lists $t"
done
for t in "Secret Draft" "Old Archived" "Ghost Album"; do
	printf '%s' "$page" | grep -q "$t" && fail "catalog shows $t"
done
first=$(printf '%s' "$page" | grep -o '<h2>[^<]*</h2>' | head -1)
expect_eq "$first" "<h2>Sauti Masterclass</h2>" "newest first"
expect_match "$page" 'KES 500.00' "price formatted"

# kind filter and paging
page=$(get '/?kind=ticket')
expect_match "$page" "Tamasha Live" "ticket filter"
printf '%s' "$page" | grep -q "Nairobi Nights" && fail "filter leaks downloads"
expect_match "$page" 'class="on" aria-current="page">Events' "active chip"
expect_eq "$(code '/?kind=bogus')" 200 "unknown kind is ignored"
expect_eq "$(code '/?page=999')" 200 "page past the end"
expect_eq "$(code '/?page=-1')" 200 "bad page number"

# search
page=$(get '/?q=nai')
expect_match "$page" "Nairobi Nights" "prefix search"
expect_match "$page" 'value="nai"' "query kept in the box"
page=$(get '/?q=three+nig')
expect_match "$page" "Nairobi Nights" "search in the story"
page=$(get '/?q=secret')
printf '%s' "$page" | grep -q "Secret Draft" && fail "search shows a draft"
expect_match "$page" "Nothing matches" "no results message"
for q in '%22' '*' 'NEAR(' 'NEAR(a%20b' 'AND' 'a%20OR%20' '%22unterminated' \
    'title:x' '%5E' '(((' '%E2%80%94' '%27;DROP%20TABLE%20products;--' \
    '%3Cscript%3E'; do
	expect_eq "$(code "/?q=$q")" 200 "hostile query $q"
done
long=$(python3 -c 'print("nairobi"*715)')
expect_eq "$(code "/?q=$long")" 200 "5000-char query"
long=$(python3 -c 'print("%22*NEAR("*700)')
expect_eq "$(code "/?q=$long")" 200 "long hostile query"
page=$(get '/?q=%3Cscript%3Ealert(1)%3C/script%3E')
printf '%s' "$page" | grep -q '<script>alert' && fail "query echoed unescaped"

# creator page
page=$(get /@amani)
expect_match "$page" "Amani Studio" "creator name"
expect_match "$page" "Nairobi Nights" "creator's product"
expect_match "$page" "&lt;b&gt;live&lt;/b&gt;" "bio escaped"
printf '%s' "$page" | grep -q "Tamasha Live" && fail "other creator's product"
printf '%s' "$page" | grep -q "Secret Draft" && fail "creator page shows a draft"
expect_eq "$(code /@gone)" 404 "disabled creator"
expect_eq "$(code /@nobody)" 404 "unknown creator"

# product pages
page=$(get /p/nairobi-nights)
expect_match "$page" '<h1>Nairobi Nights</h1>' "title"
expect_match "$page" 'KES 500.00' "price"
expect_match "$page" 'nairobi-nights.zip</span> <small>50 MB' "file and size"
expect_match "$page" 'liner-notes.pdf' "second file"
expect_match "$page" '<strong>three nights</strong>' "story Markdown"
expect_match "$page" '<blockquote>' "story quote"
printf '%s' "$page" | grep -q '<script>alert' && fail "raw HTML from the story"
printf '%s' "$page" | grep -qi 'javascript:' && fail "javascript: link"
expect_match "$page" 'action="/p/nairobi-nights/checkout"' "checkout form"
expect_match "$page" 'name="phone"' "phone field"
expect_match "$page" 'name="csrf" value="[A-Za-z0-9_-]{22}"' "csrf field"
printf '%s' "$page" | grep -q 'name="quantity"' && fail "quantity on a download"
page=$(get /p/tamasha-live)
expect_match "$page" 'Alliance Française, Nairobi' "venue"
expect_match "$page" '15 Jan 2027, 11:00 EAT' "date in EAT"
expect_match "$page" '100 of 100 left' "seats left"
expect_match "$page" 'name="quantity"' "ticket quantity"
page=$(get /p/msafiri-club)
expect_match "$page" '30 days' "subscription period"
# One day reads "1 day" (the count picks the form).
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "UPDATE products SET period_days = 1 WHERE slug = 'msafiri-club'"
wait_page /p/msafiri-club '<dd>1 day, renew any time</dd>'
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "UPDATE products SET period_days = 30 WHERE slug = 'msafiri-club'"
wait_page /p/msafiri-club '<dd>30 days, renew any time</dd>'
page=$(get /p/masterclass-sauti)
expect_match "$page" 'TZS 1,000' "TZS price"
expect_match "$page" 'Online' "webinar place"
expect_match "$page" '15 Jan 2027, 12:00 EAT' "webinar date"

# hidden and unknown → 404 page in the buyer's language
for p in /p/secret-draft /p/old-archived /p/ghost-product /p/nope \
    /p/NOPE /p/a%2Fb /nope /p/ /@ /static/nope.css /static/app.css; do
	expect_eq "$(code "$p")" 404 "404 for $p"
done
page=$(get /p/secret-draft)
expect_match "$page" 'Page not found' "404 heading"
expect_match "$page" '<html lang="en">' "404 lang"
hdr=$(curl -s -o /dev/null -D - -X POST "$URL/")
expect_match "$hdr" '^HTTP/1.1 405' "POST / is 405"
expect_match "$hdr" 'Allow: GET, HEAD' "Allow header"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "$URL/p/nairobi-nights")" 405 "DELETE product"

# a body over the route's limit is refused before it is read
python3 -c 'print("phone=" + "7"*200000)' > "$T/big.txt"
c=$(curl -s -o /dev/null -w '%{http_code}' --data @"$T/big.txt" "$URL/p/nairobi-nights/checkout")
expect_eq "$c" 413 "oversized form"

c=$(curl -s -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/big.txt" "$URL/p/nairobi-nights/checkout")
expect_eq "$c" 413 "oversized chunked form"
c=$(curl -s -o /dev/null -w '%{http_code}' -X GET -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T/big.txt" "$URL/p/nairobi-nights")
expect_eq "$c" 413 "oversized body on a GET"

# page weight: HTML + CSS + JS ≤ 30 KB in ≤ 3 requests
html=$(get /p/nairobi-nights)
css=$(printf '%s' "$html" | grep -o 'href="/static/[^"]*\.css"' | cut -d'"' -f2)
js=$(printf '%s' "$html" | grep -o 'src="/static/[^"]*\.js"' | cut -d'"' -f2)
n_res=$(printf '%s' "$html" | grep -oE '(src|href)="/(static|cover)/[^"]*"' | sort -u | wc -l)
[ "$n_res" -le 2 ] || fail "page needs $n_res sub-resources"
total=$(( $(get /p/nairobi-nights | wc -c) + $(get "$css" | wc -c) + $(get "$js" | wc -c) ))
echo "product page weight: $total bytes in $((n_res + 1)) requests"
[ "$total" -le 30720 ] || fail "product page weighs $total bytes"
# (the canonical link is absolute by rule, and loads nothing)
printf '%s' "$html" | grep -v '^<link rel="canonical"' | grep -qE '(src|href)="(https?:)?//' && fail "cross-origin resource"

# a cover image: served from the store, immutable, only when it is the
# cover of a published product
python3 - "$NYOTA_DATA_DIR" > "$T/sha" <<'PY'
import hashlib, os, sys, zlib, struct
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(b"\x00\xe8\xa3\x3d")) + chunk(b"IEND", b"")
sha = hashlib.sha256(png).hexdigest()
d = os.path.join(sys.argv[1], "files", sha[:2]); os.makedirs(d, exist_ok=True)
open(os.path.join(d, sha[2:]), "wb").write(png)
print(sha)
PY
sha=$(cat "$T/sha")
# width/height: as image_put_fd records them (only measured images are covers)
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "INSERT INTO blobs(sha256, size, mime, created_at, width, height) VALUES ('$sha', 60, 'image/png', 1, 1, 1);
UPDATE products SET cover_sha256='$sha' WHERE slug='tamasha-live'"
wait_page /p/tamasha-live "src=\"/cover/$sha\""
wait_page / "src=\"/cover/$sha\""
expect_match "$(get /p/tamasha-live)" "<img class=\"cover\" src=\"/cover/$sha\"" "cover on the page"
expect_match "$(get /)" "src=\"/cover/$sha\"" "cover in the catalog"
h=$(curl -s -D - -o "$T/cover.png" "$URL/cover/$sha")
expect_match "$h" '^HTTP/1.1 200' "cover served"
expect_match "$h" 'Content-Type: image/png' "cover type"
expect_match "$h" 'Cache-Control: public, max-age=31536000, immutable' "cover cache"
expect_eq "$(sha256sum < "$T/cover.png" | cut -c1-64)" "$sha" "cover bytes"
expect_eq "$(code /cover/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa)" 404 "a file is no cover"
expect_eq "$(code /cover/..%2f..%2fetc%2fpasswd)" 404 "cover path games"
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "UPDATE products SET status='draft' WHERE slug='tamasha-live'"
wait_code "/cover/$sha" 404

# the render cache follows the database
get /p/msafiri-club > /dev/null
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "UPDATE products SET title='Msafiri Club Gold' WHERE slug='msafiri-club'"
ok=0
for _ in $(seq 1 300); do
	sleep 0.1
	get /p/msafiri-club | grep -q 'Msafiri Club Gold' && { ok=1; break; }
done
expect_eq "$ok" 1 "page follows a title change"
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "UPDATE products SET status='archived' WHERE slug='msafiri-club'"
wait_code /p/msafiri-club 404
# paging: 24 a page, newest first, links both ways
sqlite3 "$NYOTA_DATA_DIR/nyota.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)
INSERT INTO products(creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at)
SELECT 2, 'bulk-' || i, 'download', 'Bulk item ' || i, 100, 'KES', 'published', 1, 1, 1796000000 + i FROM n"
wait_page / '<h2>Bulk item 30</h2>'
page=$(get /)
expect_eq "$(printf '%s' "$page" | grep -c '<li class="card">')" 24 "first page size"
expect_match "$page" '<h2>Bulk item 30</h2>' "newest on page 1"
expect_match "$page" 'href="/\?page=2" rel="next"' "next link"
page=$(get '/?page=2')
expect_match "$page" 'href="/" rel="prev"' "prev link"
expect_match "$page" 'Nairobi Nights' "oldest on page 2"
printf '%s' "$page" | grep -q 'rel="next"' && fail "next link on the last page"
page=$(get '/?q=bulk&kind=download&page=2')
expect_match "$page" 'href="/\?q=bulk&amp;kind=download" rel="prev"' "search keeps its query in links"
echo ok
