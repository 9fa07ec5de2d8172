# Security issue, item 8: a stranger's checkouts and recovery requests for
# someone else's phone use up the stranger's allowance, not the owner's.
# (Before: three pending checkouts, or three recovery requests, from
# anywhere blocked the phone — for the pay timeout, or an hour.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog

# jar_for NAME: a browser (cookie jar with a CSRF token); sets JAR, CSRF.
jar_for() {
	JAR="$T/jar.$1"
	curl -fsS -c "$JAR" -o /dev/null "$URL/p/song"
	CSRF=$(awk '$6 == "csrf" { print $7 }' "$JAR")
	[ -n "$CSRF" ] || fail "no csrf cookie for $1"
}

# A stranger's pending checkouts for the phone use up only the
# stranger's allowance: the owner can still buy, from their own address.
# (a new browser each time: the address is what holds them back)
for i in 1 2 3; do
	jar_for "s$i"
	set -- $(checkout song "0712345678" 1 --interface 127.0.0.2)
	expect_eq "$1" 303 "stranger's pending checkout $i"
done
jar_for s4
set -- $(checkout song "0712345678" 1 --interface 127.0.0.2)
expect_eq "$1" 422 "a stranger's fourth pending checkout"
jar_for owner
set -- $(checkout gig "0712345678" 1 --interface 127.0.0.3)
expect_eq "$1" 303 "the owner still buys"
# Recovery: three from the stranger's address, then refused there; the
# owner's own request still goes through.
recover_from() {
	local c
	c=$(curl -fsS -c "$T/rjar.$1" -b "$T/rjar.$1" --interface "$1" "$URL/library/recover" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	curl -s -o /dev/null -w '%{http_code}' -c "$T/rjar.$1" -b "$T/rjar.$1" --interface "$1" \
		--data-urlencode "phone=0712345678" --data-urlencode "csrf=$c" "$URL/library/recover"
}
for i in 1 2 3; do expect_eq "$(recover_from 127.0.0.2)" 200 "stranger's recovery $i"; done
expect_eq "$(recover_from 127.0.0.2)" 429 "stranger's fourth recovery"
expect_eq "$(recover_from 127.0.0.3)" 200 "the owner's recovery"
echo ok
