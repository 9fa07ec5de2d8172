# The storefront starts, migrates, answers /healthz; bad config is one line.
. "$(dirname "$0")/lib.sh"
start_storefront
body=$(curl -fsS "$URL/healthz")
expect_eq "$body" '{"status":"ok"}' "healthz body"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")
expect_eq "$code" 404 "unknown path"

# Bad configuration: exit 2 and one line naming the variable.
set +e
out=$(NYOTA_HTTP_PORT=99999 "$NYOTA_BIN/nyota-storefront" 2>&1); rc=$?
set -e
expect_eq "$rc" 2 "exit code for bad port"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "one line"
expect_match "$out" 'NYOTA_HTTP_PORT' "names the variable"
set +e
out=$(NYOTA_PAYMENTS=paypal "$NYOTA_BIN/nyota-console" backup "$T/x.db" 2>&1); rc=$?
set -e
expect_eq "$rc" 2 "exit code for bad payments"
expect_match "$out" 'NYOTA_PAYMENTS: expected sim, mpesa or stripe' "payments message"

# An unusable database: the files are overwritten in place with garbage
# while the server runs (every thread's open connection then reads "file
# is not a database") → 503 with a JSON body and the usual headers.
for f in "$NYOTA_DATA_DIR"/nyota.db "$NYOTA_DATA_DIR"/nyota.db-wal "$NYOTA_DATA_DIR"/nyota.db-shm; do
	[ -f "$f" ] || continue
	head -c "$(stat -c %s "$f")" /dev/urandom | dd of="$f" conv=notrunc status=none
done
for _ in 1 2 3 4 5 6; do	# every pool thread, whichever answers
	h=$(curl -s -D - -o "$T/hz" "$URL/healthz")
	expect_match "$h" '^HTTP/1.1 503' "healthz on a garbage database"
	expect_eq "$(cat "$T/hz")" '{"status":"unavailable"}' "503 body"
	expect_match "$h" 'Content-Type: application/json' "503 type"
	expect_match "$h" "Content-Security-Policy: default-src 'self'" "CSP on 503"
	expect_match "$h" 'Cache-Control: no-store' "503 not cached"
done
# The pages say so too instead of hanging or crashing.
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/")
[ "$code" -ge 500 ] || fail "catalog on a garbage database: $code"
kill -0 "$SF_PID" || fail "storefront died on a garbage database"
echo ok
