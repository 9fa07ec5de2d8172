# 100 SSE streams held on pending orders: the storefront stays idle (no
# busy loop: suspended streams cost nothing until their order changes),
# then every stream hears "paid" when its order is paid.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
# Ten pending orders with their pushes, straight into the database.
DB "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO customers(id, phone, created_at) SELECT i, '2547' || printf('%08d', i), 0 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO orders(id, ref, customer_id, product_id, amount_minor, currency,
  created_at, updated_at, expires_at)
  SELECT i, 'idleref' || printf('%06d', i), i, 1, 50000, 'KES', 0, 0, 4000000000 FROM n;
$ORDER_LINES_SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
INSERT INTO payments(order_id, provider, phone, amount_minor, status,
  provider_ref, next_attempt_at, created_at, updated_at)
  SELECT i, 'sim', '2547' || printf('%08d', i), 50000, 'pending',
  'sim-0-' || i, 4000000000, 0, 0 FROM n;"
for i in $(seq 1 100); do
	ref=idleref$(printf '%06d' $(( (i - 1) % 10 + 1 )))
	curl -sN --max-time 60 "$URL/checkout/$ref/events" > "$T/sse.$i" &
	PIDS="$PIDS $!"
done
# Every stream has its first event.
for _ in $(seq 1 600); do
	n=$(grep -l '"status":"pending"' "$T"/sse.* 2>/dev/null | wc -l)
	[ "$n" -eq 100 ] && break
	sleep 0.1
done
expect_eq "$n" 100 "streams open"
tick() { awk '{ print $14 + $15 }' "/proc/$SF_PID/stat"; }
c0=$(tick); sleep 5; c1=$(tick)
# A busy loop burns 100 ticks a second per thread; idle polling (the change
# watcher's data_version, the workers) is a few ticks in 5 s; the bound
# leaves room for an ASan build, well under one busy thread (500).
[ $((c1 - c0)) -lt 200 ] || fail "100 idle streams used $((c1 - c0)) ticks in 5 s"
echo "idle with 100 streams: $((c1 - c0)) ticks in 5 s"
for i in $(seq 1 10); do
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d action=approve "$URL/sim/stk/idleref$(printf '%06d' "$i")")" 200 "approve $i"
done
for _ in $(seq 1 600); do
	n=$(grep -l '"status":"paid"' "$T"/sse.* 2>/dev/null | wc -l)
	[ "$n" -eq 100 ] && break
	sleep 0.1
done
expect_eq "$n" 100 "every stream heard paid"
echo ok
