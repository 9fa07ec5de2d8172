# The WhatsApp outbox survives a restart mid-queue: the storefront is
# stopped (SIGTERM) while the log driver works through 2000 queued
# messages, started again, and every message ends up sent exactly once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
N=2000
start_storefront
DB "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO messages(to_phone, kind, locale, body, dedupe_key, created_at)
SELECT printf('2547%08d', i), 'automation', 'en', 'hello ' || i, 'it-' || i, strftime('%s','now') FROM n"
J="$NYOTA_DATA_DIR/whatsapp.jsonl"
sent() { [ -f "$J" ] && wc -l < "$J" || echo 0; }
for _ in $(seq 1 1500); do [ "$(sent)" -ge 20 ] && break; sleep 0.02; done
kill -TERM "$SF_PID"
wait "$SF_PID" 2>/dev/null || true
first=$(sent)
echo "sent before the restart: $first of $N"
[ "$first" -ge 1 ] && [ "$first" -lt "$N" ] || fail "not stopped mid-queue ($first)"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE status = 'sending'")" 0 "nothing left claimed by a clean stop"
expect_eq "$(DB "SELECT count(*) FROM messages WHERE status = 'sent'")" "$first" "sent rows = lines written"
start_storefront
for _ in $(seq 1 1200); do
	[ "$(DB "SELECT count(*) FROM messages WHERE status = 'sent'")" = "$N" ] && break
	sleep 0.1
done
expect_eq "$(DB "SELECT count(*) FROM messages WHERE status = 'sent'")" "$N" "all sent after the restart"
expect_eq "$(sent)" "$N" "one line per message"
dups=$(python3 -c 'import json,sys,collections
c=collections.Counter(json.loads(l)["to"] for l in open(sys.argv[1]))
print(sum(1 for v in c.values() if v > 1))' "$J")
expect_eq "$dups" 0 "no message sent twice"
echo ok
