# The admin CLI: creator add (secret, URI, QR; codes from oathtool accepted
# once), handle validation, setup code, import → export → import round
# trip, malformed import refused with its JSON path and nothing changed,
# idempotent re-import, backup during writes, one-line errors; messages in
# the operator's language (LC_ALL, LC_MESSAGES, LANG), machine lines not.
. "$(dirname "$0")/lib.sh"
SRC=${NYOTA_SRC:-$(pwd)}
DB="$NYOTA_DATA_DIR/nyota.db"
# English unless a check says otherwise (the greps below are English).
unset LC_ALL LC_MESSAGES
export LANG=C

# in_lang VAR=VALUE… -- ARGS…: the console with those locale variables
# (env, so the shell itself never switches locale).
in_lang() {
	local vars=()
	while [ "$1" != -- ]; do vars+=("$1"); shift; done
	shift
	env "${vars[@]}" "$NYOTA_BIN/nyota-console" "$@"
}

# run_err CMD…: runs a command that must fail; sets OUT (stderr+stdout)
# and RC; checks it is exactly one line.
run_err() {
	set +e
	OUT=$("$@" 2>&1)
	RC=$?
	set -e
	[ "$RC" -ne 0 ] || fail "expected failure: $*"
	expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "one line from: $*"
}

console creator list > /dev/null 2>&1	# migrate once (its log lines)

# Setup code: stable while nobody is enrolled.
sc1=$(console setup-code | sed -n 's/^setup code: //p')
sc2=$(console setup-code | sed -n 's/^setup code: //p')
expect_match "$sc1" '^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$' "setup code format"
expect_eq "$sc1" "$sc2" "setup code printed again"

# creator add: secret, URI, QR; oathtool's code is accepted once.
out=$(console creator add amani --name="Amani Studio" --locale=sw)
secret=$(printf '%s\n' "$out" | sed -n 's/^secret: //p')
expect_match "$secret" '^[A-Z2-7]{32}$' "secret line"
expect_match "$out" "otpauth://totp/Nyota:amani\\?secret=$secret&issuer=Nyota" "otpauth URI"
expect_match "$out" '█' "QR code drawn"
code=$(oathtool --totp -b "$secret")
expect_match "$(console creator check amani "$code")" 'accepted' "oathtool code accepted"
run_err console creator check amani "$code"
expect_match "$OUT" 'already used' "replay refused"
run_err console creator check amani 000000
expect_match "$OUT" 'refused' "wrong code refused"

# Once someone is enrolled there is no setup code.
run_err console setup-code
expect_match "$OUT" 'already enrolled' "setup code after enrolment"

# Handle validation and duplicates: one line, non-zero.
for h in A 9abc "has space" setup ab/cd; do
	run_err console creator add "$h"
	expect_match "$OUT" '^nyota: invalid handle' "handle $h refused"
done
run_err console creator add amani
expect_match "$OUT" 'already exists' "duplicate handle"
# --reset issues a new secret.
new=$(console creator add amani --reset | sed -n 's/^secret: //p')
[ "$new" != "$secret" ] || fail "reset gave the same secret"

# Import the demo catalog, twice (idempotent), then round trip.
out=$(console import "$SRC/scripts/demo/catalog.json")
expect_match "$out" 'imported 2 creators, 4 products' "demo import"
out=$(console import "$SRC/scripts/demo/catalog.json")
expect_match "$out" '\(0 rows changed\)' "re-import changes nothing"
console export "$T/exp1/catalog.json" > /dev/null
[ -s "$T/exp1/files/nairobi-nights/nairobi-nights.pdf" ] || fail "file exported"
NYOTA_DATA_DIR="$T/data2" console import "$T/exp1/catalog.json" > /dev/null 2>&1
NYOTA_DATA_DIR="$T/data2" console export "$T/exp2/catalog.json" > /dev/null
cmp "$T/exp1/catalog.json" "$T/exp2/catalog.json" || fail "round trip differs"
cmp "$T/exp1/files/sauti-za-pwani/karibu.txt" "$SRC/scripts/demo/files/karibu.txt" ||
	fail "exported file content"
# Imported creators enrol with creator add (no secrets in exports).
grep -q totp "$T/exp1/catalog.json" && fail "secret exported"
out=$(NYOTA_DATA_DIR="$T/data2" console creator add wanjiru)
expect_match "$out" '^creator wanjiru ready' "imported creator enrols"

# A malformed document: JSON path named, nothing changed.
before=$(sqlite3 "$DB" "SELECT max(seq) FROM events; SELECT group_concat(title) FROM products;")
python3 - "$T/exp1/catalog.json" "$T/exp1/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["products"][0]["title"] = "CHANGED"
d["products"][2]["event"]["capacity"] = "ten"
json.dump(d, open(sys.argv[2], "w"))
PY
run_err console import "$T/exp1/bad.json"
expect_match "$OUT" 'products\[2\]\.event\.capacity: expected an integer' "JSON path named"
# The limits are the product rules' (the console's wizard has the same).
python3 - "$T/exp1/catalog.json" "$T/exp1/bad3.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["products"][1]["subscription"]["period_days"] = 36501
json.dump(d, open(sys.argv[2], "w"))
PY
run_err console import "$T/exp1/bad3.json"
expect_match "$OUT" 'products\[1\]\.subscription\.period_days: expected an integer ≥ 1, at most 36500' "period limit"
python3 - "$T/exp1/catalog.json" "$T/exp1/bad2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["products"][0]["title"] = "CHANGED"
d["products"][1]["files"][0]["path"] = "files/none.txt"
json.dump(d, open(sys.argv[2], "w"))
PY
run_err console import "$T/exp1/bad2.json"
expect_match "$OUT" 'products\[1\]\.files\[0\]\.path: no such file' "missing file named"
after=$(sqlite3 "$DB" "SELECT max(seq) FROM events; SELECT group_concat(title) FROM products;")
expect_eq "$after" "$before" "nothing changed"

# Other errors: one line, non-zero.
run_err console import "$T/nope.json"
expect_match "$OUT" 'no such file' "missing import file"
run_err console export /proc/nyota/x.json
run_err console backup /proc/nyota/x.db
set +e; console frobnicate > /dev/null 2>&1; rc=$?; set -e
expect_eq "$rc" 2 "unknown command is a usage error"

# The operator's language: Swahili for sw…, English otherwise; LC_ALL
# beats LC_MESSAGES beats LANG. Errors stay one line in both.
set +e; out=$(in_lang LANG=sw_KE.UTF-8 -- frobnicate 2>&1); rc=$?; set -e
expect_eq "$rc" 2 "usage error in Swahili: status"
expect_match "$out" '^matumizi: nyota-console ' "usage in Swahili"
expect_match "$out" 'nyota-console creator add JINA' "usage in Swahili"
set +e; out=$(in_lang LANG=C -- frobnicate 2>&1); rc=$?; set -e
expect_eq "$rc" 2 "usage error in English: status"
expect_match "$out" '^usage: nyota-console ' "usage in English"
expect_match "$out" 'nyota-console creator add HANDLE' "usage in English"
run_err in_lang LANG=sw_KE.UTF-8 -- creator add 9abc
expect_match "$OUT" '^nyota: jina "9abc" si sahihi' "error line in Swahili"
run_err in_lang LANG=sw_KE.UTF-8 -- creator check amani 000000
expect_match "$OUT" '^nyota: msimbo umekataliwa kwa amani$' "refusal in Swahili"
out=$(in_lang LANG=sw_KE.UTF-8 -- creator list)
expect_match "$out" '^amani +.* amewashwa ' "creator list in Swahili"
out=$(in_lang LANG=C -- creator list)
expect_match "$out" '^amani +.* active ' "creator list in English"
out=$(in_lang LANG=C LC_MESSAGES=sw_TZ.UTF-8 -- creator list)
expect_match "$out" 'amewashwa' "LC_MESSAGES beats LANG"
out=$(in_lang LANG=sw_KE.UTF-8 LC_ALL=C.UTF-8 -- creator list)
expect_match "$out" 'active' "LC_ALL beats LANG"
out=$(in_lang LANG=sw_KE.UTF-8 LC_ALL= -- creator list)
expect_match "$out" 'amewashwa' "empty LC_ALL is unset"
# A successful command in Swahili keeps its machine lines.
out=$(in_lang LANG=sw_KE.UTF-8 -- creator add zuri)
expect_match "$out" '^mbunifu zuri yuko tayari' "creator add in Swahili"
secret=$(printf '%s\n' "$out" | sed -n 's/^secret: //p')
expect_match "$secret" '^[A-Z2-7]{32}$' "secret line in Swahili"
expect_match "$out" "otpauth://totp/Nyota:zuri\\?secret=$secret&issuer=Nyota" "URI in Swahili"
expect_match "$out" 'Changanua msimbo huu' "QR caption in Swahili"
out=$(in_lang LANG=sw_KE.UTF-8 -- creator check zuri "$(oathtool --totp -b "$secret")")
expect_match "$out" '^msimbo umekubaliwa kwa zuri$' "check in Swahili"
out=$(NYOTA_DATA_DIR="$T/data3" in_lang LANG=sw_KE.UTF-8 -- setup-code 2>/dev/null)
expect_match "$out" '^setup code: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$' "setup code line in Swahili"
expect_match "$out" 'Msajili mbunifu wa kwanza kwa: ssh -p [0-9]+ setup@localhost$' "setup hint in Swahili, the real host"
# NYOTA_SSH_PUBLIC: what creators are told when the port is forwarded.
out=$(NYOTA_DATA_DIR="$T/data3" NYOTA_SSH_PUBLIC=shop.example:2200 in_lang LANG=C -- setup-code 2>/dev/null)
expect_match "$out" 'Enrol the first creator with: ssh -p 2200 setup@shop\.example$' "setup hint from NYOTA_SSH_PUBLIC"
out=$(NYOTA_DATA_DIR="$T/data3" NYOTA_SSH_PUBLIC='[2001:db8::1]:22' in_lang LANG=C -- setup-code 2>/dev/null)
expect_match "$out" 'with: ssh -p 22 setup@2001:db8::1$' "IPv6 host without brackets for ssh"
out=$(in_lang LANG=sw_KE.UTF-8 -- import "$SRC/scripts/demo/catalog.json")
expect_match "$out" '^imeingiza wabunifu 2, bidhaa 4, .*\(safu 0 zimebadilika\)' "import in Swahili"
in_lang LANG=sw_KE.UTF-8 -- export "$T/exp3/catalog.json" > /dev/null
in_lang LANG=C -- export "$T/exp4/catalog.json" > /dev/null
cmp "$T/exp3/catalog.json" "$T/exp4/catalog.json" || fail "export JSON differs by language"

# Backup while a writer commits as fast as it can.
python3 - "$DB" "$T/stop" <<'PY' &
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
i = 0
while not os.path.exists(sys.argv[2]):
    db.execute("BEGIN IMMEDIATE")
    for _ in range(200):
        i += 1
        db.execute("INSERT INTO audit_log(at, actor, action, detail) VALUES (?, 'it', 'write', ?)", (i, "x" * 200))
    db.execute("COMMIT")
PY
WRITER=$!
PIDS="$PIDS $WRITER"
writing() { [ "$(sqlite3 -cmd '.timeout 5000' "$DB" "SELECT count(*) FROM audit_log WHERE actor = 'it'")" -gt 0 ]; }
wait_until 30 "the writer commits" writing
for n in 1 2 3; do
	console backup "$T/backup$n.db" > /dev/null
	expect_eq "$(sqlite3 "$T/backup$n.db" 'PRAGMA integrity_check')" ok "backup $n integrity"
	sleep 0.2
done
touch "$T/stop"
wait "$WRITER"
rows=$(sqlite3 "$T/backup3.db" "SELECT count(*) FROM audit_log WHERE actor = 'it'")
[ "$rows" -gt 0 ] || fail "backup taken during writes holds rows"
expect_eq "$(sqlite3 "$T/backup3.db" 'SELECT count(*) FROM products')" 4 "backup has the catalog"
echo ok
