# The operator's creator commands and help: `--help`, `-h` and `help`
# print the usage on stdout with status 0 (an unknown option stays a
# usage error on stderr, 2); `creator list` has a header and aligned
# columns with each creator's status; `creator disable` keeps the creator
# out of the console (a fresh code is refused), takes their products off
# the shop (catalog, creator page, product page 404, checkout refused
# with a clear message) while buyers' libraries and downloads keep
# working, and writes an audit line; `creator enable` brings it all back.
# Also the plural in the library ("Downloaded 1 time", "mara 1").
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/library-lib.bash"
trap console_cleanup EXIT
unset LC_ALL LC_MESSAGES
export LANG=C

# run_cli ARGS…: sets OUT, ERR (the two streams apart) and RC.
run_cli() {
	set +e
	"$NYOTA_BIN/nyota-console" "$@" > "$T/out" 2> "$T/err"
	RC=$?
	set -e
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# --- help ---------------------------------------------------------------
for h in --help -h help; do
	run_cli "$h"
	expect_eq "$RC" 0 "$h: status"
	expect_eq "$ERR" "" "$h: nothing on stderr"
	expect_match "$OUT" '^usage: nyota-console ' "$h: usage on stdout"
	for cmd in 'creator add HANDLE' 'creator list' 'creator disable HANDLE' \
	    'creator enable HANDLE' 'invite' 'setup-code' 'export FILE' \
	    'import FILE' 'backup FILE' 'order show REF' 'order refund REF'; do
		expect_match "$OUT" "$cmd" "$h lists $cmd"
	done
done
# After a command too (it does not add a creator called --help).
run_cli creator add --help
expect_eq "$RC" 0 "creator add --help: status"
expect_match "$OUT" '^usage: nyota-console ' "creator add --help: usage"
# Options before it are fine; no database is made to print help.
run_cli --data-dir="$T/nowhere" --help
expect_eq "$RC" 0 "option then --help"
[ -e "$T/nowhere" ] && fail "help created the data directory"
# The README lists every command the usage does.
for cmd in 'creator disable' 'creator enable' 'creator list' '--help'; do
	grep -q -- "nyota-console $cmd" "$NYOTA_SRC/README.md" ||
		fail "README's admin commands lack $cmd"
done
# In Swahili, lines that fit 80 columns except the long order refund.
LANG=sw_KE.UTF-8 run_cli help
expect_eq "$RC" 0 "help in Swahili: status"
expect_match "$OUT" '^matumizi: nyota-console ' "help in Swahili"
expect_match "$OUT" 'creator disable JINA' "disable in Swahili help"
# Mistakes stay usage errors: stderr, status 2, nothing on stdout.
for bad in --frobnicate -x frobnicate; do
	run_cli "$bad"
	expect_eq "$RC" 2 "$bad: status"
	expect_eq "$OUT" "" "$bad: nothing on stdout"
	[ -n "$ERR" ] || fail "$bad: no message on stderr"
done
run_cli --frobnicate
expect_match "$ERR" 'unknown option' "unknown option named"
run_cli creator disable
expect_eq "$RC" 2 "disable without a handle"

# --- counts read right: "1 creator", "mbunifu 1" (issue 15, item 8) --------
cp -r "$NYOTA_SRC/scripts/demo" "$T/demo"
python3 - "$T/demo/catalog.json" > "$T/demo/one.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["creators"] = d["creators"][:1]
h = d["creators"][0]["handle"]
d["products"] = [p for p in d["products"] if p["creator"] == h][:1]
assert len(d["products"][0]["files"]) == 1
json.dump(d, sys.stdout)
PY
NYOTA_DATA_DIR="$T/one" run_cli import "$T/demo/one.json"
expect_match "$OUT" '^imported 1 creator, 1 product, 1 file from .* \([0-9]+ rows changed\)$' "import of one, English"
NYOTA_DATA_DIR="$T/one" LANG=sw_KE.UTF-8 run_cli import "$T/demo/one.json"
expect_match "$OUT" '^imeingiza mbunifu 1, bidhaa 1, faili 1 kutoka .* \(safu 0 zimebadilika\)$' "import of one, Swahili"
NYOTA_DATA_DIR="$T/one" run_cli import --if-empty "$T/demo/one.json"
expect_eq "$OUT" "catalog has 1 product: import skipped" "skipped, one product"
NYOTA_DATA_DIR="$T/one" run_cli export "$T/one-out/catalog.json"
expect_match "$OUT" '^exported 1 creator, 1 product, 1 file to ' "export of one"

# --- the shop: amani (a buyer owns a download), wanjiru (not enrolled) --
start_storefront
lib_seed
DB "INSERT INTO creators(id, handle, display_name, locale, created_at)
 VALUES (2, 'wanjiru', 'Wanjiru Wá Kamau', 'sw', 0);
 INSERT INTO products(id, creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at)
 VALUES (7, 2, 'poems', 'download', 'Poems', 100, 'KES', 'published', 0, 0);"
SECRET=$("$NYOTA_BIN/nyota-console" creator add amani | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "amani enrolled"
read -r _ _ < <(recover "0722000111")
tok=$(token_of "$(link_for 254722000111)")

# creator list: a header, aligned columns, statuses.
run_cli creator list
expect_eq "$RC" 0 "creator list status"
head=$(printf '%s\n' "$OUT" | sed -n 1p)
expect_match "$head" '^HANDLE +NAME +LANGUAGE +STATUS +PRODUCTS +CREATED$' "list header"
expect_match "$OUT" $'\namani +Amani Studio +en +active +5 +[0-9]{4}-[0-9]{2}-[0-9]{2}' "amani active, 5 published"
expect_match "$OUT" $'\nwanjiru +Wanjiru Wá Kamau +sw +not enrolled +1 +[0-9]{4}-' "wanjiru not enrolled"
# Every row's STATUS starts under the header's (display columns).
col=$(printf '%s\n' "$OUT" | python3 -c '
import sys
lines = sys.stdin.read().splitlines()
cols = {l.index(w) for l, w in zip(lines, ["STATUS", "active", "not enrolled"])}
print(len(cols))')
expect_eq "$col" 1 "STATUS column aligned"
LANG=sw_KE.UTF-8 run_cli creator list
expect_match "$OUT" '^JINA +JINA KAMILI +LUGHA +HALI +BIDHAA +ALIONGEZWA' "list header in Swahili"
expect_match "$OUT" 'wanjiru +Wanjiru Wá Kamau +sw +hajasajiliwa' "not enrolled in Swahili"

# Before: on the shop, a checkout form to submit later, a login works.
expect_eq "$(status "$URL/p/nairobi-nights")" 200 "product page before"
expect_match "$(curl -fsS "$URL/?lang=en")" 'Nairobi Nights' "catalog before"
csrf=$(curl -fsS -c "$T/cjar" -b "$T/cjar" "$URL/p/nairobi-nights?lang=en" |
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "checkout form's csrf"
page=$(curl -fsS "$URL/l/$tok?lang=en")
expect_match "$page" 'Nairobi Nights' "library before"

start_console
# A session open when the operator disables the account ends by itself.
fresh_code "$SECRET"
login s1 amani "$CODE"
wait_for s1 'Dashboard'

# --- disable -------------------------------------------------------------
run_cli creator disable amani
expect_eq "$RC" 0 "disable status"
expect_match "$OUT" '^creator amani disabled' "disable said"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action = 'creator.disable' AND creator_id = 1")" 1 "audit line, the creator's id"
run_cli creator disable amani
expect_eq "$RC" 0 "disable again status"
expect_match "$OUT" 'already disabled' "disable again said"
wait_for s1 'disabled your account'
wait_for s1 'ssh-exit='
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action = 'creator.disable'")" 1 "one audit line"
run_cli creator disable nobody
expect_eq "$RC" 1 "unknown creator: status"
expect_eq "$ERR" "nyota: no creator nobody" "unknown creator: one line"
run_cli creator list
expect_match "$OUT" $'\namani +Amani Studio +en +disabled +5 ' "listed disabled"

# Off the shop (the render cache follows the change).
expect_eq "$(status "$URL/p/nairobi-nights")" 404 "product page 404"
expect_eq "$(status "$URL/@amani")" 404 "creator page 404"
expect_eq "$(status "$URL/api/v1/products/nairobi-nights")" 404 "API product 404"
cat=$(curl -fsS "$URL/?lang=en")
expect_match "$cat" 'Poems' "catalog keeps the others"
printf '%s' "$cat" | grep -q 'Nairobi Nights' && fail "catalog still shows amani's products"
printf '%s' "$(curl -fsS "$URL/api/v1/products")" | grep -q 'nairobi-nights' && fail "API lists amani's product"
# The form opened before: refused with a clear message, no order made.
orders=$(sql "SELECT count(*) FROM orders")
code=$(curl -sS -o "$T/co.html" -w '%{http_code}' -c "$T/cjar" -b "$T/cjar" \
	--data-urlencode "csrf=$csrf" --data-urlencode "phone=0712000999" \
	--data-urlencode "method=mpesa" "$URL/p/nairobi-nights/checkout?lang=en")
expect_eq "$code" 404 "checkout refused"
expect_match "$(cat "$T/co.html")" 'not on sale any more' "checkout says why"
expect_eq "$(sql "SELECT count(*) FROM orders")" "$orders" "no order made"

# Buyers keep what they bought: the library and a download.
page=$(curl -fsS "$URL/l/$tok?lang=en")
expect_match "$page" 'Nairobi Nights' "library keeps the item"
loc=$(curl -sS -o /dev/null -w '%{redirect_url}' "$URL/l/$tok/files/1")
expect_match "$loc" '/dl/1/' "download link still signed"
curl -fsS -o "$T/got" "$loc"
cmp "$T/got" "$FILE1" || fail "download after disable"
# …and the count reads right in both languages (issue 15, item 8).
DB "UPDATE products SET download_limit = NULL WHERE id = 1"
page=$(curl -fsS "$URL/l/$tok?lang=en")
expect_match "$page" 'Downloaded 1 time<' "one download, English"
page=$(curl -fsS "$URL/l/$tok?lang=sw")
expect_match "$page" 'Imepakuliwa mara 1<' "one download, Swahili"

# No login: a fresh code is refused, the console never opens.
fresh_code "$SECRET"
login s2 amani "$CODE"
wait_count s2 'Verification code:' 2
screen_of s2 | grep -q 'Dashboard' && fail "disabled creator logged in"
tm kill-session -t s2
# Nothing deleted.
expect_eq "$(sql "SELECT count(*) FROM products WHERE creator_id = 1")" 5 "products kept"
expect_eq "$(sql "SELECT count(*) FROM entitlements")" 6 "entitlements kept"
expect_eq "$(sql "SELECT count(*) FROM creators WHERE handle = 'amani' AND totp_secret IS NOT NULL")" 1 "secret kept"

# --- enable --------------------------------------------------------------
run_cli creator enable amani
expect_eq "$RC" 0 "enable status"
expect_match "$OUT" '^creator amani enabled' "enable said"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE actor = 'cli' AND action = 'creator.enable' AND creator_id = 1")" 1 "enable audit line"
run_cli creator enable amani
expect_match "$OUT" 'already enabled' "enable again said"
expect_eq "$(status "$URL/p/nairobi-nights")" 200 "product page back"
expect_eq "$(status "$URL/@amani")" 200 "creator page back"
expect_match "$(curl -fsS "$URL/?lang=en")" 'Nairobi Nights' "catalog back"
run_cli creator list
expect_match "$OUT" $'\namani +Amani Studio +en +active ' "listed active"
fresh_code "$SECRET"
login s3 amani "$CODE"
wait_for s3 'Dashboard'
echo ok
