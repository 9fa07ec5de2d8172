# Upload limits (console started with NYOTA_UPLOAD_MAX_MB=1 and
# NYOTA_UPLOAD_QUOTA_MB=3): a file over 1 MB and an upload that would take
# the creator over 3 MB fail with SSH_FX_FAILURE and a clear message in
# the creator's language; the client shows an error; the partial file and
# its temporary are gone at once; the creator's other files are intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

NYOTA_UPLOAD_MAX_MB=1 NYOTA_UPLOAD_QUOTA_MB=3 start_console
sftp_creator kofi
sftp_creator amani sw
for h in kofi amani; do
	mkdir -p "$(up $h)"
	head -c 1572864 /dev/urandom > "$(up $h)/a.bin"
done
sum_a=$(sha256sum < "$(up kofi)/a.bin")
head -c 2000000 /dev/urandom > "$T/two.bin"
head -c 1000000 /dev/urandom > "$T/one.bin"

# OpenSSH's sftp and scp: over the file limit, then over the quota.
cat > "$T/b1" <<EOF2
-put $T/two.bin two.bin
put $T/one.bin one.bin
-put $T/one.bin one-more.bin
ls
EOF2
sftp_batch s1 kofi "$T/b1"
expect_eq "$RC" 0 "sftp batch ($OUT)"
expect_match "$OUT" 'two\.bin.*(Failure|failed)' "client shows the max-size error"
expect_match "$OUT" 'one-more\.bin.*(Failure|failed)' "client shows the quota error"
[ -e "$(up kofi)/two.bin" ] && fail "file over the limit exists"
[ -e "$(up kofi)/one-more.bin" ] && fail "file over the quota exists"
cmp -s "$T/one.bin" "$(up kofi)/one.bin" || fail "upload within limits differs"
expect_eq "$(sha256sum < "$(up kofi)/a.bin")" "$sum_a" "other file intact"
no_temporaries kofi
grep -q 'sftp upload refused.*handle="kofi".*name="two.bin".*why=max_size' "$T/console.log" ||
	fail "no log line for the max-size refusal"
grep -q 'sftp upload refused.*handle="kofi".*name="one-more.bin".*why=quota' "$T/console.log" ||
	fail "no log line for the quota refusal"

in_tmux scp1 "scp -P $SSH_PORT $SFTP_OPTS $KBD $T/two.bin kofi@127.0.0.1:scp.bin"
type_code scp1 kofi
wait_exit scp1
[ "$RC" != 0 ] || fail "scp over the limit exited 0"
[ -e "$(up kofi)/scp.bin" ] && fail "scp over the limit left a file"
no_temporaries kofi

# The message itself (OpenSSH's clients print only the status code): a
# raw client reads it, in Kiswahili for amani.
in_tmux raw "python3 $NYOTA_SRC/tests/integration/sftp-raw.py limits 'isizidi MB 1' -- ssh -p $SSH_PORT $SFTP_OPTS $KBD -s amani@127.0.0.1 sftp"
type_code raw amani
wait_exit raw 60
out=$(cat "$T/raw.out")
expect_match "$out" 'raw-done' "raw client ($out)"
expect_match "$out" 'message: .*kikomo cha MB 3' "quota message in Kiswahili"
[ -e "$(up amani)/big" ] && fail "over the limit exists (raw)"
[ -e "$(up amani)/c.bin" ] && fail "over the quota exists (raw)"
expect_eq "$(stat -c %s "$(up amani)/a.bin")" 1572864 "file intact after a refused replacement"
no_temporaries amani
echo "ok sftp-limits"
