# kill -9 with payments in flight, restart: every order ends final, none
# is paid twice (one entitlement and one receipt per paid order).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=1500
start_storefront
seed_catalog
csrf_init
refs=""
for i in 1 2 3 4 5 6; do
	set -- $(checkout song "071234560$i")
	expect_eq "$1" 303 "checkout $i"
	refs="$refs $2"
done
set -- $(checkout gig "0712345690" 2); refs="$refs $2"
# Kill once a push is in flight (the simulated handset answers 1.5 s later).
in_flight() { [ "$(DB "SELECT count(*) FROM payments WHERE status = 'pending'")" -gt 0 ]; }
wait_until 30 "a push in flight" in_flight
kill -9 "$SF_PID"
wait "$SF_PID" 2>/dev/null || true
pending=$(DB "SELECT count(*) FROM orders WHERE status = 'pending'")
[ "$pending" -gt 0 ] || fail "nothing was in flight when killed"
# Restart on the same data: the worker resumes what was in flight.
start_storefront
for r in $refs; do wait_status "$r" paid 600; done
expect_eq "$(DB "SELECT count(*) FROM orders WHERE status <> 'paid'")" 0 "all final and paid"
expect_eq "$(DB "SELECT count(*) FROM payments WHERE status <> 'paid'")" 0 "payments final"
expect_eq "$(DB "SELECT count(*) FROM entitlements")" 7 "one entitlement per order"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE kind = 'receipt'")" 7 "one receipt per order"
expect_eq "$(DB "SELECT count(*) FROM tickets")" 2 "tickets once"
expect_eq "$(DB "SELECT count(*) FROM reservations")" 0 "reservations released"
# Kill again mid-way with a short timeout and no auto answer: orders expire
# after restart, none stays pending.
kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
export NYOTA_SIM_AUTO=off NYOTA_PAY_TIMEOUT_S=1
start_storefront
set -- $(checkout song "0712345699"); R=$2
kill -9 "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
sleep 1.5
start_storefront
wait_status "$R" expired 600
echo ok
