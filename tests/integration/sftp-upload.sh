# Uploads over SFTP with the real OpenSSH clients: scp and sftp put of a
# 50 MB file arrive intact (sha256), files are 0640 and folders 0750;
# ls, get, rm, rename, mkdir, rmdir, stat work; while an upload runs the
# real name does not exist (only a hidden temporary); a client killed
# mid-upload leaves neither the file nor the temporary; reput resumes
# from a complete shorter file; stale temporaries are removed at start
# (a symlink among them is removed, not followed).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/sftp-lib.bash"
trap console_cleanup EXIT

# Stale temporaries from a crash, one of them a symlink to a file that
# must survive: the console removes them before it listens.
mkdir -p "$(up wanjiku)/old" "$T/outside"
echo keep > "$T/outside/victim"
echo stale > "$(up wanjiku)/.nyota-part-0123456789abcdef"
echo stale > "$(up wanjiku)/old/.nyota-part-fedcba9876543210"
ln -s "$T/outside/victim" "$(up wanjiku)/.nyota-part-link"
start_console
[ -z "$(find "$(up wanjiku)" -name '.nyota-part-*')" ] || fail "stale temporaries left at start"
expect_eq "$(cat "$T/outside/victim")" keep "sweep followed a symlink"
rmdir "$(up wanjiku)/old"
chmod 750 "$(up wanjiku)"
sftp_creator wanjiku
sftp_creator amani
head -c 50000000 /dev/urandom > "$T/big.bin"
want=$(sha256sum < "$T/big.bin" | cut -d' ' -f1)

# scp (SFTP underneath) into the jail's root.
in_tmux scp1 "scp -P $SSH_PORT $SFTP_OPTS $KBD $T/big.bin wanjiku@127.0.0.1:"
type_code scp1 wanjiku
wait_exit scp1
expect_eq "$RC" 0 "scp exit ($(cat "$T/scp1.out"))"
expect_eq "$(sha256sum < "$(up wanjiku)/big.bin" | cut -d' ' -f1)" "$want" "scp sha256"
expect_eq "$(mode_of "$(up wanjiku)/big.bin")" 640 "uploaded file mode"
grep -q 'sftp upload.*handle="wanjiku".*name="big.bin".*bytes=50000000' "$T/console.log" ||
	fail "no log line for the upload"

# sftp: mkdir, put into it, ls, stat, get back, rename, rm, rmdir.
cat > "$T/b1" <<EOF
mkdir raw
put $T/big.bin raw/second.bin
ls -l raw
ls -ln raw/second.bin
cd raw
pwd
cd /
get raw/second.bin $T/back.bin
rename raw/second.bin raw/third.bin
-rename big.bin raw/third.bin
ls raw
put $T/big.bin raw/gone.bin
rm raw/gone.bin
mkdir empty
rmdir empty
-rmdir raw
reput $T/big.bin part.bin
EOF
# reput resumes from what the jail holds: a complete, shorter file.
head -c 10000000 "$T/big.bin" > "$(up wanjiku)/part.bin"
sftp_batch s1 wanjiku "$T/b1"
expect_eq "$RC" 0 "sftp batch exit ($OUT)"
expect_eq "$(sha256sum < "$T/back.bin" | cut -d' ' -f1)" "$want" "get sha256"
expect_eq "$(sha256sum < "$(up wanjiku)/part.bin" | cut -d' ' -f1)" "$want" "reput sha256"
expect_match "$(grep 'name="part.bin"' "$T/console.log")" 'bytes=50000000' "reput logged"
expect_eq "$(sha256sum < "$(up wanjiku)/raw/third.bin" | cut -d' ' -f1)" "$want" "renamed file"
expect_eq "$(mode_of "$(up wanjiku)/raw")" 750 "made folder mode"
expect_eq "$(mode_of "$(up wanjiku)/raw/third.bin")" 640 "file mode in a folder"
[ -e "$(up wanjiku)/raw/second.bin" ] && fail "rename left the old name"
[ -e "$(up wanjiku)/raw/gone.bin" ] && fail "rm did not remove"
[ -e "$(up wanjiku)/empty" ] && fail "rmdir did not remove"
expect_match "$OUT" 'second\.bin' "ls -l shows the file"
expect_match "$OUT" '-rw-r-----.*50000000' "ls -l shows size and mode"
# sftp has no stat command: ls of a path and cd are its STAT/LSTAT users.
expect_match "$OUT" '-rw-r-----.*50000000.*raw/second\.bin' "ls -ln of a path"
expect_match "$OUT" 'Remote working directory: /raw' "cd into a folder"
# rename onto an existing file is refused (v3: no replace).
expect_match "$OUT" 'rename .*big.bin.*(failed|Failure|exists)' "rename onto a file refused"
[ -e "$(up wanjiku)/big.bin" ] || fail "refused rename lost the source"
# rmdir of a folder with a file is refused.
[ -d "$(up wanjiku)/raw" ] || fail "rmdir removed a full folder"
no_temporaries wanjiku

# A slow upload: the real name never shows before the end; kill -9 of the
# client (and its ssh) leaves nothing behind.
in_tmux slow "scp -l 2000 -P $SSH_PORT $SFTP_OPTS $KBD $T/big.bin amani@127.0.0.1:slow.bin"
type_code slow amani
for _ in $(seq 1 100); do
	[ -n "$(find "$(up amani)" -name '.nyota-part-*' -size +100k 2>/dev/null)" ] && break
	sleep 0.1
done
tmp=$(find "$(up amani)" -name '.nyota-part-*' | head -1)
[ -n "$tmp" ] || fail "no temporary while uploading"
# amani's folder did not exist: the console made it, 0750.
expect_eq "$(mode_of "$(up amani)")" 750 "uploads folder mode"
expect_eq "$(mode_of "$tmp")" 640 "temporary mode"
[ -e "$(up amani)/slow.bin" ] && fail "real name visible during the upload"
# The creator's listing (ls) does not show the temporary either.
scp_pid=$(pgrep -f "scp -l 2000 -P $SSH_PORT" | head -1)
[ -n "$scp_pid" ] || fail "no scp process"
kids=$(pgrep -P "$scp_pid" || true)
kill -9 "$scp_pid" $kids
wait_conns_gone 30
[ -e "$(up amani)/slow.bin" ] && fail "killed upload visible under its name"
no_temporaries amani
grep -q 'sftp upload refused.*handle="amani".*why="unfinished"' "$T/console.log" ||
	fail "no log line for the unfinished upload"

# The console still serves: another upload works.
cat > "$T/b2" <<EOF
put $T/b1 small.txt
ls
EOF
sftp_batch s2 amani "$T/b2"
expect_eq "$RC" 0 "sftp after kill ($OUT)"
cmp -s "$T/b1" "$(up amani)/small.txt" || fail "small upload differs"
expect_match "$OUT" 'small\.txt' "ls lists the upload"
echo "ok sftp-upload"
