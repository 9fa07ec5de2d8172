# Every label the console shows comes from locales/ (STYLE rule 16): each
# "tui.…" key written in tui/*.c exists in en.json and sw.json, and the
# Swahili is not an English copy (names and key hints excepted).
. "$(dirname "$0")/lib.sh"
cd "$NYOTA_SRC" || fail "no source tree"
grep -ho '"tui\.[a-z0-9_.]*[a-z0-9_]"' tui/*.c | tr -d '"' | sort -u > "$T/keys"
[ "$(wc -l < "$T/keys")" -gt 100 ] || fail "too few keys found: $(wc -l < "$T/keys")"
# Keys built at run time from a prefix (tui.kind.%s, tui.mstatus.%s …).
for k in tui.kind.download tui.kind.ticket.about tui.mstatus.failed \
	tui.mkind.receipt tui.auto.t.purchase tui.autos.when.before_end \
	tui.e.3 tui.status.paid; do echo "$k"; done >> "$T/keys"
out=$(python3 - "$T/keys" <<'PY'
import json, sys
en = json.load(open("locales/en.json"))
sw = json.load(open("locales/sw.json"))
same_ok = {"tui.help.none", "tui.lang.sw", "tui.auto.sw"}
bad = []
for k in open(sys.argv[1]).read().split():
    if k not in en or k not in sw:
        bad.append("missing " + k)
    elif en[k] == sw[k] and en[k] and k not in same_ok:
        bad.append("not translated " + k)
print("\n".join(bad))
PY
)
expect_eq "$out" "" "console labels in both languages"
echo ok
