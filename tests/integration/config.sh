# Bad configuration stops either program at start: exit status 2, one line
# on stderr naming the variable (or flag) and what it expected, and
# nothing created on disk. Covers every kind of check: port, whole number,
# enum, URL, path, unknown and malformed flags, provider settings.
. "$(dirname "$0")/lib.sh"

# bad PROGRAM WANT VAR=VALUE… -- ARGS…: runs PROGRAM with the variables
# and arguments; expects exit 2 and one line matching WANT.
bad() {
	local prog=$1 want=$2 out rc
	shift 2
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	set +e
	out=$(env "${envs[@]}" "$NYOTA_BIN/$prog" "$@" 2>&1 </dev/null)
	rc=$?
	set -e
	expect_eq "$rc" 2 "$prog ${envs[*]} $*: exit status"
	expect_eq "$(printf '%s\n' "$out" | wc -l)" 1 "$prog ${envs[*]} $*: one line"
	expect_match "$out" "^nyota: " "$prog: prefix"
	expect_match "$out" "$want" "$prog ${envs[*]} $*: message"
}

for prog in nyota-storefront nyota-console; do
	bad $prog 'NYOTA_HTTP_PORT: expected a port number 1-65535, got "99999"' NYOTA_HTTP_PORT=99999
	bad $prog 'NYOTA_SSH_PORT: expected a port number' NYOTA_SSH_PORT=ssh
	bad $prog 'NYOTA_HTTP_PORT: expected a port number.*"80\?80"' "NYOTA_HTTP_PORT=80
80"
	bad $prog 'NYOTA_PAYMENTS: expected sim, mpesa or stripe, or several joined by commas \(got "paypal"\)' NYOTA_PAYMENTS=paypal
	bad $prog 'NYOTA_SIM_AUTO: expected one of off\|approve\|decline' NYOTA_SIM_AUTO=yes
	bad $prog 'NYOTA_WHATSAPP: expected one of log\|cloud' NYOTA_WHATSAPP=sms
	bad $prog 'NYOTA_LOG: expected one of debug\|info\|warn\|error' NYOTA_LOG=verbose
	bad $prog 'NYOTA_SIM_DELAY_MS: expected a whole number 0-600000' NYOTA_SIM_DELAY_MS=-1
	bad $prog 'NYOTA_CHECKOUT_LIMIT: expected a whole number' NYOTA_CHECKOUT_LIMIT=lots
	bad $prog 'NYOTA_HTTP_PER_IP_LIMIT: expected a whole number 0-65536, got "-5"' NYOTA_HTTP_PER_IP_LIMIT=-5
	bad $prog 'NYOTA_HTTP_PER_IP_LIMIT: expected a whole number' -- --http-per-ip-limit=lots
	bad $prog 'NYOTA_PAY_TIMEOUT_S: expected a whole number 1-3600' NYOTA_PAY_TIMEOUT_S=0
	bad $prog 'NYOTA_CLOCK_OFFSET: expected a whole number' NYOTA_CLOCK_OFFSET=1d
	bad $prog 'NYOTA_BASE_URL: expected an http:// or https:// URL' NYOTA_BASE_URL=shop.example
	bad $prog 'NYOTA_BASE_URL: expected an http:// or https:// URL' NYOTA_BASE_URL=http://
	bad $prog 'NYOTA_MPESA_BASE_URL: expected an http' NYOTA_MPESA_BASE_URL=ftp://x
	bad $prog 'NYOTA_WHATSAPP_API_URL: expected an http' "NYOTA_WHATSAPP_API_URL=https://graph facebook"
	bad $prog 'NYOTA_DATA_DIR: expected a path' NYOTA_DATA_DIR=
	bad $prog 'NYOTA_HTTP_ADDR: expected an IPv4 address' NYOTA_HTTP_ADDR=bogus
	bad $prog 'NYOTA_SSH_ADDR: expected an IPv4 or IPv6 address' NYOTA_SSH_ADDR=localhost
	bad $prog 'NYOTA_PAYMENTS=mpesa: expected NYOTA_MPESA_CONSUMER_KEY' NYOTA_PAYMENTS=mpesa
	bad $prog 'NYOTA_WHATSAPP=cloud: expected NYOTA_WHATSAPP_TOKEN' NYOTA_WHATSAPP=cloud
	bad $prog '--frobnicate=1: unknown option' -- --frobnicate=1
	bad $prog '--http-port: unknown option' -- --http-port 8081
	bad $prog 'NYOTA_HTTP_PORT: expected a port' -- --http-port=0
done
# The storefront takes flags only; a stray argument is not ignored.
bad nyota-storefront '8081: unexpected argument' -- 8081
bad nyota-storefront 'serve: unexpected argument' -- --http-port=8081 serve
# The console's flags come before its command.
bad nyota-console 'NYOTA_LOG: expected one of' -- --log=chatty creator list
# Nothing was created by any refused start.
[ ! -e "$NYOTA_DATA_DIR" ] || fail "data dir created by a refused start"
[ ! -e "$NYOTA_KEYS_DIR" ] || fail "keys dir created by a refused start"

# Good values and flags are taken: the storefront listens where the flag
# says, NYOTA_LOG=warn silences the info lines.
PORT=$(free_port)
NYOTA_LOG=warn "$NYOTA_BIN/nyota-storefront" --http-port="$PORT" \
	--base-url="http://127.0.0.1:$PORT/" > "$T/sf.log" 2>&1 &
PIDS="$PIDS $!"
for _ in $(seq 1 600); do
	curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
expect_eq "$(curl -fsS "http://127.0.0.1:$PORT/healthz")" '{"status":"ok"}' "flag port"
if grep -q 'level=info' "$T/sf.log"; then fail "NYOTA_LOG=warn still logs info"; fi
echo ok
