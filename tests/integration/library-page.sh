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
