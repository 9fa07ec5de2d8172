# Log field injection (security issue, item 10): values a client chooses
# (the SSH user name, the version banner it sends) are written as quoted,
# escaped logfmt values, so they can never add a field to the line.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console-lib.bash"
. "$(dirname "$0")/console-sec-lib.bash"
trap console_cleanup EXIT

start_console
console creator add bob > /dev/null 2>&1 || fail "creator add"

# A user name with fields in it (OpenSSH refuses quotes on the command
# line; spaces, '=' and backslashes pass).
guess 127.0.0.2 'x forged=1 level=error\n' 000000 && fail "logged in"
# A version banner with quotes in it (libssh puts it in its error).
python3 - "$SSH_PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(100)
s.sendall(b'SSH-1.5-x" forged="2 level="error\r\n')
s.settimeout(30)
while s.recv(100):
	pass
EOF
refused() { grep -q 'msg="ssh login refused"' "$T/console.log"; }
kex() { grep -q 'msg="ssh key exchange failed"' "$T/console.log"; }
wait_until 30 "login refusal logged" refused
wait_until 30 "key exchange failure logged" kex

# Every line parses as logfmt, and no value leaked into a field.
python3 - "$T/console.log" <<'EOF' || fail "log field injection"
import re, sys
tok = re.compile(r'([A-Za-z_][A-Za-z0-9_.]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)(?:\s+|$)')
seen = {}
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if not line.startswith("ts="):
        continue
    pos, keys = 0, []
    while pos < len(line):
        m = tok.match(line, pos)
        if not m:
            sys.exit("not logfmt at %d: %s" % (pos, line))
        keys.append(m.group(1))
        if m.group(1) in ("handle", "err"):
            seen[m.group(1)] = m.group(2)
        pos = m.end()
    if "forged" in keys or keys.count("level") != 1:
        sys.exit("injected field: " + line)
want = r'"x forged=1 level=error\\n"'
if seen.get("handle") != want:
    sys.exit("handle=%s, expected %s" % (seen.get("handle"), want))
if 'forged=\\"2 level=\\"error' not in seen.get("err", ""):
    sys.exit("err=%s" % seen.get("err"))
EOF
echo ok
