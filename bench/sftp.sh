#!/bin/bash
# Upload throughput over SFTP: OpenSSH's sftp client puts a 500 MB file to
# the console (nyota's own SFTP engine on libssh) and to OpenSSH's sshd
# with internal-sftp (a throwaway sshd run by this script as the current
# user: its own config, host key and authorized key under $T, a free
# port, -D in the foreground; no system sshd is touched). Same client,
# same machine, same run; default ciphers on both. Prints MB/s for both,
# the ratio (target >= 0.5) and the console connection process's peak RSS
# during the transfer (VmHWM of the forked child, read from /proc while it
# runs). The console asks for a TOTP code: ssh gets it from an askpass
# program (SSH_ASKPASS_REQUIRE=force) computing it with oathtool, one new
# 30 s step per login (replays are refused).
# Env: B (build dir), BENCH_SFTP_MB (500), BENCH_SFTP_RUNS (2, best kept).
. "$(dirname "$0")/lib.sh"
MB=${BENCH_SFTP_MB:-500}
RUNS=${BENCH_SFTP_RUNS:-2}
bench_need sftp ssh-keygen oathtool sshd python3
SSHD=$(command -v sshd || echo /usr/sbin/sshd)
BIN=$(cd "$B" && pwd)

head -c $((MB * 1024 * 1024)) /dev/urandom > "$T/big.bin"
SIZE=$(stat -c %s "$T/big.bin")
SUM=$(sha256sum < "$T/big.bin" | cut -d' ' -f1)
CLIENT_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
	-o LogLevel=ERROR -o BatchMode=no)

# --- the console -------------------------------------------------------
export NYOTA_DATA_DIR="$T/data" NYOTA_KEYS_DIR="$T/keys" NYOTA_LOG=warn
CON_PORT=$(free_port)
NYOTA_SSH_PORT=$CON_PORT NYOTA_SSH_ADDR=127.0.0.1 \
	"$BIN/nyota-console" serve > "$T/console.log" 2>&1 &
CON_PID=$!
bench_track "$CON_PID"
for _ in $(seq 1 100); do
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$CON_PORT),1)" 2>/dev/null && break
	sleep 0.1
done
SECRET=$("$BIN/nyota-console" creator add bench 2>/dev/null | sed -n 's/^secret: //p')
[ -n "$SECRET" ] || { echo "bench: creator add failed"; cat "$T/console.log"; exit 1; }
echo $(( $(date +%s) / 30 - 1 )) > "$T/step"
cat > "$T/askpass" <<EOF
#!/bin/sh
# One code per login, each for a newer 30 s step (no replays).
step=\$(cat "$T/step")
echo \$((step + 1)) > "$T/step"
exec oathtool --totp -b --now "\$(date -u -d "@\$((step * 30))" '+%Y-%m-%d %H:%M:%S UTC')" "$SECRET"
EOF
chmod 700 "$T/askpass"

# --- OpenSSH's sshd with internal-sftp -----------------------------------
mkdir -p "$T/sshd/up"
ssh-keygen -q -t ed25519 -N '' -f "$T/sshd/host"
ssh-keygen -q -t ed25519 -N '' -f "$T/id"
cp "$T/id.pub" "$T/sshd/authorized_keys"
chmod 600 "$T/sshd/authorized_keys"
SSHD_PORT=$(free_port)
cat > "$T/sshd/config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $T/sshd/host
PidFile $T/sshd/pid
AuthorizedKeysFile $T/sshd/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem sftp internal-sftp
EOF
# sshd run as root wants its privilege separation folder.
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
"$SSHD" -D -e -f "$T/sshd/config" 2> "$T/sshd/log" &
bench_track $!
for _ in $(seq 1 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1',$SSHD_PORT),1)" 2>/dev/null && break
	sleep 0.1
done

# peak_rss PARENT OUT: while it runs, writes the highest VmHWM (kB) of
# PARENT's children (the connection processes) to OUT.
peak_rss() {
	local max=0 kid v
	while kill -0 "$1" 2>/dev/null; do
		for kid in $(pgrep -P "$1" 2>/dev/null); do
			v=$(awk '/^VmHWM:/ {print $2}' "/proc/$kid/status" 2>/dev/null || echo 0)
			[ -n "$v" ] && [ "$v" -gt "$max" ] && max=$v && echo "$max" > "$2"
		done
		sleep 0.05
	done
}

# put_once WHERE: one `sftp put` of the file; prints seconds.
put_once() {
	local t0 t1
	echo "put $T/big.bin big.bin" > "$T/batch"
	t0=$(date +%s.%N)
	if [ "$1" = nyota ]; then
		SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force DISPLAY=none \
		sftp -P "$CON_PORT" "${CLIENT_OPTS[@]}" \
			-o PreferredAuthentications=keyboard-interactive \
			-b "$T/batch" bench@127.0.0.1 > "$T/put.out" 2>&1 < /dev/null
	else
		sftp -P "$SSHD_PORT" "${CLIENT_OPTS[@]}" -i "$T/id" \
			-o IdentitiesOnly=yes -b "$T/batch" \
			"$(id -un)@127.0.0.1:$T/sshd/up" > "$T/put.out" 2>&1 < /dev/null
	fi || { echo "bench: sftp to $1 failed:"; cat "$T/put.out"; return 1; }
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

best_nyota=0 best_ossh=0
echo 0 > "$T/rss"
peak_rss "$CON_PID" "$T/rss" &
RSS_PID=$!
bench_track "$RSS_PID"
for i in $(seq 1 "$RUNS"); do
	s=$(put_once nyota)
	[ "$(sha256sum < "$T/data/uploads/bench/big.bin" | cut -d' ' -f1)" = "$SUM" ] ||
		{ echo "bench: console upload differs"; exit 1; }
	mbs=$(awk -v n="$SIZE" -v s="$s" 'BEGIN { printf "%.1f", n / 1048576 / s }')
	echo "run $i nyota: $s s, $mbs MB/s"
	best_nyota=$(awk -v a="$mbs" -v b="$best_nyota" 'BEGIN { print (a > b ? a : b) }')
	s=$(put_once openssh)
	[ "$(sha256sum < "$T/sshd/up/big.bin" | cut -d' ' -f1)" = "$SUM" ] ||
		{ echo "bench: sshd upload differs"; exit 1; }
	mbs=$(awk -v n="$SIZE" -v s="$s" 'BEGIN { printf "%.1f", n / 1048576 / s }')
	echo "run $i openssh: $s s, $mbs MB/s"
	best_ossh=$(awk -v a="$mbs" -v b="$best_ossh" 'BEGIN { print (a > b ? a : b) }')
done
kill "$RSS_PID" 2>/dev/null || true
rss_kb=$(cat "$T/rss")
result "sftp put ${MB} MB nyota" "$best_nyota" "MB/s"
result "sftp put ${MB} MB openssh internal-sftp" "$best_ossh" "MB/s"
ratio_v=$(ratio "$best_nyota" "$best_ossh")
result "sftp ratio nyota/openssh" "$ratio_v" "(target >= 0.5)"
result "console connection peak RSS" "$((rss_kb / 1024))" "MB (VmHWM ${rss_kb} kB)"
summary "put ${MB} MB: nyota $best_nyota MB/s, openssh $best_ossh MB/s, ratio $ratio_v (target >= 0.5); connection peak RSS $((rss_kb / 1024)) MB"
