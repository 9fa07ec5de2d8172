# The change watcher notices commits from any process: an order settled by
# another program (here the sqlite3 shell, as nyota-console or an admin
# would write) reaches the open SSE stream within a second, with no kick
# from inside the storefront.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345678")
expect_eq "$1" 303 "checkout"
REF=$2
wait_pushed "$REF"
sse_open "$REF" "$T/sse"
for _ in $(seq 1 300); do grep -q '"status":"pending"' "$T/sse" && break; sleep 0.1; done
expect_match "$(cat "$T/sse")" '"status":"pending"' "stream open"
t0=$(date +%s%N)
DB "BEGIN IMMEDIATE;
UPDATE orders SET status = 'failed', failure = 'cancelled' WHERE ref = '$REF';
UPDATE payments SET status = 'failed', next_attempt_at = -1 WHERE order_id = (SELECT id FROM orders WHERE ref = '$REF');
INSERT INTO events(kind, row_id, at) SELECT 'order', id, 0 FROM orders WHERE ref = '$REF';
COMMIT;"
for _ in $(seq 1 3000); do kill -0 "$SSE_PID" 2>/dev/null || break; sleep 0.01; done
t1=$(date +%s%N)
kill -0 "$SSE_PID" 2>/dev/null && fail "stream did not hear the other process's commit"
expect_match "$(cat "$T/sse")" '"status":"failed","reason":"cancelled"' "final event from another process"
ms=$(( (t1 - t0) / 1000000 ))
# Correctness, not speed (bench/ measures that): a generous bound that
# still tells "heard the commit" from "stream ended at its max-time".
[ "$ms" -lt 20000 ] || fail "took $ms ms"
echo "commit in another process -> stream closed: $ms ms"
echo ok
