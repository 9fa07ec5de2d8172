# JSON API: /api/v1/products and /api/v1/products/{slug}: published only,
# the same facts as the pages.
. "$(dirname "$0")/lib.sh"
start_storefront
sqlite3 "$NYOTA_DATA_DIR/nyota.db" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
wait_page / 'Nairobi Nights'

h=$(curl -s -D - -o "$T/list.json" "$URL/api/v1/products")
expect_match "$h" '^HTTP/1.1 200' "list status"
expect_match "$h" 'Content-Type: application/json' "list type"
python3 - "$T/list.json" <<'PY' || fail "list shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) >= {"products", "page", "more"}, d.keys()
slugs = [p["slug"] for p in d["products"]]
assert slugs == ["masterclass-sauti", "tamasha-live", "msafiri-club", "nairobi-nights"], slugs
for p in d["products"]:
    for k in ("slug", "kind", "title", "summary", "price_minor", "currency", "price", "url", "creator"):
        assert k in p, (k, p)
    assert isinstance(p["price_minor"], int)
    assert set(p["creator"]) == {"handle", "name"}
t = d["products"][1]
assert t["kind"] == "ticket" and t["seats_left"] == 100 and t["capacity"] == 100, t
assert t["venue"].startswith("Alliance") and t["starts_at"] == "2027-01-15T08:00:00Z", t
assert d["page"] == 1 and d["more"] is False
PY
curl -s "$URL/api/v1/products?kind=subscription" > "$T/sub.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [p["slug"] for p in d["products"]]==["msafiri-club"], d; assert d["products"][0]["period_days"]==30' "$T/sub.json" || fail "kind filter"
curl -s "$URL/api/v1/products?q=nai" > "$T/q.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["products"][0]["slug"]=="nairobi-nights", d' "$T/q.json" || fail "search"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/products?q=%22NEAR(*")" 200 "hostile API search"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/products?kind=bogus")" 400 "bad kind"

curl -s "$URL/api/v1/products/nairobi-nights" > "$T/p.json"
python3 - "$T/p.json" <<'PY' || fail "product shape"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["slug"] == "nairobi-nights" and p["title"] == "Nairobi Nights"
assert p["price_minor"] == 50000 and p["currency"] == "KES" and p["price"] == "KES 500.00"
assert [f["name"] for f in p["files"]] == ["nairobi-nights.zip", "liner-notes.pdf"]
assert p["files"][0]["size"] == 52428800
assert "three nights" in p["story_md"]
assert "<strong>three nights</strong>" in p["story_html"]
assert "<script>" not in p["story_html"] and "javascript:" not in p["story_html"]
PY
for s in secret-draft old-archived ghost-product nope; do
	c=$(curl -s -o "$T/e.json" -w '%{http_code}' "$URL/api/v1/products/$s")
	expect_eq "$c" 404 "API 404 for $s"
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["error"]' "$T/e.json" || fail "404 JSON"
done
curl -s "$URL/api/v1/products?lang=sw" | grep -q 'KSh 1,500.00' || fail "API in Swahili"
echo ok
