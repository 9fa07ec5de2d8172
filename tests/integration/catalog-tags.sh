# Tags and sorting (issue 14): /api/v1/products filters by ?tag=, sorts by
# ?sort=price and ?sort=popular (paid units, after simulated purchases),
# shows tags and pay what you want on every product, and refuses a bad
# sort or tag with a JSON 400; the HTML catalog, as curl sees it (no JS),
# has tag chips and sort links that keep the other parameters, the
# chosen ones marked, and falls back quietly on a bad sort or tag.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
DB < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
DB "INSERT INTO product_tags(product_id, tag) VALUES
  (1, 'music'), (1, 'live'), (3, 'music'), (3, 'taarab'), (2, 'stories'),
  (5, 'secret-draft-tag');
  UPDATE products SET pwyw = 1, suggested_minor = 30000 WHERE id = 2;"
wait_page / 'Nairobi Nights'
# the storefront follows database changes asynchronously
wait_page '/?tag=taarab' 'Tamasha Live'

# api PATH: the slugs of the listing, comma-joined.
api() {
	curl -fsS "$URL/api/v1/products$1" | python3 -c '
import json, sys
print(",".join(p["slug"] for p in json.load(sys.stdin)["products"]))'
}

expect_eq "$(api '?tag=music')" "tamasha-live,nairobi-nights" "tag filter"
expect_eq "$(api '?tag=MUSIC')" "tamasha-live,nairobi-nights" "tag folded"
expect_eq "$(api '?tag=music&kind=download')" "nairobi-nights" "tag and kind"
expect_eq "$(api '?tag=taarab&q=evening')" "tamasha-live" "tag and search"
expect_eq "$(api '?tag=secret-draft-tag')" "" "a draft's tag finds nothing"
expect_eq "$(api '?tag=')" "masterclass-sauti,tamasha-live,msafiri-club,nairobi-nights" "empty tag: all"
expect_eq "$(api '?sort=price')" "msafiri-club,nairobi-nights,masterclass-sauti,tamasha-live" "price ascending"
expect_eq "$(api '?sort=new')" "masterclass-sauti,tamasha-live,msafiri-club,nairobi-nights" "newest"
expect_eq "$(api '?sort=popular')" "masterclass-sauti,tamasha-live,msafiri-club,nairobi-nights" "popular without sales: newest"

for bad in 'sort=cheap' 'sort=PRICE' 'tag=a%20b' 'tag=%3Cscript%3E' 'tag=caf%C3%A9' \
    "tag=$(printf 'x%.0s' $(seq 1 33))"; do
	c=$(curl -s -o "$T/bad.json" -w '%{http_code}' "$URL/api/v1/products?$bad")
	expect_eq "$c" 400 "API refuses $bad"
	python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e in ("bad sort","bad tag"), e' "$T/bad.json" ||
	    fail "JSON error for $bad"
done

# Every product carries tags and pay what you want, list and detail alike.
curl -fsS "$URL/api/v1/products" > "$T/list.json"
curl -fsS "$URL/api/v1/products/msafiri-club" > "$T/one.json"
python3 - "$T/list.json" "$T/one.json" <<'PY' || fail "tags and pwyw in JSON"
import json, sys
d = {p["slug"]: p for p in json.load(open(sys.argv[1]))["products"]}
assert d["nairobi-nights"]["tags"] == ["live", "music"], d["nairobi-nights"]
assert d["masterclass-sauti"]["tags"] == [], d["masterclass-sauti"]
for p in d.values():
    for k in ("tags", "pwyw", "suggested_price"):
        assert k in p, (k, p["slug"])
assert d["nairobi-nights"]["pwyw"] is False and d["nairobi-nights"]["suggested_price"] is None
m = d["msafiri-club"]
assert m["pwyw"] is True and m["suggested_price"] == "KES 300.00" and m["suggested_minor"] == 30000, m
one = json.load(open(sys.argv[2]))
assert one["tags"] == ["stories"] and one["pwyw"] is True and one["suggested_price"] == "KES 300.00", one
PY

# The HTML catalog without JS: chips and sort links are plain links.
page=$(curl -fsS -H 'Accept-Language: en' "$URL/")
expect_match "$page" 'class="chips tags"' "tag chips"
expect_match "$page" '<a href="/\?tag=music">music</a>' "music chip"
expect_match "$page" '<a href="/" class="on" aria-current="page">All</a>' "All chip marked"
expect_match "$page" '<a href="/\?sort=price">Lowest price</a>' "price sort link"
expect_match "$page" 'class="on" aria-current="true">Newest</a>' "newest marked by default"
expect_match "$page" '<strong class="price">Pay what you want</strong> <span class="from">from KES 200.00</span>' "pay what you want on the card"
printf '%s' "$page" | grep -q 'secret-draft-tag' && fail "a draft's tag is a chip"
# The most used tag comes first.
first=$(printf '%s' "$page" | sed -n 's/.*class="chips tags"[^>]*><a[^>]*>All<\/a><a href="[^"]*">\([a-z-]*\)<.*/\1/p')
expect_eq "$first" music "most used tag first"

page=$(curl -fsS -H 'Accept-Language: en' "$URL/?tag=music&sort=price&kind=download&lang=en")
expect_match "$page" '<a href="/\?kind=download&amp;tag=music&amp;sort=price&amp;lang=en" class="on" aria-current="page">music</a>' "active tag chip keeps the rest"
expect_match "$page" '<a href="/\?kind=download&amp;sort=price&amp;lang=en">All</a>' "All chip drops only the tag"
expect_match "$page" '<a href="/\?kind=download&amp;tag=music&amp;sort=popular&amp;lang=en">Most popular</a>' "sort link keeps the rest"
expect_match "$page" '<a href="/\?tag=music&amp;sort=price&amp;lang=en">All</a>' "kind chip keeps tag and sort"
expect_match "$page" 'class="on" aria-current="true">Lowest price</a>' "price marked"
expect_match "$page" 'Nairobi Nights' "filtered list"
printf '%s' "$page" | grep -q 'Tamasha Live' && fail "a ticket in the downloads"
# A search keeps its best match unless a sort is chosen.
page=$(curl -fsS -H 'Accept-Language: en' "$URL/?q=live")
expect_match "$page" 'class="on" aria-current="true">Best match</a>' "best match when searching"
expect_match "$page" '<a href="/\?q=live&amp;sort=popular">Most popular</a>' "search kept in sort links"
# The page falls back instead of refusing.
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/?sort=cheap")" 200 "bad sort on the page"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/?tag=%3Cb%3E")" 200 "bad tag on the page"
expect_match "$(curl -fsS -H 'Accept-Language: en' "$URL/?tag=%3Cb%3E")" 'Tamasha Live' "bad tag: everything"
expect_match "$(curl -fsS "$URL/?lang=sw")" 'Bei ya chini kwanza' "sort links in Swahili"

# Popular: paid units of simulated purchases (two tickets, one
# subscription); a pending order counts for nothing.
JAR="$T/jar"
curl -fsS -c "$JAR" -o /dev/null "$URL/p/nairobi-nights"
CSRF=$(awk '$6 == "csrf" { print $7 }' "$JAR")
[ -n "$CSRF" ] || fail "no csrf cookie"
# buy SLUG PHONE QTY [curl args]: a checkout approved on the handset.
buy() {
	local slug=$1 phone=$2 qty=$3
	shift 3
	set -- $(checkout "$slug" "$phone" "$qty" "$@")
	expect_eq "$1" 303 "checkout"
	wait_pushed "$2"
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/$2")" 200 "approve"
	wait_status "$2" paid
}
buy tamasha-live 0712345678 2
buy msafiri-club 0712345679 1 --data-urlencode amount=300
set -- $(checkout nairobi-nights 0712345670 1)
expect_eq "$1" 303 "pending checkout"
expect_eq "$(api '?sort=popular')" "tamasha-live,msafiri-club,masterclass-sauti,nairobi-nights" "popular by paid units"
expect_eq "$(api '?sort=popular&tag=music')" "tamasha-live,nairobi-nights" "popular within a tag"
echo ok
