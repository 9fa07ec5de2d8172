# Email, the second channel, end to end: the storefront's outbox worker
# with NYOTA_SMTP_URL against tests/fake-smtp.py (real SMTP: AUTH, MAIL,
# RCPT, DATA with dot-stuffing). A checkout with an email queues the
# receipt's email twin (mail_twin_tx, the real path) → received with a
# text and an HTML part and the library link; the relay down → retried
# and delivered when it is back; 550 → failed. Unsubscribe: GET changes
# nothing, the one-click POST records it, and the next reminder to that
# address is not sent (reminders by email are queued with sqlite3: no
# code path queues an emailed reminder yet) while receipts still go. No
# SMTP_URL: mail.jsonl. A bad NYOTA_SMTP_URL stops the start without
# showing the password.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"

PW='s3cret-pw'
MODE="$T/smtp.mode"
OUT="$T/smtp.jsonl"
# start_fake [PORT]: the fake relay (on PORT to come back where it was).
start_fake() {
	rm -f "$T/smtp.port"
	python3 "$NYOTA_SRC/tests/fake-smtp.py" "$T/smtp.port" "$OUT" \
		--port "${1:-0}" --auth "shop@nyota.test:$PW" --mode-file "$MODE" &
	FAKE_PID=$!
	PIDS="$PIDS $FAKE_PID"
	for _ in $(seq 1 300); do [ -s "$T/smtp.port" ] && break; sleep 0.1; done
	[ -s "$T/smtp.port" ] || fail "fake SMTP did not start"
	SPORT=$(cat "$T/smtp.port")
}
# messages N: waits until the fake accepted N messages.
messages() { local n; n=$(grep -c '"event": "message"' "$OUT" 2>/dev/null) || true; [ "${n:-0}" -ge "$1" ]; }
# msg_field N EXPR: a Python expression over the Nth accepted message m
# (with text/html: its decoded parts, hdr: its headers).
msg_field() {
	python3 - "$OUT" "$1" "$2" <<'EOF'
import email, email.policy, json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
m = [e for e in evs if e["event"] == "message"][int(sys.argv[2]) - 1]
msg = email.message_from_string(m["data"], policy=email.policy.default)
hdr = msg
text = msg.get_body(("plain",)).get_content()
html = msg.get_body(("html",)).get_content()
print(eval(sys.argv[3]))
EOF
}
email_row() { DB "SELECT status || ' ' || attempts || ' ' || coalesce(last_error, '') FROM messages WHERE channel = 'email' AND to_email = '$1' ORDER BY id DESC LIMIT 1"; }

echo ok > "$MODE"
start_fake
export NYOTA_SMTP_URL="smtp://shop%40nyota.test:$PW@127.0.0.1:$SPORT" \
	NYOTA_MAIL_FROM=shop@nyota.test NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=200
start_storefront
seed_catalog
csrf_init

# 1. A paid checkout with an address: the receipt arrives by email too.
set -- $(checkout song 0712345678 1 --data-urlencode "email=Amina@Example.com")
expect_eq "$1" 303 "checkout with email"
wait_status "$2" paid
wait_until 30 "the receipt by email" messages 1
expect_eq "$(msg_field 1 'm["rcpt"]')" "['amina@example.com']" "recipient"
expect_eq "$(msg_field 1 'm["from"] + " " + m["auth"] + " " + m["helo"]')" \
	"shop@nyota.test shop@nyota.test nyota.test" "envelope and AUTH"
expect_eq "$(msg_field 1 'm["bare_lf"] or m["long_line"]')" False "CRLF lines, none too long"
expect_eq "$(msg_field 1 'hdr.get_content_type()')" multipart/alternative "MIME"
expect_eq "$(msg_field 1 'str(hdr["Subject"])')" "Your Nyota receipt" "subject"
expect_eq "$(msg_field 1 'hdr["List-Unsubscribe"] is None')" True "a receipt: no List-Unsubscribe"
expect_match "$(msg_field 1 'hdr["Message-ID"]')" '^<[0-9]+\.[0-9a-f]{16}@nyota\.test>$' "Message-ID"
expect_match "$(msg_field 1 'text')" "$URL/l/[A-Za-z0-9_-]{43}" "the link in the text"
expect_match "$(msg_field 1 'html')" "<a href=\"$URL/l/[A-Za-z0-9_-]{43}\">" "the link in the HTML"
expect_match "$(msg_field 1 'html')" 'A song' "the product in the HTML"
wait_until 10 "email row sent" sh -c "[ \"\$(sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status FROM messages WHERE channel = 'email'\")\" = sent ]"
expect_match "$(DB "SELECT provider_id FROM messages WHERE channel = 'email'")" '@nyota\.test$' "provider id"
# the WhatsApp receipt went its own way, to the log
expect_match "$(cat "$NYOTA_DATA_DIR/whatsapp.jsonl")" '"kind":"receipt"' "WhatsApp receipt"
[ ! -e "$NYOTA_DATA_DIR/mail.jsonl" ] || fail "mail log used with SMTP set"

# 2. The relay down: the worker retries; back up: delivered.
kill "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true
set -- $(checkout song 0712345670 1 --data-urlencode "email=baraka@example.com")
wait_status "$2" paid
wait_until 30 "a failed attempt" sh -c "sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status || attempts FROM messages WHERE to_email = 'baraka@example.com'\" | grep -qx queued1"
expect_match "$(email_row baraka@example.com)" '^queued 1 smtp: ' "retry reason"
start_fake "$SPORT"
# the backoff (~15 s) is the worker's; made due now to keep the test short
DB "UPDATE messages SET next_attempt_at = 0 WHERE to_email = 'baraka@example.com' AND status = 'queued'"
wait_until 30 "delivered after the relay came back" messages 2
expect_eq "$(msg_field 2 'm["rcpt"]')" "['baraka@example.com']" "second recipient"
wait_until 10 "second row sent" sh -c "sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status || attempts FROM messages WHERE to_email = 'baraka@example.com'\" | grep -qx sent2"

# 3. 550 to RCPT: failed for good, never retried.
echo rcpt550 > "$MODE"
set -- $(checkout song 0712345671 1 --data-urlencode "email=nobody@example.com")
wait_status "$2" paid
wait_until 30 "failed on 550" sh -c "sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status FROM messages WHERE to_email = 'nobody@example.com'\" | grep -qx failed"
expect_match "$(email_row nobody@example.com)" '^failed 1 smtp 550' "550 reason"
echo ok > "$MODE"

# 4. A reminder (not transactional): List-Unsubscribe with one click.
now=$(date +%s)
DB "INSERT INTO messages (customer_id, to_phone, kind, locale, body, params, next_attempt_at, created_at, channel, to_email)
    SELECT id, phone, 'reminder', 'sw', 'Ukumbusho: tamasha ni kesho.', '[]', 0, $now, 'email', 'amina@example.com' FROM customers WHERE phone = '254712345678'"
wait_until 30 "the reminder" messages 3
expect_eq "$(msg_field 3 'hdr["List-Unsubscribe-Post"]')" "List-Unsubscribe=One-Click" "one-click header"
UNSUB=$(msg_field 3 'hdr["List-Unsubscribe"]')
expect_match "$UNSUB" "^<$URL/mail/unsubscribe/[A-Za-z0-9_-]{75}\\?lang=sw>\$" "List-Unsubscribe URL"
UNSUB=${UNSUB#<}; UNSUB=${UNSUB%>}
expect_match "$(msg_field 3 'text')" "Jiondoe: ${UNSUB//\?/\\?}" "Swahili footer"
# GET (what a mail scanner does) shows a button and changes nothing
page=$(curl -sS -w '\n%{http_code}' "$UNSUB")
expect_eq "${page##*$'\n'}" 200 "GET unsubscribe"
expect_match "$page" "<form[^>]*method=\"post\"[^>]*action=\"/mail/unsubscribe/" "the button's form"
expect_eq "$(DB 'SELECT count(*) FROM mail_optout')" 0 "GET records nothing"
# a token of the wrong shape: 404, nothing recorded
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d 'List-Unsubscribe=One-Click' "$URL/mail/unsubscribe/nope")" 404 "bad token"
expect_eq "$(DB 'SELECT count(*) FROM mail_optout')" 0 "bad token records nothing"
# a forged token of the right shape (another address's id, this one's
# signature): refused, nothing recorded
tok=${UNSUB##*/}; tok=${tok%%\?*}
forged="0123456789abcdef0123456789abcdef${tok:32}"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -d 'List-Unsubscribe=One-Click' "$URL/mail/unsubscribe/$forged")" 404 "forged token"
expect_eq "$(DB 'SELECT count(*) FROM mail_optout')" 0 "forged token records nothing"
# the mail client's one-click POST (RFC 8058): no cookie, no CSRF token
page=$(curl -sS -w '\n%{http_code}' -d 'List-Unsubscribe=One-Click' "$UNSUB")
expect_eq "${page##*$'\n'}" 200 "one-click POST"
expect_match "$page" 'Imekamilika' "done, in Swahili"
expect_eq "$(DB 'SELECT count(*) FROM mail_optout')" 1 "opt-out recorded"
curl -sS -o /dev/null -d 'List-Unsubscribe=One-Click' "$UNSUB"
expect_eq "$(DB 'SELECT count(*) FROM mail_optout')" 1 "recorded once"
expect_eq "$(DB "SELECT count(*) FROM mail_optout WHERE instr(lower(email_hash), 'amina') > 0")" 0 "no address stored"
# the next reminder is not sent; the next receipt is
DB "INSERT INTO messages (customer_id, to_phone, kind, locale, body, params, next_attempt_at, created_at, channel, to_email, dedupe_key)
    SELECT id, phone, 'reminder', 'en', 'Again', '[]', 0, $now, 'email', 'amina@EXAMPLE.com', 'again' FROM customers WHERE phone = '254712345678'"
wait_until 30 "reminder refused" sh -c "sqlite3 -cmd '.timeout 5000' '$NYOTA_DATA_DIR/nyota.db' \"SELECT status || ' ' || last_error FROM messages WHERE dedupe_key = 'again'\" | grep -qx 'failed unsubscribed'"
# (another phone: the same form again within a minute is the same order)
set -- $(checkout song 0712345670 1 --data-urlencode "email=amina@example.com")
wait_status "$2" paid
wait_until 30 "a receipt after unsubscribing" messages 4
expect_eq "$(msg_field 4 'str(hdr["Subject"])')" "Your Nyota receipt" "receipt still sent"
expect_eq "$(grep -c '"event": "message"' "$OUT")" 4 "nothing else sent"
# the password is in no log line, no row
grep -q "$PW" "$T/storefront.log" && fail "password in the log"
[ "$(DB "SELECT count(*) FROM messages WHERE instr(coalesce(last_error, ''), '$PW') > 0")" = 0 ] || fail "password in a row"

# 5. No SMTP: mail.jsonl (0600), one line per message.
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true
unset NYOTA_SMTP_URL NYOTA_MAIL_FROM
start_storefront
csrf_init
set -- $(checkout song 0712345672 1 --data-urlencode "email=chebet@example.com")
wait_status "$2" paid
wait_until 30 "mail.jsonl" test -s "$NYOTA_DATA_DIR/mail.jsonl"
expect_eq "$(stat -c %a "$NYOTA_DATA_DIR/mail.jsonl")" 600 "mail.jsonl mode"
line=$(cat "$NYOTA_DATA_DIR/mail.jsonl")
expect_eq "$(printf '%s\n' "$line" | wc -l)" 1 "one line"
expect_eq "$(printf '%s' "$line" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["to"], m["kind"], m["from"], m["subject"])')" \
	"chebet@example.com receipt nyota@localhost Your Nyota receipt" "logged mail"
expect_match "$(printf '%s' "$line" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(" ".join((m["text"], m["html"], m["headers"]["Content-Type"])).replace("\n", " "))')" \
	"$URL/l/[A-Za-z0-9_-]{43}.*<a href=\"$URL/l/.*multipart/alternative" "text, html, headers"
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true

# 6. A bad NYOTA_SMTP_URL: no start, one line, no password.
set +e
out=$(NYOTA_SMTP_URL="smtp://me:$PW@mail.example.com:99999" NYOTA_MAIL_FROM=a@b.co \
	"$NYOTA_BIN/nyota-storefront" 2>&1 </dev/null)
rc=$?
set -e
expect_eq "$rc" 2 "bad SMTP URL: exit status"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "bad SMTP URL: one line"
expect_match "$out" '^nyota: NYOTA_SMTP_URL: expected smtp:// or smtps://' "bad SMTP URL: message"
printf '%s' "$out" | grep -q "$PW" && fail "password shown: $out"
set +e
out=$(NYOTA_SMTP_URL="smtps://me:$PW@mail.example.com" "$NYOTA_BIN/nyota-storefront" 2>&1 </dev/null)
rc=$?
set -e
expect_eq "$rc" 2 "no sender: exit status"
expect_match "$out" '^nyota: NYOTA_MAIL_FROM: expected' "no sender: message"
echo ok
