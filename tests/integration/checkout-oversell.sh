# 20 buyers at once for the last 3 seats: exactly 3 orders, 17 "sold
# out" answers, 3 paid (auto-approve) and exactly 3 tickets.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
seed_catalog
csrf_init
buyers=""
for i in $(seq 10 29); do
	# (each buyer is a browser of its own: a jar of its own)
	( cp "$T/jar" "$T/jar-$i"; JAR="$T/jar-$i"
	  checkout gig "07123456$i" 1 > "$T/buyer-$i" ) &
	buyers="$buyers $!"
done
# Wait for the buyers themselves (not for their files to fill).
for p in $buyers; do wait "$p" || fail "buyer $p failed"; done
won=$(cat "$T"/buyer-* | grep -c '^303 ' || true)
lost=$(cat "$T"/buyer-* | grep -c '^422 ' || true)
expect_eq "$won" 3 "orders created"
expect_eq "$lost" 17 "sold out answers"
for r in $(cat "$T"/buyer-* | awk '$1 == 303 { print $2 }'); do
	wait_status "$r" paid 600
done
expect_eq "$(DB "SELECT count(*) FROM tickets")" 3 "tickets issued"
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status = 'paid'")" 3 "paid orders"
expect_eq "$(DB "SELECT count(*) FROM reservations")" 0 "no reservation left"
echo ok
