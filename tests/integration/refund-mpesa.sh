# M-Pesa refunds through Daraja's Transaction Reversal API, against
# tests/fake-daraja.py: a sale paid by STK push, then `nyota-console order
# refund REF` with the reversal configured → pending (the fake checked
# every field); a forged result (wrong secret) is a 404 and changes
# nothing, a malformed one a 400; Daraja's result → refunded: the library
# no longer offers the file, /dl refuses its signed URL, the buyer's
# WhatsApp has the refund message, once. A refused reversal and one that
# timed out leave the refund failed and the order paid (asking again
# works); a reversal Daraja refuses at once fails in the CLI. Without
# NYOTA_MPESA_INITIATOR the CLI asks for --mpesa-code and with it records
# the refund as made by hand. The security credential never reaches a log.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
SECRET=cb-secret-0123456789abcdef
CRED=c2VjcmV0LWluaXRpYXRvci1jcmVkZW50aWFsLTQyNDI=
export FAKE_DARAJA_INITIATOR=nyota-api FAKE_DARAJA_CREDENTIAL=$CRED
start_fake_daraja
export NYOTA_PAYMENTS=mpesa NYOTA_MPESA_BASE_URL=$FAKE NYOTA_MPESA_CONSUMER_KEY=ck \
	NYOTA_MPESA_CONSUMER_SECRET=cs NYOTA_MPESA_SHORTCODE=174379 \
	NYOTA_MPESA_PASSKEY=passkey123 NYOTA_MPESA_CALLBACK_SECRET=$SECRET \
	NYOTA_MPESA_INITIATOR=nyota-api NYOTA_MPESA_SECURITY_CREDENTIAL=$CRED
start_storefront
seed_catalog
# The song gets a file, so that there is something to download.
head -c 4096 /dev/urandom > "$T/song.bin"
sha=$(sha256sum "$T/song.bin" | cut -d' ' -f1)
mkdir -p "$NYOTA_DATA_DIR/files/${sha:0:2}"
cp "$T/song.bin" "$NYOTA_DATA_DIR/files/${sha:0:2}/${sha:2}"
DB "INSERT INTO blobs (sha256, size, mime, created_at) VALUES ('$sha', 4096, 'application/octet-stream', 0);
INSERT INTO product_files (id, product_id, name, sha256, position) VALUES (1, 1, 'song.bin', '$sha', 0);"
csrf_init

ctl() { curl -fsS -H 'Content-Type: application/json' -d "$2" "$FAKE/_ctl/$1"; }
push_id() {
	local i id
	for i in $(seq 1 600); do
		id=$(DB "SELECT coalesce(y.provider_ref, '') FROM payments y JOIN orders o ON o.id = y.order_id WHERE o.ref = '$1'")
		[ -n "$id" ] && { echo "$id"; return 0; }
		sleep 0.1
	done
	fail "no push for $1"
}
# sell PHONE RECEIPT: a paid sale of the song; prints its ref.
sell() {
	local r id
	set -- "$1" "$2" $(checkout song "$1")
	[ "$3" = 303 ] || fail "checkout for $1: $3"
	r=$4
	id=$(push_id "$r")
	ctl callback "{\"id\":\"$id\",\"code\":0,\"receipt\":\"$2\"}" >/dev/null
	wait_status "$r" paid 600
	echo "$r"
}
# refund REF [args]: the operator's CLI, its output (both streams: log
# lines too) in $OUT and $T/cli.log, exit in $RC.
refund() {
	RC=0
	OUT=$(NYOTA_BASE_URL=$URL console order refund "$@" 2>&1) || RC=$?
	printf '%s\n' "$OUT" >> "$T/cli.log"
}
rf() { DB "SELECT $2 FROM refunds WHERE order_id = (SELECT id FROM orders WHERE ref = '$1')"; }
order_st() { DB "SELECT status FROM orders WHERE ref = '$1'"; }
# rev FIELD: a field of the last reversal the fake accepted.
rev() { curl -fsS "$FAKE/_ctl/reversals" | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['$1'])"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# result_body ID CODE: a reversal Result as Daraja sends it.
result_body() {
	printf '{"Result":{"ResultType":0,"ResultCode":%s,"ResultDesc":"x","OriginatorConversationID":"o-1","ConversationID":"%s","TransactionID":"RV12345678"}}' "$2" "$1"
}
refund_msgs() { grep "\"to\":\"$1\"" "$NYOTA_DATA_DIR/whatsapp.jsonl" 2>/dev/null | grep -c '"kind":"refund' || true; }

# ---- reversal accepted, then Daraja's result: refunded --------------------
A=$(sell 0712345601 QKA1B2C3D4)
wait_until 30 "receipt to the buyer" sh -c "grep '\"to\":\"254712345601\"' '$NYOTA_DATA_DIR/whatsapp.jsonl' 2>/dev/null | grep -q '\"kind\":\"receipt\"'"
lib=$(grep '"to":"254712345601"' "$NYOTA_DATA_DIR/whatsapp.jsonl" | grep '"kind":"receipt"' | tail -1 |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["link"])')
tok=${lib##*/l/}
[ -n "$tok" ] || fail "no library link"
dl=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tok/files/1")
expect_match "$dl" "/dl/1/song.bin" "a signed download URL"
expect_eq "$(code "$dl")" 200 "download before the refund"
expect_match "$(curl -fsS "$URL/l/$tok?lang=en")" "/files/1" "the library offers the file"

ctl reversal '{"mode":"hold"}' >/dev/null
refund "$A" --reason "wrong song"
expect_eq "$RC" 0 "refund asked: exit"
expect_match "$OUT" "refund of order $A \(KES 500.00\) sent .*pending until the provider answers" "pending line"
expect_eq "$(rf "$A" "status || ' ' || how || ' ' || actor")" "pending api cli" "refund pending"
CONV=$(rf "$A" provider_ref)
expect_match "$CONV" '^AG_' "ConversationID kept as provider_ref"
expect_eq "$(rev id)" "$CONV" "the fake's id"
expect_eq "$(rev transaction)" QKA1B2C3D4 "TransactionID = the receipt"
expect_eq "$(rev amount)" 500 "whole shillings"
expect_eq "$(rev occasion)" "$A" "Occasion = the order ref"
expect_eq "$(rev remarks)" "wrong song" "Remarks = the reason"
expect_eq "$(rev credential_ok)" True "initiator and credential sent"
expect_eq "$(rev result_url)" "$URL/payments/mpesa/reversal/$SECRET" "ResultURL"
expect_eq "$(rev timeout_url)" "$URL/payments/mpesa/reversal-timeout/$SECRET" "QueueTimeOutURL"
expect_eq "$(order_st "$A")" paid "still paid while pending"
refund "$A"
expect_eq "$RC" 1 "a second ask while pending"
expect_match "$OUT" "already waiting" "waiting line"

# Forged (wrong secret, no secret), malformed: nothing changes.
expect_eq "$(code -d "$(result_body "$CONV" 0)" "$URL/payments/mpesa/reversal/wrong-secret-0123456789")" 404 "forged result"
expect_eq "$(code -d "$(result_body "$CONV" 0)" "$URL/payments/mpesa/reversal-timeout/wrong-secret-0123456789")" 404 "forged timeout"
expect_eq "$(code -d "$(result_body "$CONV" 0)" "$URL/payments/mpesa/reversal/")" 404 "no secret"
expect_eq "$(code -d '{"Result":' "$URL/payments/mpesa/reversal/$SECRET")" 400 "malformed result"
expect_eq "$(code -d '{"Result":{"ConversationID":"'"$CONV"'"}}' "$URL/payments/mpesa/reversal/$SECRET")" 400 "a result without a code"
expect_eq "$(rf "$A" status)" pending "still pending after the forgeries"
expect_eq "$(order_st "$A")" paid "still paid after the forgeries"
expect_eq "$(code "$dl")" 200 "download still allowed"
# A result for a reversal nobody asked for: accepted, nothing changes.
out=$(curl -fsS -d "$(result_body AG_nobody 0)" "$URL/payments/mpesa/reversal/$SECRET")
expect_eq "$out" '{"ResultCode":0,"ResultDesc":"Accepted"}' "unknown ConversationID accepted"

# Daraja's result, three times: refunded once.
out=$(ctl reversal_result "{\"id\":\"$CONV\",\"times\":3}")
expect_eq "$out" '{"statuses": [200, 200, 200]}' "results answered 200"
expect_eq "$(rf "$A" status)" done "refund done"
expect_eq "$(order_st "$A")" refunded "order refunded"
expect_match "$(rf "$A" raw)" "$CONV" "Daraja's result kept"
expect_eq "$(code "$dl")" 403 "/dl refuses the signed URL"
status_l=$(code "$URL/l/$tok/files/1")
[ "$status_l" = 403 ] || [ "$status_l" = 404 ] || fail "library file after the refund: $status_l"
page=$(curl -fsS "$URL/l/$tok?lang=en")
printf '%s' "$page" | grep -q "/files/1" && fail "the library still offers the file"
wait_until 30 "refund message on WhatsApp" sh -c "[ \"\$(grep '\"to\":\"254712345601\"' '$NYOTA_DATA_DIR/whatsapp.jsonl' 2>/dev/null | grep -c '\"kind\":\"refund')\" -ge 1 ]"
expect_eq "$(DB "SELECT count(*) FROM messages m JOIN orders o ON o.id = m.order_id WHERE o.ref = '$A' AND m.kind LIKE 'refund%'")" 1 "one refund message"
refund "$A"
expect_eq "$RC" 1 "refunded already"
expect_match "$OUT" "already refunded" "already refunded line"

# ---- Daraja refuses the reversal: failed, order still paid; again: done ---
B=$(sell 0712345602 QKB1B2C3D4)
ctl reversal '{"mode":"refuse","delay_ms":100}' >/dev/null
refund "$B"
expect_eq "$RC" 0 "refused later: the ask itself went through"
wait_until 30 "refused reversal recorded" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status FROM refunds WHERE order_id = (SELECT id FROM orders WHERE ref = '$B')\")\" = failed ]"
expect_match "$(rf "$B" error)" "OriginalTransactionID is invalid" "Daraja's reason kept"
expect_eq "$(order_st "$B")" paid "refused: order still paid"
expect_eq "$(refund_msgs 254712345602)" 0 "no refund message"
ctl reversal '{"mode":"ok","delay_ms":100}' >/dev/null
refund "$B"
expect_eq "$RC" 0 "asked again"
wait_until 30 "second reversal done" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status FROM orders WHERE ref = '$B'\")\" = refunded ]"
expect_eq "$(rf "$B" "status || ' ' || attempts")" "done 2" "the same refund row, asked twice"

# ---- Daraja gives up (QueueTimeOutURL): failed, order still paid ---------
C=$(sell 0712345603 QKC1B2C3D4)
ctl reversal '{"mode":"timeout","delay_ms":100}' >/dev/null
refund "$C"
expect_eq "$RC" 0 "timeout later: the ask went through"
wait_until 30 "timed-out reversal recorded" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status FROM refunds WHERE order_id = (SELECT id FROM orders WHERE ref = '$C')\")\" = failed ]"
expect_eq "$(rf "$C" error)" "timed out" "timeout reason"
expect_eq "$(order_st "$C")" paid "timed out: order still paid"
expect_eq "$(rev result_statuses)" "[200]" "the timeout notice answered 200"

# ---- Daraja refuses the request at once: the CLI says so -----------------
ctl reversal '{"mode":"reject"}' >/dev/null
refund "$C"
expect_eq "$RC" 1 "rejected: exit 1"
expect_match "$OUT" "refund of order $C failed: M-Pesa refused the reversal: Bad Request" "rejected line"
expect_eq "$(rf "$C" status)" failed "rejected: failed"
expect_eq "$(order_st "$C")" paid "rejected: order still paid"

# ---- no reversal configured: by hand, with the M-Pesa code ---------------
ctl reversal '{"mode":"ok"}' >/dev/null
D=$(sell 0712345604 QKD1B2C3D4)
n=$(fake_stat reversal)
RC=0
OUT=$(env -u NYOTA_MPESA_INITIATOR -u NYOTA_MPESA_SECURITY_CREDENTIAL NYOTA_BASE_URL=$URL \
	"$NYOTA_BIN/nyota-console" order refund "$D" 2>&1) || RC=$?
printf '%s\n' "$OUT" >> "$T/cli.log"
expect_eq "$RC" 1 "by hand needs the code"
expect_match "$OUT" "send the money back on M-Pesa, then run again with --mpesa-code" "asks for --mpesa-code"
RC=0
OUT=$(env -u NYOTA_MPESA_INITIATOR -u NYOTA_MPESA_SECURITY_CREDENTIAL NYOTA_BASE_URL=$URL \
	"$NYOTA_BIN/nyota-console" order refund "$D" --mpesa-code 'qk-bad' 2>&1) || RC=$?
printf '%s\n' "$OUT" >> "$T/cli.log"
expect_eq "$RC" 1 "a code that is not an M-Pesa code"
expect_eq "$(order_st "$D")" paid "bad code: still paid"
RC=0
OUT=$(env -u NYOTA_MPESA_INITIATOR -u NYOTA_MPESA_SECURITY_CREDENTIAL NYOTA_BASE_URL=$URL \
	"$NYOTA_BIN/nyota-console" order refund "$D" --mpesa-code QKHAND0001 2>&1) || RC=$?
printf '%s\n' "$OUT" >> "$T/cli.log"
expect_eq "$RC" 0 "refunded by hand: exit"
expect_match "$OUT" "order $D refunded: KES 500.00" "by hand line"
expect_eq "$(rf "$D" "status || ' ' || how || ' ' || manual_code")" "done hand QKHAND0001" "recorded by hand"
expect_eq "$(order_st "$D")" refunded "by hand: refunded"
expect_eq "$(fake_stat reversal)" "$n" "no reversal asked"
wait_until 30 "by-hand refund message" sh -c "grep '\"to\":\"254712345604\"' '$NYOTA_DATA_DIR/whatsapp.jsonl' 2>/dev/null | grep -q '\"kind\":\"refund'"

# Secrets: the credential and the OAuth tokens are in no log.
for f in "$T/storefront.log" "$T/cli.log"; do
	grep -qF "$CRED" "$f" && fail "security credential in $f"
	grep -qE 'tok-[0-9]+' "$f" && fail "OAuth token in $f"
done
echo ok
