# The quota holds across sessions: while one session uploads, another
# session's upload in progress (its temporary, planted by the raw client
# as that session would leave it) is counted within SFTP_REMEASURE, so
# the first upload is refused before the two together pass the quota.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

NYOTA_UPLOAD_MAX_MB=100 NYOTA_UPLOAD_QUOTA_MB=100 start_console
sftp_creator kofi
mkdir -p "$(up kofi)"
in_tmux raw "python3 $NYOTA_SRC/tests/integration/sftp-raw.py parallel $(up kofi) -- ssh -p $SSH_PORT $SFTP_OPTS $KBD -s kofi@127.0.0.1 sftp"
type_code raw kofi
wait_exit raw 120
out=$(cat "$T/raw.out")
expect_match "$out" 'raw-done' "raw client ($out)"
mb=$(printf '%s\n' "$out" | sed -n 's/^refused at MB //p')
# 60 MB are the other session's: this one may not pass 40 MB by more
# than one measuring interval (64 MB).
[ -n "$mb" ] && [ "$mb" -le $((40 + 64)) ] || fail "refused at $mb MB"
[ -e "$(up kofi)/big" ] && fail "the refused upload exists"
echo "ok sftp-quota-parallel"
