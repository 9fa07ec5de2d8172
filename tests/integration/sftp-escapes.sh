# The jail holds: "..", absolute paths, symlinks planted in the uploads
# folder (to the keys folder, to the master key), a hard link, another
# creator's folder, names with a newline, NUL or 4096 bytes, SYMLINK and
# link requests, forged handles, a 4 TB offset, handle exhaustion and a
# malformed packet are all refused or resolved inside, the console keeps
# serving, and nothing is created or read outside the creator's folder.
# OpenSSH's sftp (cd .., ls /, get ../../keys/master.key, ln -s) and a raw
# client (sftp-raw.py: what sftp cannot send) both try.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

start_console
sftp_creator kofi
sftp_creator other
mkdir -p "$(up kofi)" "$(up other)"
echo "other's secret" > "$(up other)/file"
ln -s "$NYOTA_KEYS_DIR" "$(up kofi)/keys"
ln -s "$NYOTA_KEYS_DIR/master.key" "$(up kofi)/mk"
ln "$(up other)/file" "$(up kofi)/hl"
echo mine > "$(up kofi)/mine.txt"
[ -f "$NYOTA_KEYS_DIR/master.key" ] || fail "no master key to aim at"
key_sum=$(sha256sum < "$NYOTA_KEYS_DIR/master.key")

# OpenSSH's sftp.
mkdir "$T/dl"
cat > "$T/b1" <<EOF2
cd ..
pwd
ls /
-get ../../keys/master.key $T/dl/mk1
-get keys/master.key $T/dl/mk2
-get mk $T/dl/mk3
-get hl $T/dl/hl
-get ../other/file $T/dl/of
-cd keys
-ls keys/
-ln -s /etc/passwd pw
-symlink /etc/passwd pw2
-ln mine.txt hard
-put $T/b1 keys/evil
-put $T/b1 /etc/nyota-evil
put $T/b1 ../../escaped
pwd
EOF2
# Everything outside kofi's folder (and the clients' outputs), to compare.
outside() { (cd "$T" && find . -path ./data/uploads/kofi -prune -o -print | grep -Ev '\.out$|^\./(dl|b1)$|nyota\.db' | sort); }
before=$(outside)
sftp_batch s1 kofi "$T/b1"
expect_eq "$RC" 0 "sftp batch ($OUT)"
expect_match "$OUT" 'Remote working directory: /$' "cd .. at the root stays at /"
ls_root=$(printf '%s\n' "$OUT" | sed -n '/^sftp> ls \//,/^sftp> /p' | sed '1d;$d' | tr -s ' \n' ' ')
expect_match "$ls_root" 'mine\.txt' "ls / lists the jail"
printf '%s' "$ls_root" | grep -Eq 'nyota\.db|passwd|master' && fail "ls / shows something outside: $ls_root"
[ -z "$(ls -A "$T/dl")" ] || fail "something was downloaded: $(ls -A "$T/dl")"
expect_match "$OUT" 'symlink.*(unsupported|Unsupported|denied|Failure)' "ln -s refused"
expect_match "$OUT" 'does not support hardlink' "hard link refused"
expect_match "$OUT" 'Can.t change directory: "/keys"' "cd through a symlink refused"
printf '%s' "$OUT" | grep -q 'ssh_host_ed25519_key' && fail "listed the keys folder"
[ -e "$(up kofi)/pw" ] || [ -L "$(up kofi)/pw" ] && fail "a symlink was made"
[ -e /etc/nyota-evil ] && fail "wrote to /etc"
[ -e "$NYOTA_KEYS_DIR/evil" ] && fail "wrote through the keys symlink"
# "../../escaped" resolves inside the jail: it lands at its root.
[ -f "$(up kofi)/escaped" ] || fail "../../escaped did not land in the jail"
[ -e "$NYOTA_DATA_DIR/escaped" ] || [ -e "$NYOTA_DATA_DIR/uploads/escaped" ] && fail "escaped the jail"

# The raw client.
in_tmux raw "python3 $NYOTA_SRC/tests/integration/sftp-raw.py escapes -- ssh -p $SSH_PORT $SFTP_OPTS $KBD -s kofi@127.0.0.1 sftp"
type_code raw kofi
wait_exit raw 120
out=$(cat "$T/raw.out")
expect_match "$out" 'raw-done' "raw client ($out)"
[ -e "$NYOTA_KEYS_DIR/evil" ] && fail "raw: wrote through the keys symlink"
expect_eq "$(mode_of "$(up kofi)/x3")" 640 "setstat 0777 ignored"
expect_eq "$(mode_of "$(up kofi)/m")" 750 "mkdir 0777 made 0750"
[ -e "$(up kofi)/sparse" ] && fail "refused 4 TB upload left a file"
no_temporaries kofi
expect_eq "$(sha256sum < "$NYOTA_KEYS_DIR/master.key")" "$key_sum" "master key untouched"
expect_eq "$(cat "$(up other)/file")" "other's secret" "other creator's file untouched"
after=$(outside)
[ "$before" = "$after" ] ||
	fail "files changed outside the jail: $(diff <(echo "$before") <(echo "$after") | head)"

# Still serving after the oversized request ended that session.
cat > "$T/b2" <<EOF2
ls
EOF2
sftp_batch s2 kofi "$T/b2"
expect_eq "$RC" 0 "sftp after the raw client ($OUT)"
kill -0 "$CON_PID" || fail "console died"
echo "ok sftp-escapes"
