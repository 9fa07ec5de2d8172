# One client address cannot fill the storefront's connection table:
# with NYOTA_HTTP_PER_IP_LIMIT=8, twenty connections from 127.0.0.2 get
# exactly eight served (the others are closed at once), while 127.0.0.3
# is still served, and 127.0.0.2 is served again once it lets go.
. "$(dirname "$0")/lib.sh"

LIMIT=8
NYOTA_HTTP_PER_IP_LIMIT=$LIMIT start_storefront

# The hog: opens 20 connections from 127.0.0.2 first, then asks for
# /healthz on each (keep-alive) and writes how many answered 200; holds
# every connection open until $T/release appears.
cat > "$T/hog.py" <<'EOF'
import os, socket, sys, time
port, out, release = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for _ in range(20):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.connect(("127.0.0.1", port))
    socks.append(s)
served = 0
for s in socks:
    s.settimeout(30)
    try:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"HTTP/1.1 200"):
            served += 1
    except OSError:
        pass
with open(out + ".tmp", "w") as f:
    f.write("%d\n" % served)
os.rename(out + ".tmp", out)
while not os.path.exists(release):
    time.sleep(0.1)
for s in socks:
    s.close()
EOF
python3 "$T/hog.py" "$PORT" "$T/served" "$T/release" &
HOG=$!
PIDS="$PIDS $HOG"
wait_until 60 "the hog's count" test -s "$T/served"
expect_eq "$(cat "$T/served")" "$LIMIT" "connections served to one address"
grep -q "per_ip_limit=$LIMIT" "$T/storefront.log" || fail "limit not in the start line"

# Everyone else is still served.
expect_eq "$(curl -sS --interface 127.0.0.3 "$URL/healthz")" '{"status":"ok"}' \
	"127.0.0.3 while 127.0.0.2 holds its limit"
code=$(curl -s --interface 127.0.0.3 -o /dev/null -w '%{http_code}' "$URL/")
expect_eq "$code" 200 "catalog for 127.0.0.3"
# One more from 127.0.0.2 is closed without an answer.
if curl -fsS --max-time 30 --interface 127.0.0.2 "$URL/healthz" >/dev/null 2>&1; then
	fail "a connection beyond the limit was served"
fi

# Once the hog lets go, a well-behaved 127.0.0.2 is served again.
touch "$T/release"
wait "$HOG"
wait_until 30 "127.0.0.2 served again" \
	curl -fsS --interface 127.0.0.2 -o /dev/null "$URL/healthz"

# 0 turns the limit off (behind a local reverse proxy).
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
NYOTA_HTTP_PER_IP_LIMIT=0 start_storefront
grep -q 'per_ip_limit=0' "$T/storefront.log" || fail "limit 0 not in the start line"
rm -f "$T/served" "$T/release"
python3 "$T/hog.py" "$PORT" "$T/served" "$T/release" &
HOG=$!
PIDS="$PIDS $HOG"
wait_until 60 "the hog's count (no limit)" test -s "$T/served"
expect_eq "$(cat "$T/served")" 20 "no limit: all served"
touch "$T/release"
wait "$HOG"
echo ok
