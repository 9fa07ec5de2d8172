# Clients that vanish without closing (phone out of coverage, tab killed)
# are found by the 15 s heartbeat: their sockets are closed and their
# memory freed, while a live stream on the same order keeps going.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
start_storefront
seed_catalog
csrf_init
set -- $(checkout song "0712345678")
REF=$2
wait_pushed "$REF"
# Sockets only: a pool thread opens its database files on first use.
fds() { find "/proc/$SF_PID/fd" -lname "socket:*" 2>/dev/null | wc -l; }
base=$(fds)
sse_open "$REF" "$T/live"
dead=""
for i in $(seq 1 20); do
	curl -sN --max-time 60 "$URL/checkout/$REF/events" > "$T/dead.$i" &
	dead="$dead $!"; PIDS="$PIDS $!"
done
for _ in $(seq 1 300); do [ "$(fds)" -ge $((base + 21)) ] && break; sleep 0.1; done
[ "$(fds)" -ge $((base + 21)) ] || fail "streams not open: $(fds) sockets, base $base"
kill -9 $dead 2>/dev/null
wait $dead 2>/dev/null || true
t0=$(date +%s)
# A heartbeat finds them gone: the first ping after the client died is
# answered by a reset, the next write fails (so within 2 x 15 s).
for _ in $(seq 1 900); do [ "$(fds)" -le $((base + 1)) ] && break; sleep 0.1; done
[ "$(fds)" -le $((base + 1)) ] || fail "dead streams kept: $(fds) sockets, base $base"
echo "dead streams closed after $(( $(date +%s) - t0 )) s"
kill -0 "$SSE_PID" || fail "the live stream was dropped"
curl -fsS -o /dev/null -d action=approve "$URL/sim/stk/$REF"
wait "$SSE_PID" || true
expect_match "$(cat "$T/live")" '"status":"paid"' "live stream heard paid"
echo ok
