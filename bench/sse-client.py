#!/usr/bin/env python3
"""Holds many SSE streams on /checkout/{ref}/events and measures how long
after a payment each stream hears "paid".

usage: sse-client.py HOST PORT REFS_FILE STREAMS_PER_REF READY_FILE PAID_FILE OUT_JSON

Opens STREAMS_PER_REF streams for every ref (one per line), waits for the
first event on all of them, writes READY_FILE (with how many are open),
then waits for "paid" on every stream. PAID_FILE lines "ref t_commit_ns"
come from the driver; the result (per-stream and per-order last-stream
latencies, ms) goes to OUT_JSON.
"""
import asyncio
import json
import os
import sys
import time

HOST, PORT, REFS, PER, READY, PAID, OUT = sys.argv[1:8]
PER = int(PER)
refs = [l.strip() for l in open(REFS) if l.strip()]
got = {}        # ref -> [recv ns ...]
opened = 0
failed = 0


async def stream(ref, first_event):
    global opened, failed
    try:
        r, w = await asyncio.open_connection(HOST, int(PORT), limit=1 << 16)
    except OSError:
        failed += 1
        first_event.set_result(False) if not first_event.done() else None
        return
    w.write(f"GET /checkout/{ref}/events HTTP/1.1\r\nHost: {HOST}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode())
    await w.drain()
    seen_first = False
    try:
        while True:
            line = await r.readline()
            if not line:
                break
            if line.startswith(b"data:") or b'"status"' in line:
                if not seen_first:
                    seen_first = True
                    opened += 1
                    first_event.set_result(True)
                if b'"paid"' in line:
                    got.setdefault(ref, []).append(time.time_ns())
                    break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    if not first_event.done():
        failed += 1
        first_event.set_result(False)
    w.close()


async def main():
    firsts, tasks = [], []
    for ref in refs:
        for _ in range(PER):
            f = asyncio.get_running_loop().create_future()
            firsts.append(f)
            tasks.append(asyncio.create_task(stream(ref, f)))
            if len(tasks) % 500 == 0:
                await asyncio.sleep(0.05)   # do not flood the backlog
    await asyncio.gather(*firsts)
    with open(READY + ".tmp", "w") as f:
        f.write(f"{opened} {failed}\n")
    os.replace(READY + ".tmp", READY)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    except asyncio.TimeoutError:
        pass
    commits = {}
    for line in open(PAID):
        ref, t = line.split()
        commits[ref] = int(t)
    per_stream, per_order = [], []
    for ref, ts in got.items():
        if ref not in commits:
            continue
        lat = [(t - commits[ref]) / 1e6 for t in ts]
        per_stream += lat
        if len(ts) == PER:
            per_order.append(max(lat))
    received = sum(len(v) for v in got.values())

    def pct(v, p):
        v = sorted(v)
        return round(v[min(len(v) - 1, int(len(v) * p))], 2) if v else None
    json.dump({"streams_open": opened, "streams_failed": failed,
               "paid_received": received,
               "stream_p50_ms": pct(per_stream, 0.5),
               "stream_p99_ms": pct(per_stream, 0.99),
               "last_stream_p50_ms": pct(per_order, 0.5),
               "last_stream_p99_ms": pct(per_order, 0.99),
               "orders_complete": len(per_order)}, open(OUT, "w"))

asyncio.run(main())
