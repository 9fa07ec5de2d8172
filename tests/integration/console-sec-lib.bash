# Helpers for the console's security tests (sourced after lib.sh and
# console-lib.bash; not a test itself: run-integration.sh runs only *.sh).
#
# Many clients at once do not fit in tmux windows, so these drive the real
# OpenSSH client without a terminal: SSH_ASKPASS_REQUIRE=force makes it ask
# an askpass program for each keyboard-interactive prompt, and -b picks the
# loopback address (127.0.0.x) a client comes from.

# The askpass program: records the prompt, waits at the barrier when one
# is set (GUESS_BARRIER=DIR:N: until N clients have their prompt, so all
# answer together), then answers $GUESS_CODE.
cat > "$T/askpass" <<'EOF'
#!/bin/sh
printf '%s\n' "$1" >> "$GUESS_PROMPTS"
if [ -n "${GUESS_BARRIER:-}" ]; then
	dir=${GUESS_BARRIER%:*} n=${GUESS_BARRIER##*:}
	: > "$dir/$$"
	i=0
	while [ "$(ls "$dir" | wc -l)" -lt "$n" ] && [ $i -lt 1200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
fi
printf '%s\n' "$GUESS_CODE"
EOF
chmod +x "$T/askpass"
export GUESS_PROMPTS="$T/prompts"

GUESS_OPTS="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o NumberOfPasswordPrompts=1 -o ConnectTimeout=60"

# guess ADDR USER CODE [CMD [OUT]]: one ssh client from ADDR answering CODE
# once (keyboard-interactive only), running CMD (default `stats`); its
# output goes to OUT (default $T/guess.out). Returns ssh's exit status:
# 255 when the login was refused.
guess() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force GUESS_CODE="$3" \
		ssh -b "$1" -p "$SSH_PORT" $GUESS_OPTS \
		-o PreferredAuthentications=keyboard-interactive \
		"$2@127.0.0.1" "${4:-stats}" < /dev/null > "${5:-$T/guess.out}" 2>&1
}

# guess_key KEYFILE ADDR USER CODE: the same with a public key first.
guess_key() {
	SSH_ASKPASS="$T/askpass" SSH_ASKPASS_REQUIRE=force GUESS_CODE="$4" \
		ssh -b "$2" -p "$SSH_PORT" $GUESS_OPTS -o IdentitiesOnly=yes \
		-i "$1" -o PreferredAuthentications=publickey,keyboard-interactive \
		"$3@127.0.0.1" stats < /dev/null > "$T/guess.out" 2>&1
}

# wrong_codes N ADDR USER: N wrong answers from ADDR, 6 clients at a time.
# (Waits for its own clients only: a bare `wait` would wait for the
# console too.)
wrong_codes() {
	local i pids=""
	for i in $(seq 1 "$1"); do
		guess "$2" "$3" 000000 stats "$T/wrong.$i" &
		pids="$pids $!"
		if [ $((i % 6)) -eq 0 ] || [ "$i" -eq "$1" ]; then
			wait $pids || true
			pids=""
		fi
	done
	return 0
}

# silent ADDR N NAME: N raw TCP connections from ADDR that send nothing,
# held by a python process (PID in SILENT_PID) until it is killed. It
# writes NAME.state every 0.1 s: one letter per connection, in order —
# "b" got the server's banner and is still open, "c" closed (EOF or
# reset, the banner possibly before), "w" nothing yet.
silent() {
	python3 - "$SSH_PORT" "$1" "$2" "$T/$3.state" <<'EOF' &
import os, socket, sys, time
port, addr, n, out = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
socks, state = [], []
for i in range(n):
    s = socket.socket()
    s.bind((addr, 0))
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    socks.append(s)
    state.append("w")
    time.sleep(0.2)	# accepted in order
def poll():
    for i, s in enumerate(socks):
        if state[i] == "c":
            continue
        try:
            d = s.recv(4096)
            state[i] = "b" if d else "c"
        except BlockingIOError:
            pass
        except OSError:
            state[i] = "c"
while True:
    poll()
    with open(out + ".tmp", "w") as f:
        f.write("".join(state) + "\n")
    os.replace(out + ".tmp", out)
    time.sleep(0.1)
EOF
	SILENT_PID=$!
	PIDS="$PIDS $SILENT_PID"
}

# state_is NAME REGEX: the connections' state matches.
state_is() { grep -Eq -- "$2" "$T/$1.state" 2>/dev/null; }
