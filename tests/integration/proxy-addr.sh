# Behind a reverse proxy (Caddy on the same machine) every buyer arrives
# from 127.0.0.1. With NYOTA_TRUSTED_PROXY naming the proxy, the client is
# the last X-Forwarded-For address, so limits by address count buyers, not
# the proxy; without it, X-Forwarded-For is ignored (a buyer cannot forge
# an address to escape a limit).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/checkout.inc"
export NYOTA_CHECKOUT_LIMIT=2
# All POSTs in one window of the per-minute limit (see checkout-limits.sh).
export NYOTA_CLOCK_OFFSET=$(( 60 - $(date +%s) % 60 ))

# A forged first hop and the proxy's own last hop: the last one counts.
xff() { echo "X-Forwarded-For: 203.0.113.9, $1"; }

NYOTA_TRUSTED_PROXY=127.0.0.1,::1 start_storefront
seed_catalog
csrf_init
set -- $(checkout song 0700000001 1 -H "$(xff 10.0.0.1)"); expect_eq "$1" 303 "first from .1"
set -- $(checkout song 0700000002 1 -H "$(xff 10.0.0.1)"); expect_eq "$1" 303 "second from .1"
set -- $(checkout song 0700000003 1 -H "$(xff 10.0.0.1)"); expect_eq "$1" 429 "third from .1: limited"
# Another buyer behind the same proxy is not limited by the first.
set -- $(checkout song 0700000004 1 -H "$(xff 10.0.0.2)"); expect_eq "$1" 303 "first from .2"
# The forged first hop never counts: 203.0.113.9 is not limited.
set -- $(checkout song 0700000005 1 -H "X-Forwarded-For: 10.0.0.1, 203.0.113.9"); expect_eq "$1" 303 "first from .9"
expect_eq "$(DB "SELECT group_concat(DISTINCT client_addr) FROM (SELECT client_addr FROM orders ORDER BY client_addr)")" \
	"10.0.0.1,10.0.0.2,203.0.113.9" "orders keep the buyer's address"
# Two header lines (a proxy that adds its own line): the last line counts.
set -- $(checkout song 0700000007 1 -H "X-Forwarded-For: 10.0.0.1" -H "X-Forwarded-For: 10.0.0.3"); expect_eq "$1" 303 "two lines"
expect_eq "$(DB "SELECT client_addr FROM orders ORDER BY id DESC LIMIT 1")" "10.0.0.3" "two lines: the last one"
# A last hop that is not an address: the proxy's own address is kept.
set -- $(checkout song 0700000006 1 -H "X-Forwarded-For: <script>"); expect_eq "$1" 303 "garbage header"
expect_eq "$(DB "SELECT client_addr FROM orders ORDER BY id DESC LIMIT 1")" \
	"127.0.0.1" "garbage header: the peer's address"
kill "$SF_PID"; wait "$SF_PID" 2>/dev/null || true

# Without a trusted proxy the header is ignored: every POST is 127.0.0.1.
rm -rf "$NYOTA_DATA_DIR"
start_storefront
seed_catalog
csrf_init
set -- $(checkout song 0700000001 1 -H "$(xff 10.0.0.1)"); expect_eq "$1" 303 "untrusted first"
set -- $(checkout song 0700000002 1 -H "$(xff 10.0.0.2)"); expect_eq "$1" 303 "untrusted second"
set -- $(checkout song 0700000003 1 -H "$(xff 10.0.0.3)"); expect_eq "$1" 429 "forged headers do not escape the limit"
expect_eq "$(DB "SELECT group_concat(DISTINCT client_addr) FROM orders")" "127.0.0.1" "header ignored"

# A bad NYOTA_TRUSTED_PROXY stops the program with one line.
out=$(NYOTA_TRUSTED_PROXY=localhost "$NYOTA_BIN/nyota-storefront" 2>&1) && fail "bad proxy list accepted"
expect_match "$out" "NYOTA_TRUSTED_PROXY: expected IP addresses" "bad proxy list refused"
echo ok
