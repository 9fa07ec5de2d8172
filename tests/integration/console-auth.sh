# The console end to end with the real OpenSSH client under tmux:
# enrolment through the setup code, right/wrong/replayed codes, the
# dashboard, check-in valid then duplicate, resize to 80x24, exec stats.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
expect_match "$(cat "$T/console.log")" 'Setup code: [A-Z0-9]{4}-' "setup code printed"
expect_eq "$(stat -c %a "$NYOTA_KEYS_DIR/ssh_host_ed25519_key")" 600 "host key mode"

# A wrong setup code is refused (the prompt comes back).
ssh_in bad setup
wait_for bad 'Setup code / Msimbo wa usanidi:'
tm send-keys -t bad "AAAA-BBBB-CCCC" Enter
wait_count bad 'Setup code / Msimbo wa usanidi:' 2
tm kill-session -t bad

enrol amani
expect_eq "$(sql "SELECT count(*) FROM creators WHERE handle='amani' AND totp_secret IS NOT NULL")" 1 "enrolled"
expect_eq "$(sql "SELECT count(*) FROM settings WHERE key LIKE '%setup%'")" 0 "setup code consumed"

# Wrong code, then the next step's code: the dashboard.
ssh_in s1 amani 120 40
wait_for s1 'Verification code:'
tm send-keys -t s1 000000 Enter
wait_count s1 'Verification code:' 2
fresh_code "$SECRET"
tm send-keys -t s1 "$CODE" Enter
wait_for s1 'Dashboard'
wait_for s1 'Today'

# The same code again is a replay.
login s2 amani "$CODE"
wait_count s2 'Verification code:' 2
screen_of s2 | grep -q Dashboard && fail "replay logged in"
tm kill-session -t s2
# (≥: a client killed at its prompt may still send an empty answer.)
n=$(sql "SELECT count(*) FROM login_attempts WHERE handle='amani' AND ok=0")
[ "$n" -ge 2 ] || fail "failures recorded: $n"
expect_match "$(sql "SELECT group_concat(action) FROM audit_log WHERE actor='ssh'")" 'login.fail' "audit"

# A ticket to check in (written as the checkout would have).
now=$(date +%s)
sql "INSERT INTO products (id, creator_id, slug, kind, title, price_minor, currency, status, starts_at, capacity, created_at, updated_at) VALUES (1, 1, 'gig', 'ticket', 'Nairobi Gig', 100000, 'KES', 'published', $now + 86400, 100, $now, $now);
INSERT INTO customers (id, phone, created_at) VALUES (1, '254712345678', $now);
INSERT INTO orders (id, ref, customer_id, product_id, amount_minor, currency, status, created_at, updated_at, expires_at, paid_at) VALUES (1, 'ref-one', 1, 1, 100000, 'KES', 'paid', $now, $now, $now + 120, $now);
$ORDER_LINES_SQL
INSERT INTO tickets (order_id, product_id, customer_id, code, created_at) VALUES (1, 1, 1, 'ABCDEFGHJKMNPQRSTVWXYZ23', $now);"
tm send-keys -t s1 5
wait_for s1 'Ticket code'
tm send-keys -t s1 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ23' Enter
wait_for s1 'V A L I D'
tm send-keys -t s1 'ABCDEFGHJKMNPQRSTVWXYZ23' Enter
wait_for s1 'A L R E A D Y'
tm send-keys -t s1 'NOPE' Enter
wait_for s1 'U N K N O W N'

# The dashboard counts the paid order; resize to 80x24 keeps it usable.
tm send-keys -t s1 Escape 1
wait_for s1 'Sales: 1'
tm resize-window -t s1 -x 80 -y 24
wait_line s1 24 'q quit'
wait_line s1 1 'Dashboard'
wait_line s1 3 'Today'
expect_eq "$(screen_rows s1 | wc -l)" 24 "24 rows"
tm send-keys -t s1 q
wait_for s1 'ssh-exit=0'

# Exec: stats prints JSON, anything else a message and status 1.
ssh_in e1 amani 80 24 stats
wait_for e1 'Verification code:'
fresh_code "$SECRET"
tm send-keys -t e1 "$CODE" Enter
wait_for e1 'ssh-exit=' 40
# -J joins the lines the terminal wrapped (the JSON is one long line).
expect_match "$(tm capture-pane -p -J -t e1)" '"30d":\{"sales":1' "stats json"
expect_match "$(screen_of e1)" 'ssh-exit=0' "stats exit 0"
ssh_in e2 amani 80 24 rm
wait_for e2 'Verification code:'
fresh_code "$SECRET"
tm send-keys -t e2 "$CODE" Enter
wait_for e2 'ssh-exit=' 40
expect_match "$(screen_of e2)" 'unknown command' "exec message"
expect_match "$(screen_of e2)" 'ssh-exit=1' "exec exit 1"
echo ok
