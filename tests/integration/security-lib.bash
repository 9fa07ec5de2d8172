# Helpers for the security-*.sh integration tests (sourced after lib.sh).

# buy JAR SLUG PHONE [QTY]: the buyer's browser (its own cookie jar) pays
# through the simulated handset (NYOTA_SIM_AUTO=approve); waits until the
# order is paid; prints the order ref.
buy() {
	local jar=$1 slug=$2 phone=$3 qty=${4:-1} csrf loc ref
	csrf=$(curl -fsS -c "$jar" -b "$jar" "$URL/p/$slug" |
		sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no CSRF token on /p/$slug"
	loc=$(curl -sS -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
		--data-urlencode "phone=$phone" --data-urlencode "quantity=$qty" \
		--data-urlencode "csrf=$csrf" "$URL/p/$slug/checkout")
	ref=${loc##*/checkout/}
	[ -n "$ref" ] && [ "$ref" != "$loc" ] || fail "checkout of $slug did not redirect: '$loc'"
	wait_until 30 "order for $slug paid" paid "$ref"
	echo "$ref"
}
paid() { curl -fsS "$URL/checkout/$1/status" 2>/dev/null | grep -q '"status": *"paid"'; }
