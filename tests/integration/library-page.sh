# The buyer library page per kind: downloads, subscriptions (active and
# expired with a renew button), tickets (code, inline SVG QR, .ics),
# webinars (join link, .ics); unknown and revoked keys → 404 with the
# recovery form; another buyer's key sees only their own things.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/library-lib.bash"
start_storefront
lib_seed

read -r code _ < <(recover "0712 345 678")
expect_eq "$code" 200 "recovery accepted"
tokA=$(token_of "$(link_for 254712345678)")
read -r code _ < <(recover "+254 722 000 111")
tokB=$(token_of "$(link_for 254722000111)")
expect_match "$tokA" '^[A-Za-z0-9_-]{43}$' "token shape"

page=$(curl -fsS "$URL/l/$tokA?lang=en")
for want in 'Nairobi Nights' 'intro.txt' 'Downloaded 0 of 3 times' \
    '<h2>Downloads</h2>' '<h2>Subscriptions</h2>' '<h2>Tickets</h2>' \
    '<h2>Webinars</h2>' 'Active until' 'issue-1.bin' \
    'Ended on' 'href="/p/old-club">Renew' '7K3M-Q9XH-ABCD-EFGH-JKMN-PQRS' \
    'Alliance Française, Nairobi' 'https://meet.example/xyz' \
    "/l/$tokA/calendar/3.ics" "/l/$tokA/calendar/4.ics" 'Yours forever'; do
	expect_match "$page" "$want" "library page shows $want"
done
# The expired subscription's file is not offered.
if printf '%s' "$page" | grep -q 'old.bin'; then fail "expired file listed"; fi
# Order of sections: downloads, subscriptions, tickets, webinars.
order=$(printf '%s' "$page" | grep -o '<h2>[A-Za-z]*</h2>' | tr -d '\n')
expect_eq "$order" '<h2>Downloads</h2><h2>Subscriptions</h2><h2>Tickets</h2><h2>Webinars</h2>' "section order"
# Swahili labels, private headers.
sw=$(curl -fsS "$URL/l/$tokA?lang=sw")
expect_match "$sw" 'Maktaba yako' "Swahili title"
expect_match "$sw" 'Vipakuliwa' "Swahili section"
# No English label on the Swahili page: no en.json string (of the
# storefront, library and shared keys) that Swahili says differently.
printf '%s' "$sw" > "$T/sw.html"
python3 - "$NYOTA_SRC/locales" "$T/sw.html" <<'PY' || fail "English on the Swahili library page"
import html, json, re, sys
en = json.load(open(sys.argv[1] + "/en.json"))
sw = json.load(open(sys.argv[1] + "/sw.json"))
page = html.unescape(open(sys.argv[2]).read())
bad = []
for k, v in en.items():
    if k.split(".")[0] not in ("sf", "lib", "phone", "money") or v == sw.get(k):
        continue
    if k.startswith("sf.lang."):    # the switch names a language in itself
        continue
    for part in re.split(r"\{[a-z_]+\}", v):   # the text around placeholders
        part = part.strip(" .,:;!?…—-")
        if len(part) >= 6 and part in page:
            bad.append("%s: %r" % (k, part))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
hdrs=$(curl -sS -D - -o /dev/null "$URL/l/$tokA")
expect_match "$hdrs" 'Cache-Control: no-store' "library not cached"
expect_match "$hdrs" 'X-Robots-Tag: noindex' "library not indexed"

# Ticket page: code, inline SVG QR, date and venue; typed forms work.
t=$(curl -fsS "$URL/l/$tokA/tickets/7k3m-q9xh-abcd-efgh-jkmn-pqrs?lang=en")
expect_match "$t" '<svg[^>]*viewBox' "inline SVG QR"
expect_match "$t" '7K3M-Q9XH-ABCD-EFGH-JKMN-PQRS' "ticket code"
expect_match "$t" 'Alliance Française' "ticket venue"
expect_eq "$(status "$URL/l/$tokA/tickets/ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ")" 404 "unknown ticket"
expect_eq "$(status "$URL/l/$tokB/tickets/7K3MQ9XHABCDEFGHJKMNPQRS")" 404 "another buyer's ticket"

# Calendar files.
ics=$(curl -fsS "$URL/l/$tokA/calendar/3.ics")
expect_match "$ics" 'BEGIN:VCALENDAR' "ics"
expect_match "$ics" 'SUMMARY:Gig' "ics summary"
expect_match "$ics" 'LOCATION:Alliance Française\\, Nairobi' "ics location escaped"
expect_match "$ics" 'DTSTART:[0-9]{8}T[0-9]{6}Z' "ics start"
# RFC 5545 shape: CRLF everywhere, lines folded at 75 octets, the
# required properties once, times in UTC, a stable UID, a calendar type.
DB "UPDATE products SET title = 'Gig: a very long night of music, poetry; and more — ' || hex(zeroblob(30)) WHERE id = 3"
for n in 3 4; do
	curl -fsS -D "$T/ics.h" -o "$T/$n.ics" "$URL/l/$tokA/calendar/$n.ics"
	expect_match "$(cat "$T/ics.h")" 'Content-Type: text/calendar' "ics type"
	python3 - "$T/$n.ics" <<'PY' || fail "calendar $n.ics is not valid iCalendar"
import re, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n"), "no final CRLF"
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR"
phys = raw[:-2].split(b"\r\n")
for l in phys:
    assert len(l) <= 75, "line over 75 octets: %r" % l
lines = []
for l in phys:                      # unfold
    if l[:1] in (b" ", b"\t"):
        lines[-1] += l[1:]
    else:
        lines.append(l)
text = [l.decode("utf-8") for l in lines]
assert text[0] == "BEGIN:VCALENDAR" and text[-1] == "END:VCALENDAR", "envelope"
assert text.count("BEGIN:VEVENT") == 1 and text.count("END:VEVENT") == 1, "one event"
props = {}
for t in text:
    k = re.split("[:;]", t, 1)[0]
    props.setdefault(k, []).append(t)
for k in ("VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART", "SUMMARY"):
    assert len(props.get(k, [])) == 1, "%s: %r" % (k, props.get(k))
assert props["VERSION"][0] == "VERSION:2.0"
for k in ("DTSTAMP", "DTSTART", "DTEND"):
    if k in props:
        assert re.fullmatch(k + r":\d{8}T\d{6}Z", props[k][0]), props[k][0]
assert re.fullmatch(r"UID:[^\s@]+@[^\s]+", props["UID"][0]), props["UID"][0]
summary = props["SUMMARY"][0]
# TEXT values escape , ; and backslash
body = summary.split(":", 1)[1]
assert not re.search(r"(?<!\\)[,;]", body), "unescaped TEXT: " + body
PY
done
uid1=$(tr -d '\r' < "$T/3.ics" | grep '^UID:')
uid2=$(curl -fsS "$URL/l/$tokA/calendar/3.ics" | tr -d '\r' | grep '^UID:')
expect_eq "$uid1" "$uid2" "stable UID"
expect_match "$(tr -d '\r\n ' < "$T/3.ics")" 'SUMMARY:Gig:averylongnightofmusic\\,poetry\\;andmore' "SUMMARY escaped and folded"
ics=$(curl -fsS "$URL/l/$tokA/calendar/4.ics")
expect_match "$ics" 'meet.example' "webinar ics has the join link"
expect_eq "$(status "$URL/l/$tokB/calendar/3.ics")" 404 "another buyer's calendar"
expect_eq "$(status "$URL/l/$tokA/calendar/5.ics")" 404 "expired item calendar"

# Buyer B sees only the download, not A's things.
pb=$(curl -fsS "$URL/l/$tokB?lang=en")
expect_match "$pb" 'Nairobi Nights' "B's download"
if printf '%s' "$pb" | grep -q 'meet.example\|7K3M\|Club'; then fail "B sees A's items"; fi

# Unknown, malformed and revoked keys: 404 with the recovery form.
nf=$(curl -sS -w '\n%{http_code}' "$URL/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?lang=en")
expect_eq "$(printf '%s' "$nf" | tail -1)" 404 "unknown token"
expect_match "$nf" 'action="/library/recover"' "recovery form on 404"
expect_eq "$(status "$URL/l/short")" 404 "malformed token"
DB "UPDATE library_keys SET revoked_at = 1 WHERE customer_id = 2"
expect_eq "$(status "$URL/l/$tokB")" 404 "revoked key"
expect_eq "$(status "$URL/l/$tokB/files/1")" 404 "revoked key file"
# The join link never appears outside the library.
if curl -fsS "$URL/p/class" | grep -q 'meet.example'; then fail "join link on the product page"; fi
echo ok
