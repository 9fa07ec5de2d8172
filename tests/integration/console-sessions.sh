# Twenty console sessions at once (one creator each: a TOTP code is
# accepted once, so one creator cannot log in twenty times in a step),
# per-session memory, and the live feed: a paid commit by another process
# appears on the Orders screen within a second. Prints the figures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT
N=${CONSOLE_SESSIONS:-20}

start_console
for i in $(seq 1 "$N"); do
	sec=$(console creator add "c$i" 2>/dev/null | sed -n 's/^secret: //p')
	[ -n "$sec" ] || fail "creator add c$i"
	eval "SEC_$i=$sec"
done
for i in $(seq 1 "$N"); do
	eval "sec=\$SEC_$i"
	login "s$i" "c$i" "$(totp "$sec")"
done
for i in $(seq 1 "$N"); do
	wait_for "s$i" 'Dashboard' 60
done
echo "sessions: $N dashboards up"

# Memory: each session is a connection process and its UI process.
rss=0 pss=0
for p in $(pgrep -P "$CON_PID"); do
	for q in $p $(pgrep -P "$p"); do
		rss=$((rss + $(awk '/^VmRSS/ {print $2}' /proc/$q/status)))
		pss=$((pss + $(awk '/^Pss:/ {print $2}' /proc/$q/smaps_rollup 2>/dev/null || echo 0)))
	done
done
echo "memory: $((rss / N)) KiB RSS, $((pss / N)) KiB PSS per session (connection + UI process), $N sessions"
# A sanity bound (an ASan build is about 3x): the figure is reported.
[ $((rss / N)) -lt 100000 ] || fail "sessions too big: $((rss / N)) KiB"

# The feed: a paid order committed elsewhere shows up on screen.
now=$(date +%s)
sql "INSERT INTO creators (id, handle, created_at) VALUES (900, 'other', $now);
INSERT INTO products (id, creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at) VALUES (1, (SELECT id FROM creators WHERE handle='c1'), 'pack', 'download', 'Photo Pack', 50000, 'KES', 'published', $now, $now);
INSERT INTO products (id, creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at) VALUES (2, 900, 'theirs', 'download', 'Not Mine', 50000, 'KES', 'published', $now, $now);
INSERT INTO customers (id, phone, created_at) VALUES (1, '254712345678', $now);"
tm send-keys -t s1 2
wait_for s1 'Orders'
lat=""
for k in 1 2 3 4 5; do
	t0=$(date +%s%N)
	sql "BEGIN IMMEDIATE; INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES ('feed$k-xyz', 1, 1, 50000, 'KES', 'paid', $now, $now, $now + 120, $now); $ORDER_LINES_SQL INSERT INTO events (kind, row_id, at) VALUES ('order', last_insert_rowid(), $now); COMMIT;"
	for _ in $(seq 1 1500); do
		screen_of s1 | grep -q "feed$k-" && break
		sleep 0.01
	done
	t1=$(date +%s%N)
	screen_of s1 | grep -q "feed$k-" || fail "order feed$k never shown"
	ms=$(( (t1 - t0) / 1000000 ))
	lat="$lat $ms"
	# Reported; the bound is generous (correctness, not speed: bench/).
	[ "$ms" -lt 20000 ] || fail "feed latency $ms ms"
done
wait_for s1 'NEW'
# Another creator's sale is not in c1's feed.
sql "INSERT INTO orders (ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES ('other-xyz', 1, 2, 50000, 'KES', 'paid', $now, $now, $now + 120, $now); $ORDER_LINES_SQL"
sleep 1
screen_of s1 | grep -q 'other-' && fail "another creator's order in the feed"
echo "feed latency (paid commit -> row on screen, ms):$lat"

# Every session still answers; all quit cleanly.
for i in $(seq 1 "$N"); do
	tm send-keys -t "s$i" q
done
for i in $(seq 1 "$N"); do
	wait_for "s$i" 'ssh-exit=0' 30
done
echo ok
