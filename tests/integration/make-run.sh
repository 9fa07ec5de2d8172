# scripts/run.sh (`make run`): loads the demo catalog on an empty
# database, prints the URL and the setup code, serves the demo products,
# does not import twice, and stops both servers on SIGTERM.
. "$(dirname "$0")/lib.sh"
SRC=${NYOTA_SRC:-$(pwd)}
PORT=$(free_port)
SSH_PORT=$(free_port)
export NYOTA_HTTP_PORT=$PORT NYOTA_SSH_PORT=$SSH_PORT NYOTA_SSH_ADDR=127.0.0.1

start_run() {
	B="$NYOTA_BIN" sh "$SRC/scripts/run.sh" > "$T/run$1.log" 2>&1 &
	RUN_PID=$!
	PIDS="$PIDS $RUN_PID"
	for _ in $(seq 1 600); do
		curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	cat "$T/run$1.log" >&2
	fail "make run did not start"
}

stop_run() {
	kill -TERM "$RUN_PID"
	for _ in $(seq 1 300); do
		kill -0 "$RUN_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$RUN_PID" 2>/dev/null && fail "run.sh did not stop"
	wait "$RUN_PID" 2>/dev/null || true
	sf_gone() { ! curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; }
	wait_until 10 "storefront still running after stop" sf_gone
}

start_run 1
out=$(cat "$T/run1.log")
expect_match "$out" 'imported 2 creators, 4 products' "demo loaded"
expect_match "$out" "Storefront: +http://localhost:$PORT" "URL printed"
expect_match "$out" 'setup code: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}' "setup code printed"
expect_match "$out" 'creator add' "creator add explained"
page=$(curl -fsS "http://127.0.0.1:$PORT/")
expect_match "$page" 'Nairobi Nights' "demo product on the catalog page"
stop_run

# Second start: the catalog is not empty, nothing is imported again.
start_run 2
expect_match "$(cat "$T/run2.log")" 'import skipped' "no second import"
stop_run
echo ok
