# Settings at 80x24, in English then Kiswahili: the real ssh commands
# (host from NYOTA_BASE_URL, the SSH port) in Settings, the invite dialog
# and at the end of an invite's enrolment; sale alerts: the number
# verified with the code from the WhatsApp log, a storefront sale giving
# the creator's alert (masked buyer, their language); the audit viewer
# with the login and the settings changes; a client's NO_COLOR
# (ssh -o SetEnv=NO_COLOR=1) reaching the console.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

# No NYOTA_SSH_PUBLIC: the host comes from the public base URL.
export NYOTA_BASE_URL=https://shop.example.com
start_console
SECRET=$(console creator add amina 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
now=$(date +%s)
sql "INSERT INTO products (creator_id, slug, kind, title, price_minor, currency, status, created_at, updated_at, published_at) VALUES ((SELECT id FROM creators WHERE handle='amina'), 'pwani-beats', 'download', 'Pwani Beats', 150000, 'KES', 'published', $now, $now, $now);"
NYOTA_SIM_AUTO=approve NYOTA_SIM_DELAY_MS=300 start_storefront
WA="$NYOTA_DATA_DIR/whatsapp.jsonl"

# buy PHONE: a simulated purchase of pwani-beats on the storefront.
buy() {
	local jar="$T/jar.$1" page csrf
	page=$(curl -fsS -c "$jar" "$URL/p/pwani-beats")
	csrf=$(printf '%s' "$page" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
	[ -n "$csrf" ] || fail "no csrf on the product page"
	curl -fsS -b "$jar" -c "$jar" -o /dev/null -d "phone=$1&quantity=1&csrf=$csrf" "$URL/p/pwani-beats/checkout"
}
# wa_lines KIND: the WhatsApp log's lines of that kind to the creator.
wa_lines() { grep "\"to\":\"254722000111\",\"kind\":\"$1\"" "$WA" 2>/dev/null || true; }
# wa_count KIND N: at least N such lines.
wa_count() { [ "$(wa_lines "$1" | grep -c . || true)" -ge "$2" ]; }
# colours NAME: SGR colour codes on the screen (foreground/background).
colours() { tm capture-pane -p -e -t "$1" | grep -Ec $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7])(;[0-9;]*)?m' || true; }

fresh_code "$SECRET"
login a amina "$CODE" 80 24
wait_for a 'Dashboard'
tm send-keys -t a 7
wait_for a 'Sale alerts on WhatsApp: off'
# The real command, never HOST/PORT placeholders.
wait_for a "they run:"
wait_for a "^    ssh -p $SSH_PORT invite@shop\\.example\\.com"
expect_eq "$(count_of a 'HOST|PORT')" 0 "no placeholder"
# The keys that fit at 80 columns, whole, alerts and the log first.
wait_line a 24 'l language  w sale alerts  v audit log'

# The invite dialog: the code and the whole command to run.
tm send-keys -t a i
wait_for a 'Invite code \(valid 7 days'
wait_for a "The new creator runs: ssh -p $SSH_PORT invite@shop\\.example\\.com"
INV=$(screen_of a | sed -n 's/.*shown once): \([A-Za-z0-9-]*\).*/\1/p' | head -1)
[ -n "$INV" ] || fail "no invite code on the screen"
tm send-keys -t a Enter
wait_count a 'Invite code \(valid' 0

# Sale alerts: a bad number says why; the code comes on WhatsApp.
tm send-keys -t a w
wait_for a 'Your WhatsApp number for sale alerts'
tm send-keys -t a '07x2' Enter
wait_for a 'only digits, spaces, dashes'
tm send-keys -t a C-u '0722 000 111' Enter
wait_for a 'Code sent to \+254 722 000 111 on WhatsApp'
wait_until 30 "code on WhatsApp" wa_count alert_code 1
code=$(wa_lines alert_code | tail -1 | sed -n 's/.*"body":"[^"]* is \([0-9]\{6\}\)\..*/\1/p')
[ -n "$code" ] || fail "no code in $(wa_lines alert_code)"
expect_eq "$(sql "SELECT count(*) FROM sale_alerts WHERE code_hash LIKE '%$code%'")" 0 "only a hash stored"
wrong=$(printf '%06d' $(( (10#$code + 1) % 1000000 )))
tm send-keys -t a "$wrong" Enter
wait_for a 'Wrong code\. Tries left: 4\.'
tm send-keys -t a "$code" Enter
wait_for a 'Number verified'
wait_for a '\(\*\) A message on each sale'
[ "$(colours a)" -gt 0 ] || fail "colours expected without NO_COLOR"
tm send-keys -t a Enter
wait_for a 'Sale alerts saved'
wait_for a 'Sale alerts on WhatsApp: each sale, to \+254 722 000 111'

# A sale on the storefront: the creator's alert, buyer masked.
buy 0712345678
wait_until 30 "sale alert on WhatsApp" wa_count sale_alert 1
alert=$(wa_lines sale_alert)
expect_eq "$(printf '%s\n' "$alert" | wc -l)" 1 "one alert per sale"
expect_match "$alert" '"lang":"en"' "alert in English"
expect_match "$alert" 'new sale! Pwani Beats, KES 1,500\.00, buyer (…|\\u2026)678' "product, amount, masked buyer"
printf '%s' "$alert" | grep -q '254712345678\|/l/' && fail "buyer's number or a library link in the alert"

# Kiswahili: the console, then the next alert.
tm send-keys -t a l
wait_for a 'Arifa za mauzo kwa WhatsApp: kila mauzo, kwa \+254 722 000 111'
wait_for a "aendeshe:"
wait_for a "^    ssh -p $SSH_PORT invite@shop\\.example\\.com"
wait_line a 24 'l lugha  w arifa za mauzo  v kumbukumbu'
buy 0712345679
wait_until 30 "second alert" wa_count sale_alert 2
expect_match "$(wa_lines sale_alert | tail -1)" '"lang":"sw".*mauzo mapya! Pwani Beats, KSh 1,500\.00, mnunuzi (…|\\u2026)679' "alert in Kiswahili"

# Daily summary chosen in Kiswahili: ↓ to the summary, → moves the hour.
tm send-keys -t a w
wait_for a '\(\*\) Ujumbe kwa kila mauzo'
tm send-keys -t a Down Right
wait_for a '\(\*\) Muhtasari mmoja kila siku saa 21:00 EAT'
tm send-keys -t a Enter
wait_for a 'Arifa za mauzo zimehifadhiwa'
wait_for a 'muhtasari kila siku saa 21:00 EAT'
expect_eq "$(sql "SELECT mode || ' ' || hour FROM sale_alerts")" "daily 21" "daily at 21"

# The audit viewer: newest first, in words, with the address.
tm send-keys -t a v
wait_for a 'Kumbukumbu: yaliyofanyika'
wait_for a 'Lini +Nini +Maelezo +Kutoka'
wait_for a 'Alibadilisha arifa za mauzo +daily 21:00'
wait_for a 'Alibadilisha lugha ya koni +sw'
wait_for a 'Alithibitisha nambari'
wait_for a 'Alitengeneza mwaliko'
wait_for a 'Aliingia +amina +127\.0\.0\.1'
# Newest first: the change of mode above the login.
rows=$(screen_rows a)
l_mode=$(printf '%s\n' "$rows" | grep -n 'Alibadilisha arifa' | head -1 | cut -d: -f1)
l_login=$(printf '%s\n' "$rows" | grep -n 'Aliingia' | head -1 | cut -d: -f1)
[ "$l_mode" -lt "$l_login" ] || fail "audit lines not newest first"
# Never a whole number or a code in the lines.
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%722000111%' OR detail LIKE '%$code%'")" 0 "no number or code in the audit log"
expect_eq "$(sql "SELECT count(*) FROM audit_log WHERE action='login.ok' AND creator_id=(SELECT id FROM creators WHERE handle='amina')")" 1 "login recorded for the creator"
tm send-keys -t a Escape
wait_for a 'Arifa za mauzo kwa WhatsApp'
tm send-keys -t a q
wait_for a 'ssh-exit=0'

# NO_COLOR from the client reaches the console: no colour at all.
fresh_code "$SECRET"
tm new-session -d -s nc -x 80 -y 24 \
	"ssh -p $SSH_PORT $SSH_OPTS -o SetEnv=NO_COLOR=1 -o SetEnv=COLORTERM=truecolor amina@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for nc 'Verification code:'
tm send-keys -t nc "$CODE" Enter
wait_for nc 'Dashibodi'
tm send-keys -t nc 7 w
wait_for nc '\(\*\) Muhtasari mmoja'
expect_eq "$(colours nc)" 0 "no colours with NO_COLOR"
# Another number must be verified again: no alerts until it is.
tm send-keys -t nc p
wait_for nc 'Nambari yako ya WhatsApp'
tm send-keys -t nc C-u '0733 444 555' Enter
wait_for nc 'Msimbo umetumwa kwa \+254 733 444 555'
tm send-keys -t nc Escape
wait_for nc 'Arifa za mauzo kwa WhatsApp: zimezimwa, \+254 733 444 555 haijathibitishwa'
expect_eq "$(sql "SELECT phone || ' ' || (verified_at IS NULL) FROM sale_alerts")" "254733444555 1" "new number not verified"
tm send-keys -t nc q
wait_for nc 'ssh-exit=0'

# The invite's enrolment ends with the real login command.
ssh_in inv invite 80 24
wait_for inv 'Invite code / Msimbo wa mwaliko:'
tm send-keys -t inv "$INV" Enter
wait_for inv 'Language / Lugha \[en/sw\]:'
tm send-keys -t inv Enter
wait_for inv 'Choose a handle'
tm send-keys -t inv kofi Enter
wait_for inv 'secret: [A-Z2-7]{32}'
S2=$(screen_of inv | sed -n 's/.*secret: \([A-Z2-7]*\).*/\1/p' | head -1)
tm send-keys -t inv Enter
wait_for inv '6-digit code'
tm send-keys -t inv "$(totp "$S2")" Enter
wait_for inv 'Enrolled'
wait_for inv "ssh -p $SSH_PORT kofi@shop\\.example\\.com"
expect_eq "$(count_of inv '@HOST|PORT')" 0 "no placeholder after enrolment"
echo ok
