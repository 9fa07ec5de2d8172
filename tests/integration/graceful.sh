# Graceful everything (issue 13). Storefront: SIGHUP reopens
# NYOTA_LOG_FILE (moved away: a new 0600 file says "log reopened");
# SIGTERM ends an open SSE stream with a final "retry:", refuses new
# connections, answers /healthz "draining" (503) on a kept-alive
# connection, lets a checkout whose body is still coming finish (its
# order exists, pending, with its payment) and exits 0; a second SIGTERM
# cuts a drain short. Console: SIGHUP reopens its log too; SIGTERM shows
# a logged-in creator the restart line, saves the wizard's draft with the
# last keys typed, ends the ssh session with status 0 and the listener
# exits 0; an SFTP session open meanwhile ends too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

# read_resp FD: one HTTP/1.1 answer from FD (Content-Length bodies only):
# RESP_STATUS (first line), RESP_HEAD (headers), RESP_BODY.
read_resp() {
	local line len=0
	IFS= read -r -t 20 line <&"$1" || fail "no answer on fd $1"
	RESP_STATUS=${line%$'\r'}
	RESP_HEAD=""
	while IFS= read -r -t 20 line <&"$1"; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		RESP_HEAD+="$line"$'\n'
		case ${line,,} in content-length:*) len=${line#*: } ;; esac
	done
	RESP_BODY=""
	if [ "$len" -gt 0 ]; then
		IFS= read -r -t 20 -N "$len" RESP_BODY <&"$1" || fail "short body on fd $1"
	fi
}
# get_on FD PATH: a GET on the open connection FD, answer read.
get_on() {
	printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n\r\n' "$2" "$PORT" >&"$1"
	read_resp "$1"
}

# --- storefront: SIGHUP ----------------------------------------------------
export NYOTA_LOG_FILE="$T/sf.log"
start_storefront
seed_catalog
csrf_init
grep -q 'storefront listening' "$T/sf.log" || fail "log not in NYOTA_LOG_FILE"
mv "$T/sf.log" "$T/sf.log.1"
kill -HUP "$SF_PID"
wait_until 20 "a new log file after SIGHUP" grep -q 'msg="log reopened"' "$T/sf.log"
expect_eq "$(stat -c %a "$T/sf.log")" 600 "new log file's mode"
grep -q 'storefront listening' "$T/sf.log.1" || fail "old lines left the moved file"
grep -q 'log reopened' "$T/sf.log.1" && fail "reopened line in the old file"
expect_eq "$(curl -fsS "$URL/healthz")" '{"status":"ok"}' "healthz after SIGHUP"

# --- storefront: SIGTERM drains ----------------------------------------------
set -- $(checkout song 0712345678)
expect_eq "$1" 303 "first checkout"
REF=$2
curl -sN --max-time 60 "$URL/checkout/$REF/events" > "$T/sse" 2> "$T/sse.err" &
SSE_PID=$!
wait_until 20 "the stream's first status" grep -q '^event: status' "$T/sse"

# A kept-alive connection (asks /healthz again while draining) ...
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
get_on 3 /healthz
expect_match "$RESP_STATUS" '^HTTP/1.1 200' "healthz before SIGTERM"
# ... and a checkout in flight: headers sent, the body held back. MHD's
# "100 Continue" says the request reached the server.
cookies=$(awk 'NF >= 7 && $1 !~ /^# / { printf "%s=%s; ", $6, $7 }' "$JAR")
body=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlencode({"csrf": sys.argv[1], "phone": "0712345679", "quantity": "1"}))' "$CSRF")
exec 4<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /p/song/checkout HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nCookie: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n' \
	"$PORT" "$cookies" "${#body}" >&4
IFS= read -r -t 20 line <&4 || fail "no 100 Continue"
expect_match "$line" '^HTTP/1.1 100' "100 Continue"
IFS= read -r -t 20 line <&4	# its empty line

kill -TERM "$SF_PID"
wait_until 20 "draining logged" grep -q 'msg="storefront draining"' "$T/sf.log"
expect_match "$(grep 'storefront draining' "$T/sf.log")" 'streams=1 requests=1 ' "draining figures"
# The stream: its last words are the reconnect hint, and it ends (curl 0).
wait "$SSE_PID" || fail "SSE curl failed: $(cat "$T/sse.err")"
expect_eq "$(grep -v '^$' "$T/sse" | tail -1)" 'retry: 5000' "last line of the stream"
# /healthz on the kept-alive connection: draining, 503, and closing it.
get_on 3 /healthz
expect_match "$RESP_STATUS" '^HTTP/1.1 503' "healthz while draining"
expect_eq "$RESP_BODY" '{"status":"draining"}' "draining body"
expect_match "$RESP_HEAD" '[Cc]ache-[Cc]ontrol: no-store' "draining not cached"
expect_match "$RESP_HEAD" '[Cc]onnection: close' "draining closes the connection"
exec 3<&-
# New connections are refused.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/healthz" || true)
expect_eq "$code" 000 "a new connection while draining"
kill -0 "$SF_PID" || fail "storefront exited before the checkout in flight finished"
# The checkout's body arrives: it is served, and the process ends.
printf '%s' "$body" >&4
read_resp 4
exec 4<&-
expect_match "$RESP_STATUS" '^HTTP/1.1 303' "checkout finished while draining"
REF2=$(printf '%s' "$RESP_HEAD" | sed -n 's|^[Ll]ocation: .*/checkout/\([A-Za-z0-9_-]*\).*|\1|p')
[ -n "$REF2" ] || fail "no order in the checkout's answer: $RESP_HEAD"
set +e
wait "$SF_PID"; rc=$?
set -e
expect_eq "$rc" 0 "storefront exit status after SIGTERM"
expect_match "$(grep 'storefront stopped' "$T/sf.log")" 'unfinished=0 cut=0' "stopped figures"
expect_eq "$(DB "SELECT status FROM orders WHERE ref = '$REF2'")" pending "order made while draining"
expect_eq "$(DB "SELECT count(*) FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$REF2'")" 1 "its payment"

# A second SIGTERM ends a drain that waits for a request that never ends.
start_storefront
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /p/song/checkout HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n' "$PORT" >&5
IFS= read -r -t 20 line <&5 || fail "no 100 Continue (2)"
kill -TERM "$SF_PID"
wait_until 20 "second drain logged" sh -c "grep -c 'storefront draining' '$T/sf.log' | grep -qx 2"
kill -TERM "$SF_PID"
set +e
wait "$SF_PID"; rc=$?
set -e
expect_eq "$rc" 0 "exit status after a second SIGTERM"
expect_match "$(grep 'storefront stopped' "$T/sf.log" | tail -1)" 'unfinished=1 cut=1' "cut short"
exec 5<&-

# --- console --------------------------------------------------------------
export NYOTA_LOG_FILE="$T/console.log"
start_console
SECRET=$(console creator add wanjiru 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
mv "$T/console.log" "$T/console.log.1"
kill -HUP "$CON_PID"
wait_until 20 "the console's new log" grep -q 'msg="log reopened"' "$T/console.log"
expect_eq "$(stat -c %a "$T/console.log")" 600 "console's new log mode"

# An SFTP session sitting at its prompt.
sftp_creator amani
in_tmux up "sftp -P $SSH_PORT $SFTP_OPTS $KBD amani@127.0.0.1"
type_code up amani
wait_until 30 "the sftp session" grep -q 'msg="sftp session" handle="amani"' "$T/console.log"

fresh_code "$SECRET"
login w wanjiru "$CODE" 80 24
wait_for w 'Dashboard'
tm send-keys -t w n
wait_for w 'What are you selling'
tm send-keys -t w Enter
wait_for w 'Basics'
tm send-keys -t w 'Mtaa Photo'
title() { sql "SELECT json_extract(state, '\$.fields.title') FROM console_drafts"; }
wait_until 20 "the first draft" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' \
	'$NYOTA_DATA_DIR/nyota.db' \"SELECT json_extract(state, '\\\$.fields.title') \
	FROM console_drafts\")\" = 'Mtaa Photo' ]"
# Typed within the 2 s between draft writes: only the way out keeps it.
tm send-keys -t w ' Pack'
wait_for w 'Mtaa Photo Pack'
kill -TERM "$CON_PID"
wait_for w 'The server is restarting\. Your work is saved'
wait_for w 'ssh-exit=0'
# sftp's transport (ssh) ended; the interactive client says so and
# waits for its next command, as with OpenSSH's own server.
wait_until 30 "the sftp connection closed" grep -q 'Connection closed' "$T/up.out"
set +e
wait "$CON_PID"; rc=$?
set -e
CON_PID=""
expect_eq "$rc" 0 "console exit status after SIGTERM"
expect_eq "$(title)" 'Mtaa Photo Pack' "draft with the last keys"
expect_match "$(cat "$T/console.log")" 'msg="console draining" sessions=2' "console draining line"
expect_match "$(cat "$T/console.log")" 'msg="console stopped" sessions=2 killed=0' "console stopped line"
echo ok
