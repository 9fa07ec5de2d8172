# Storefront HTTP behaviour: security headers on every kind of response,
# ETag and 304, immutable hashed assets, HEAD, healthz.
. "$(dirname "$0")/lib.sh"
start_storefront
sqlite3 "$NYOTA_DATA_DIR/nyota.db" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
wait_page / 'Nairobi Nights'

headers() { curl -s -o /dev/null -D - "$@"; }
html=$(curl -s "$URL/p/nairobi-nights")
css=$(printf '%s' "$html" | grep -o 'href="/static/app\.[0-9a-f]\{10\}\.css"' | cut -d'"' -f2)
js=$(printf '%s' "$html" | grep -o 'src="/static/app\.[0-9a-f]\{10\}\.js"' | cut -d'"' -f2)
[ -n "$css" ] && [ -n "$js" ] || fail "hashed asset names in the page"

for p in / /p/nairobi-nights /p/nope /healthz "$css" "$js" /api/v1/products \
    /api/v1/products/nope; do
	h=$(headers "$URL$p")
	expect_match "$h" "Content-Security-Policy: default-src 'self'" "CSP on $p"
	expect_match "$h" "frame-ancestors 'none'" "frame-ancestors on $p"
	expect_match "$h" "img-src 'self' data:" "img-src on $p"
	printf '%s' "$h" | grep -qi "unsafe-inline" && fail "unsafe-inline on $p"
	expect_match "$h" "X-Content-Type-Options: nosniff" "nosniff on $p"
	expect_match "$h" "Referrer-Policy: no-referrer" "referrer policy on $p"
done
h=$(headers -X POST "$URL/")
expect_match "$h" "Content-Security-Policy" "CSP on 405"
printf '%s' "$html" | grep -q '<script>' && fail "inline script in page"

# assets: long-lived, immutable, right type
h=$(headers "$URL$css")
expect_match "$h" "Cache-Control: public, max-age=31536000, immutable" "css cache"
expect_match "$h" "Content-Type: text/css" "css type"
h=$(headers "$URL$js")
expect_match "$h" "Content-Type: text/javascript" "js type"
sum=$(curl -s "$URL$css" | sha256sum | cut -c1-10)
expect_eq "$sum" "$(printf '%s' "$css" | sed 's/.*app\.\([0-9a-f]*\)\.css/\1/')" "css name is its hash"

# ETag / 304 for pages and API
for p in /p/nairobi-nights / /api/v1/products/nairobi-nights; do
	h=$(headers -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' "$URL$p")
	etag=$(printf '%s' "$h" | tr -d '\r' | sed -n 's/^ETag: //p')
	[ -n "$etag" ] || fail "no ETag on $p"
	c=$(curl -s -o /dev/null -w '%{http_code}' -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' \
	    -H "If-None-Match: $etag" "$URL$p")
	expect_eq "$c" 304 "304 on $p"
	c=$(curl -s -o /dev/null -w '%{http_code}' -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' \
	    -H 'If-None-Match: "0000"' "$URL$p")
	expect_eq "$c" 200 "200 on a stale ETag for $p"
done
# the CSRF token is part of the page, so of its ETag
e1=$(headers -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' "$URL/p/nairobi-nights" | grep ETag)
e2=$(headers -b 'csrf=BBBBBBBBBBBBBBBBBBBBBB' "$URL/p/nairobi-nights" | grep ETag)
[ "$e1" != "$e2" ] || fail "ETag ignores the CSRF token"
page=$(curl -s -b 'csrf=BBBBBBBBBBBBBBBBBBBBBB' "$URL/p/nairobi-nights")
expect_match "$page" 'value="BBBBBBBBBBBBBBBBBBBBBB"' "token from the cookie"
h=$(headers "$URL/p/nairobi-nights")
expect_match "$h" 'Set-Cookie: csrf=[A-Za-z0-9_-]{22}; Path=/; SameSite=Lax; HttpOnly' "csrf cookie"
# (the catalog's cards have "Add to cart" forms; an error page has none)
h=$(headers "$URL/p/no-such-product")
printf '%s' "$h" | grep -q 'Set-Cookie: csrf' && fail "csrf cookie on a page without a form"

# HEAD
h=$(curl -s -I "$URL/p/nairobi-nights")
expect_match "$h" '^HTTP/1.1 200' "HEAD product"

# keep-alive: two requests on one connection
out=$(curl -sv "$URL/healthz" "$URL/healthz" 2>&1)
expect_match "$out" 'Re-using existing connection' "keep-alive"

# healthz
expect_eq "$(curl -s "$URL/healthz")" '{"status":"ok"}' "healthz"
echo ok
