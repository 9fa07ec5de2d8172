# SFTP only after a complete creator login: a setup or invite login gets
# no sftp subsystem; a wrong code gets nothing; a creator with a
# registered SSH key needs key AND code (the code alone is refused, as
# for the console); legacy `scp -O` gets one line saying what to type,
# with the public host and port, and exit status 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

NYOTA_SSH_PUBLIC=uploads.example:2222 start_console
echo ls > "$T/b1"

# setup: the right setup code logs in, but no SFTP.
code=$(sed -n 's/.*Setup code: \([A-Z0-9-]*\).*/\1/p' "$T/console.log" | head -1)
[ -n "$code" ] || fail "no setup code in the log"
in_tmux su "sftp -P $SSH_PORT $SFTP_OPTS $KBD -b $T/b1 setup@127.0.0.1"
wait_for su 'Setup code' 60
tm send-keys -t su "$code" Enter
wait_exit su
[ "$RC" != 0 ] || fail "setup login got sftp: $(cat "$T/su.out")"
expect_match "$(cat "$T/su.out")" 'subsystem request failed' "setup: subsystem refused"
grep -q 'msg="ssh login" handle="setup"' "$T/console.log" || fail "setup login did not happen"
grep -q 'sftp session' "$T/console.log" && fail "sftp session for setup"

sftp_creator kofi
sftp_creator amani

# invite: same.
inv=$(console invite 2>/dev/null | sed -n 's/^invite code: //p')
[ -n "$inv" ] || fail "no invite code"
in_tmux iv "sftp -P $SSH_PORT $SFTP_OPTS $KBD -b $T/b1 invite@127.0.0.1"
wait_for iv 'Invite code' 60
tm send-keys -t iv "$inv" Enter
wait_exit iv
[ "$RC" != 0 ] || fail "invite login got sftp: $(cat "$T/iv.out")"
expect_match "$(cat "$T/iv.out")" 'subsystem request failed' "invite: subsystem refused"
grep -q 'msg="ssh login" handle="invite"' "$T/console.log" || fail "invite login did not happen"
grep -q 'sftp session' "$T/console.log" && fail "sftp session for invite"
[ -e "$(up setup)" ] || [ -e "$(up invite)" ] && fail "an uploads folder for setup/invite"

# A wrong code: no session.
in_tmux wr "sftp -P $SSH_PORT $SFTP_OPTS $KBD -o NumberOfPasswordPrompts=1 -b $T/b1 amani@127.0.0.1"
wait_for wr 'Verification code:' 60
tm send-keys -t wr 000000 Enter
wait_exit wr 30
[ "$RC" != 0 ] || fail "wrong code got sftp"
grep -q 'sftp session.*amani' "$T/console.log" && fail "sftp session after a wrong code"

# kofi registers a key: the code alone is refused, key + code works.
ssh-keygen -q -t ed25519 -N '' -C 'kofi laptop' -f "$T/id"
fp=$(ssh-keygen -lf "$T/id.pub" | awk '{print $2}')
sql "INSERT INTO creator_keys(creator_id, fingerprint, comment, created_at) SELECT id, '$fp', 'kofi laptop', strftime('%s','now') FROM creators WHERE handle='kofi'"
in_tmux nk "sftp -P $SSH_PORT $SFTP_OPTS $KBD -o NumberOfPasswordPrompts=1 -b $T/b1 kofi@127.0.0.1"
type_code nk kofi
wait_exit nk 30
[ "$RC" != 0 ] || fail "code without the key got sftp"
grep -q 'sftp session.*kofi' "$T/console.log" && fail "sftp session without the key"
in_tmux kk "sftp -P $SSH_PORT $SFTP_OPTS -o IdentitiesOnly=yes -i $T/id -o PreferredAuthentications=publickey,keyboard-interactive -b $T/b1 kofi@127.0.0.1"
type_code kk kofi
wait_exit kk
expect_eq "$RC" 0 "key + code ($(cat "$T/kk.out"))"
grep -q 'ssh key accepted, code needed.*kofi' "$T/console.log" || fail "the key was not used"
grep -q 'sftp session.*kofi' "$T/console.log" || fail "no sftp session with key + code"

# Legacy scp: one line, exit status 1.
echo hello > "$T/f.txt"
in_tmux old "scp -O -P $SSH_PORT $SFTP_OPTS $KBD $T/f.txt amani@127.0.0.1:"
type_code old amani
wait_exit old
[ "$RC" != 0 ] || fail "scp -O exited 0"
expect_match "$(cat "$T/old.out")" 'nyota: use plain scp \(it speaks SFTP\): scp -P 2222 FILE amani@uploads\.example:' "scp -O message"
[ -e "$(up amani)/f.txt" ] && fail "scp -O wrote a file"
echo "ok sftp-auth"
