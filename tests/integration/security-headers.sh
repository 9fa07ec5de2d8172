# Security headers on every kind of response the storefront gives: pages,
# errors (403, 404, 405, 413, 416, 422, 429, 503 is in healthz.sh), 304s,
# 303 redirects, downloads (200, 206), calendar files, JSON, assets.
# Referrer-Policy must be no-referrer: library links carry the key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
start_storefront
lib_seed
read -r _ _ < <(recover "0712 345 678")
tok=$(token_of "$(link_for 254712345678)")
n=0
# check WHAT EXPECTED_STATUS curl-args…: the response carries every header.
check() {
	local what=$1 want=$2 h
	shift 2
	h=$(curl -sS -o /dev/null -D - "$@" | tr -d '\r')
	expect_match "$h" "^HTTP/1.1 $want" "$what status"
	expect_match "$h" "^Content-Security-Policy: default-src 'self'; .*script-src 'self'.*frame-ancestors 'none'" "CSP on $what"
	printf '%s' "$h" | grep -qi 'unsafe-inline' && fail "unsafe-inline on $what"
	expect_match "$h" '^X-Content-Type-Options: nosniff$' "nosniff on $what"
	expect_match "$h" '^Referrer-Policy: no-referrer$' "Referrer-Policy on $what"
	n=$((n + 1))
}
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tok/files/1")
sha=$(printf '%s' "$FILE1_SHA")
check "library page" 200 "$URL/l/$tok"
check "library 404" 404 "$URL/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
check "file redirect" 303 "$URL/l/$tok/files/1"
check "expired subscription file" 403 "$URL/l/$tok/files/4"
check "download" 200 "$loc"
check "HEAD download" 200 -I "$loc"
check "partial download" 206 -H 'Range: bytes=0-9' "$loc"
check "download 304" 304 -H "If-None-Match: \"$sha\"" "$loc"
check "download 416" 416 -H 'Range: bytes=99999999-' "$loc"
check "bad signature" 403 "${loc%sig=*}sig=AAAA"
check "ticket page" 200 "$URL/l/$tok/tickets/7K3MQ9XHABCDEFGHJKMNPQRS"
check "calendar" 200 "$URL/l/$tok/calendar/3.ics"
check "recover form" 200 "$URL/library/recover"
check "recover without CSRF" 403 --data 'phone=0712345678' "$URL/library/recover"
csrf=$(csrf_get)
check "recover bad phone" 422 -b "$T/jar" --data "phone=xx&csrf=$csrf" "$URL/library/recover"
for _ in 1 2 3; do curl -s -o /dev/null -b "$T/jar" --data "phone=0799000111&csrf=$csrf" "$URL/library/recover"; done
check "recover 429" 429 -b "$T/jar" --data "phone=0799000111&csrf=$csrf" "$URL/library/recover"
check "product page" 200 "$URL/p/nairobi-nights"
etag=$(curl -sS -o /dev/null -D - -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' "$URL/p/nairobi-nights" | tr -d '\r' | sed -n 's/^ETag: //p')
check "page 304" 304 -b 'csrf=AAAAAAAAAAAAAAAAAAAAAA' -H "If-None-Match: $etag" "$URL/p/nairobi-nights"
check "product 404" 404 "$URL/p/nope"
check "405" 405 -X DELETE "$URL/p/nairobi-nights"
head -c 200000 /dev/zero | tr '\0' 7 | sed 's/^/phone=/' > "$T/big"
check "413" 413 --data @"$T/big" "$URL/p/nairobi-nights/checkout"
page=$(curl -sS -c "$T/jar2" "$URL/p/gig")
c2=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
check "checkout redirect" 303 -b "$T/jar2" --data "phone=0733111222&quantity=1&csrf=$c2" "$URL/p/gig/checkout"
check "checkout 422" 422 -b "$T/jar2" --data "phone=12&quantity=1&csrf=$c2" "$URL/p/gig/checkout"
check "API" 200 "$URL/api/v1/products"
check "API 404" 404 "$URL/api/v1/products/nope"
check "healthz" 200 "$URL/healthz"
css=$(printf '%s' "$page" | grep -o 'href="/static/app\.[0-9a-f]*\.css"' | cut -d'"' -f2)
check "stylesheet" 200 "$URL$css"
check "asset 404" 404 "$URL/static/nope.css"
echo "checked $n responses"
echo ok
