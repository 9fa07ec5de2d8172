# CSRF, bad input (422 with the form re-filled, in the buyer's language),
# 3 pending pushes per phone, checkouts per address per minute (429).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_CHECKOUT_LIMIT=13
start_storefront
seed_catalog
csrf_init

# No CSRF cookie / wrong token: refused, nothing created.
code=$(curl -s -o /dev/null -w '%{http_code}' -d "csrf=x&phone=0712345678" "$URL/p/song/checkout")
expect_eq "$code" 403 "no csrf cookie"
code=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' -d "csrf=AAAAAAAAAAAAAAAAAAAAAA&phone=0712345678" "$URL/p/song/checkout")
expect_eq "$code" 403 "wrong csrf"
expect_eq "$(DB 'SELECT count(*) FROM orders')" 0 "no order without csrf"

# Bad phone: 422, the typed value back in the form, reason in Swahili.
set -- $(checkout song "07123" 1 -H "Accept-Language: sw")
expect_eq "$1" 422 "bad phone"
body=$(cat "$T/co-body")
expect_match "$body" 'value="07123"' "form re-filled"
expect_match "$body" 'role="alert"' "reason shown"
expect_match "$body" 'lang="sw"' "Swahili page"
set -- $(checkout gig "0712345678" 11)
expect_eq "$1" 422 "too many tickets"
set -- $(checkout song "0712345678" 2)
expect_eq "$1" 422 "quantity on a download"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -b "$JAR" --data-urlencode "csrf=$CSRF" -d phone=0712345678 "$URL/p/nope/checkout")" 404 "unknown product"

# Three pending pushes per phone (different products / quantities).
set -- $(checkout song "0712345678"); expect_eq "$1" 303 "first"
set -- $(checkout gig "0712345678" 1); expect_eq "$1" 303 "second"
set -- $(checkout gig "0712345678" 2); expect_eq "$1" 303 "third"
set -- $(checkout free "0712345677"); expect_eq "$1" 303 "other phone"
set -- $(checkout song "0799999999"); expect_eq "$1" 303 "another phone"
set -- $(checkout free "0712345678")
expect_eq "$1" 422 "fourth pending push on one phone"
expect_match "$(cat "$T/co-body")" 'already has payment requests waiting' "phone limit message"

# Per address per minute (every POST counts): 12 so far, limit 13.
set -- $(checkout song "0700000011")
expect_eq "$1" 303 "13th checkout"
set -- $(checkout song "0700000022")
expect_eq "$1" 429 "14th checkout: address limit"
expect_match "$(cat "$T/co-body")" 'Too many checkouts' "limit message"
echo ok
