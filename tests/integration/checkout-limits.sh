# CSRF, bad input (422 with the form re-filled, in the buyer's language),
# 3 pending pushes per phone, checkouts per address per minute (429).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_CHECKOUT_LIMIT=15
# The address limit counts in fixed one-minute windows of the server's
# clock: start the server's clock at the top of a minute, so that all the
# POSTs below (some 40 s of room even on a loaded machine) fall in one
# window instead of straddling a boundary that resets the count.
export NYOTA_CLOCK_OFFSET=$(( 60 - $(date +%s) % 60 ))
start_storefront
seed_catalog
csrf_init

# No CSRF cookie / wrong token: refused, nothing created.
code=$(curl -s -o /dev/null -w '%{http_code}' -d "csrf=x&phone=0712345678" "$URL/p/song/checkout")
expect_eq "$code" 403 "no csrf cookie"
code=$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' -d "csrf=AAAAAAAAAAAAAAAAAAAAAA&phone=0712345678" "$URL/p/song/checkout")
expect_eq "$code" 403 "wrong csrf"
expect_eq "$(DB 'SELECT count(*) FROM orders')" 0 "no order without csrf"
# The refusal is the form again, in the buyer's language, with what they
# typed, a fresh token (cookie + field) that works, and a language switch
# that opens the product page (the form's own URL is POST only).
code=$(curl -s -c "$T/jar2" -H "Accept-Language: sw" -o "$T/csrf-body" -w '%{http_code}' -d "csrf=x&phone=0712345671" "$URL/p/song/checkout")
expect_eq "$code" 403 "csrf refused in Swahili"
body=$(cat "$T/csrf-body")
expect_match "$body" 'lang="sw"' "csrf page in Swahili"
expect_match "$body" 'role="alert">Muda wa kipindi' "csrf reason in Swahili"
expect_match "$body" 'value="0712345671"' "csrf form re-filled"
expect_match "$body" 'class="lang" href="/p/song\?lang=en"' "language switch to the product page"
printf '%s' "$body" | grep -q 'aria-invalid' && fail "phone marked invalid on a csrf refusal"
tok=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/csrf-body")
expect_eq "$tok" "$(awk '$6 == "csrf" { print $7 }' "$T/jar2")" "fresh token in cookie and field"
code=$(curl -s -b "$T/jar2" -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$tok" -d phone=0712345671 "$URL/p/song/checkout")
expect_eq "$code" 303 "resubmitted with the fresh token"

# Bad phone: 422, the typed value back in the form, reason in Swahili.
set -- $(checkout song "07123" 1 -H "Accept-Language: sw")
expect_eq "$1" 422 "bad phone"
body=$(cat "$T/co-body")
expect_match "$body" 'value="07123"' "form re-filled"
expect_match "$body" 'role="alert"' "reason shown"
expect_match "$body" 'lang="sw"' "Swahili page"
expect_match "$body" 'aria-invalid="true"' "phone marked invalid"
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

# Per address per minute (every POST counts): 14 so far, limit 15.
set -- $(checkout song "0700000011")
expect_eq "$1" 303 "15th checkout"
set -- $(checkout song "0700000022")
expect_eq "$1" 429 "16th checkout: address limit"
expect_match "$(cat "$T/co-body")" 'Too many checkouts' "limit message"
set -- $(checkout song "0700000033" 1 -H "Accept-Language: sw")
expect_eq "$1" 429 "still limited"
expect_match "$(cat "$T/co-body")" 'lang="sw"' "limit page in Swahili"
echo ok
