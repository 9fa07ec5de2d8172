# Settings: an SSH key registered from the console makes key AND code
# necessary (a right code alone is refused: no identity carried over from
# another method); the language switch changes the whole console; an
# invite made in Settings enrols another creator.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
trap console_cleanup EXIT

start_console
SECRET=$(console creator add kofi 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || fail "creator add"
ssh-keygen -q -t ed25519 -N '' -C 'kofi laptop' -f "$T/id"
LAST_STEP=$(( $(date +%s) / 30 - 2 ))
fresh_code "$SECRET"
login k kofi "$CODE" 100 30
wait_for k 'Dashboard'
tm send-keys -t k 7
wait_for k 'SSH keys'
tm send-keys -t k a
wait_for k 'Paste the public key'
tm send-keys -t k -l "$(cat "$T/id.pub")"
tm send-keys -t k Enter
wait_for k 'Key added'
wait_for k 'SHA256:.*kofi laptop'
fp=$(ssh-keygen -lf "$T/id.pub" | awk '{print $2}')
expect_eq "$(sql "SELECT fingerprint FROM creator_keys")" "$fp" "fingerprint stored"

# Kiswahili for the whole console.
tm send-keys -t k l
wait_for k 'Mipangilio'
tm send-keys -t k 1
wait_for k 'Dashibodi'
wait_for k 'Leo'
tm send-keys -t k 7
wait_for k 'Kiswahili'

# Invite another creator.
tm send-keys -t k i
wait_for k 'Msimbo wa mwaliko'
INV=$(screen_of k | grep -o '): [A-Za-z0-9_-]*' | head -1 | cut -c4-)
[ -n "$INV" ] || fail "invite code on screen"
tm send-keys -t k Enter q
wait_for k 'ssh-exit=0'

# The code alone no longer opens kofi's console.
fresh_code "$SECRET"
login n kofi "$CODE"
wait_count n 'Verification code:' 2
screen_of n | grep -q 'Dashibodi' && fail "logged in without the key"
tm kill-session -t n

# Key, then code.
fresh_code "$SECRET"
tm new-session -d -s kk -x 80 -y 24 "ssh -p $SSH_PORT -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -i $T/id -o PreferredAuthentications=publickey,keyboard-interactive kofi@127.0.0.1; echo ssh-exit=\$?; sleep 30"
wait_for kk 'Verification code:'
tm send-keys -t kk "$CODE" Enter
wait_for kk 'Dashibodi'
tm send-keys -t kk q
wait_for kk 'ssh-exit=0'

# The invite enrols baraka, in Kiswahili from the first question on (an
# unknown answer asks again); his console then opens in Kiswahili.
ssh_in inv invite 100 60
wait_for inv 'Invite code / Msimbo wa mwaliko:'
tm send-keys -t inv "$INV" Enter
wait_for inv 'Language / Lugha \[en/sw\]:'
tm send-keys -t inv french Enter
wait_for inv 'Lugha \[en/sw\]: french'
wait_count inv 'Lugha \[en/sw\]:' 2
tm send-keys -t inv Kiswahili Enter
wait_for inv 'Chagua jina'
tm send-keys -t inv baraka Enter
wait_for inv 'siri hii: [A-Z2-7]{32}'
S2=$(screen_of inv | sed -n 's/.*siri hii: \([A-Z2-7]*\).*/\1/p' | head -1)
tm send-keys -t inv Enter
wait_for inv 'tarakimu 6'
tm send-keys -t inv "$(totp "$S2")" Enter
wait_for inv 'Umesajiliwa'
expect_eq "$(sql "SELECT locale FROM creators WHERE handle='baraka'")" sw "enrolled in Kiswahili"
expect_eq "$(sql "SELECT count(*) FROM invites WHERE used_by = (SELECT id FROM creators WHERE handle='baraka')")" 1 "invite used"
echo ok
