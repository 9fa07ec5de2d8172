# The storefront's outbox worker with NYOTA_WHATSAPP=cloud against the fake
# Graph API (tests/fake-graph.py): a recovery link is delivered once as a
# template message, after one 500.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
python3 "$NYOTA_SRC/tests/fake-graph.py" "$T/graph.port" "$T/graph.log" \
	tok-it 777 nyota_link 500,200 &
PIDS="$PIDS $!"
for _ in $(seq 1 300); do [ -s "$T/graph.port" ] && break; sleep 0.1; done
[ -s "$T/graph.port" ] || fail "fake Graph did not start"
export NYOTA_WHATSAPP=cloud NYOTA_WHATSAPP_API_URL="http://127.0.0.1:$(cat "$T/graph.port")/v1" \
	NYOTA_WHATSAPP_TOKEN=tok-it NYOTA_WHATSAPP_PHONE_ID=777 NYOTA_WHATSAPP_TEMPLATE=nyota_link
start_storefront
lib_seed
read -r code _ < <(recover "0712345678")
expect_eq "$code" 200 "recovery"
# First attempt gets 500; the retry follows after a backoff of ~15 s.
for _ in $(seq 1 120); do
	grep -q '"status": 200' "$T/graph.log" 2>/dev/null && break
	sleep 0.5
done
expect_eq "$(grep -c '"status": 500' "$T/graph.log")" 1 "one 500"
expect_eq "$(grep -c '"status": 200' "$T/graph.log")" 1 "delivered once"
expect_eq "$(grep -c '"ok": false' "$T/graph.log")" 0 "well-formed requests"
expect_match "$(grep '"status": 200' "$T/graph.log")" '/l/[A-Za-z0-9_-]{43}' "link in the parameter"
for _ in $(seq 1 150); do
	[ "$(DB "SELECT status FROM messages")" = sent ] && break
	sleep 0.2
done
expect_eq "$(DB "SELECT status || ' ' || attempts || ' ' || provider_id FROM messages")" "sent 2 wamid.fake1" "message row"
[ ! -e "$NYOTA_DATA_DIR/whatsapp.jsonl" ] || fail "log driver used"
echo ok
