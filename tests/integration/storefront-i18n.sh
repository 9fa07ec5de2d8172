# Language negotiation: ?lang= (remembered in a cookie), the cookie, then
# Accept-Language, else English; <html lang>; Swahili strings on pages.
. "$(dirname "$0")/lib.sh"
start_storefront
sqlite3 "$NYOTA_DATA_DIR/nyota.db" < "$NYOTA_SRC/tests/integration/storefront-seed.sql"
wait_page / 'Nairobi Nights'

page=$(curl -s "$URL/")
expect_match "$page" '<html lang="en">' "default English"
expect_match "$page" 'Kiswahili</a>' "switch to Swahili"
page=$(curl -s -H 'Accept-Language: sw-KE,sw;q=0.9,en;q=0.5' "$URL/")
expect_match "$page" '<html lang="sw">' "Accept-Language sw"
expect_match "$page" 'Tafuta' "Swahili search button"
expect_match "$page" 'English</a>' "switch to English"
page=$(curl -s -H 'Accept-Language: fr, de;q=0.8' "$URL/")
expect_match "$page" '<html lang="en">' "unsupported header"

h=$(curl -s -D - -o "$T/p.html" "$URL/p/tamasha-live?lang=sw")
expect_match "$h" 'Set-Cookie: lang=sw; Path=/; SameSite=Lax; Max-Age=31536000' "lang cookie"
page=$(cat "$T/p.html")
expect_match "$page" '<html lang="sw">' "?lang=sw"
expect_match "$page" 'Ijumaa, 15 Januari 2027, 11:00 EAT' "Swahili date"
expect_match "$page" 'Zimebaki 100 kati ya 100' "Swahili seats"
expect_match "$page" 'KSh 1,500.00' "Swahili price"
expect_match "$page" 'Lipa kwa M-Pesa' "Swahili pay button"

page=$(curl -s -b 'lang=sw' -H 'Accept-Language: en' "$URL/p/nairobi-nights")
expect_match "$page" '<html lang="sw">' "cookie beats the header"
page=$(curl -s -b 'lang=sw' "$URL/p/nairobi-nights?lang=en")
expect_match "$page" '<html lang="en">' "query beats the cookie"
page=$(curl -s -b 'lang=xx' -H 'Accept-Language: sw' "$URL/")
expect_match "$page" '<html lang="sw">' "bad cookie ignored"
page=$(curl -s "$URL/?lang=fr")
expect_match "$page" '<html lang="en">' "bad ?lang ignored"
h=$(curl -s -D - -o /dev/null -b 'lang=sw' "$URL/?lang=sw")
printf '%s' "$h" | grep -q 'Set-Cookie: lang' && fail "cookie set again"

page=$(curl -s -H 'Accept-Language: sw' "$URL/p/secret-draft")
expect_match "$page" 'Ukurasa haupatikani' "404 in Swahili"
expect_match "$page" '<html lang="sw">' "404 lang"
page=$(curl -s -H 'Accept-Language: sw' -X POST "$URL/")
expect_match "$page" 'Njia hii hairuhusiwi' "405 in Swahili"
# No English label on Swahili pages: no en.json string (storefront,
# checkout and shared keys) that Swahili says differently.
for p in / '/?q=nai' '/?q=zzzz' '/?kind=ticket' /@amani /p/nairobi-nights \
    /p/tamasha-live /p/msafiri-club /p/masterclass-sauti /p/nope; do
	curl -s -H 'Accept-Language: sw' "$URL$p" > "$T/sw.html"
	python3 - "$NYOTA_SRC/locales" "$T/sw.html" <<'PY' || fail "English on the Swahili page $p"
import html, json, re, sys
en = json.load(open(sys.argv[1] + "/en.json"))
sw = json.load(open(sys.argv[1] + "/sw.json"))
page = html.unescape(open(sys.argv[2]).read())
bad = []
for k, v in en.items():
    if k.split(".")[0] not in ("sf", "co", "phone", "money") or v == sw.get(k):
        continue
    if k.startswith("sf.lang."):    # the switch names a language in itself
        continue
    for part in re.split(r"\{[a-z_]+\}", v):
        part = part.strip(" .,:;!?…—-")
        if len(part) >= 6 and part in page:
            bad.append("%s: %r" % (k, part))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
done
# the cache keeps languages apart
en=$(curl -s -H 'Accept-Language: en' "$URL/@amani")
sw=$(curl -s -H 'Accept-Language: sw' "$URL/@amani")
expect_match "$en" '<html lang="en">' "cached en"
expect_match "$sw" '<html lang="sw">' "cached sw"
echo ok
