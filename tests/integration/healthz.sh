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
expect_match "$out" 'NYOTA_PAYMENTS: expected one of sim\|mpesa' "payments message"
echo ok
