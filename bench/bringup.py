#!/usr/bin/env python3
"""bench/bringup.py: how long an environment takes to come up, until every service is ready.

The environment of the target in docs/product.md: an imposter, a Redis and a small service
(the `orders` example of the test kit, a compiled axum service, wired to the other two),
brought up with `rehearsal up` until it prints its table, which it does once every service
passes its readiness check. A second case adds PostgreSQL with a one-table schema.

Side by side, the way teams do it today by hand (mountepy-style, one after the other): start
npm mountebank and wait for its API, create the imposter, start redis-server and wait for a
PING, start the service and wait for /health. Each round runs both, alternating; the result
is the median over the rounds and the ratio of the medians.

Writes bench/results/bringup.md. Run through bench/bringup.sh, which builds and installs
what this needs. Stdlib only.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

IMPOSTER = {
    "protocol": "http",
    "stubs": [{"responses": [{"is": {"statusCode": 201, "body": {"amount": 42}}}]}],
}

CONFIG = """
[services.payments]
kind = "imposter"
file = "payments.json"

[services.cache]
kind = "redis"

[services.orders]
command = ["{orders}", "serve"]
env = {{ PORT = "{{port}}", PAYMENTS_URL = "{{payments.url}}", REDIS_URL = "{{cache.url}}" }}
ready = {{ http = "/health" }}
"""

POSTGRES = """
[services.db]
kind = "postgres"
init = ["schema.sql"]
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(what, condition, limit=30.0, interval=0.002):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise RuntimeError(f"{what} was not ready within {limit} s")


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return 200 <= answer.status < 300
    except OSError:
        return False


def redis_pong(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"*1\r\n$4\r\nPING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def project(orders, with_postgres):
    folder = Path(tempfile.mkdtemp(prefix="rehearsal-bringup-"))
    (folder / "payments.json").write_text(json.dumps(IMPOSTER))
    (folder / "schema.sql").write_text("CREATE TABLE orders (id serial PRIMARY KEY, item text);\n")
    config = CONFIG.format(orders=orders) + (POSTGRES if with_postgres else "")
    (folder / "rehearsal.toml").write_text(config)
    return folder


def rehearsal_round(rehearsal, folder):
    """Seconds from spawning `rehearsal up` until its table is printed; then Ctrl-C."""
    started = time.monotonic()
    up = subprocess.Popen(
        [rehearsal, "up", "--file", str(folder / "rehearsal.toml")],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The table's header, then one line per service; it is printed once all are ready.
        lines = []
        while len(lines) < 1 + services_in(folder):
            line = up.stdout.readline()
            if not line:
                raise RuntimeError(f"rehearsal up ended: {up.stderr.read()}")
            lines.append(line)
        elapsed = time.monotonic() - started
    finally:
        up.send_signal(signal.SIGINT)
        up.wait(timeout=30)
    return elapsed


def services_in(folder):
    return (folder / "rehearsal.toml").read_text().count("[services.")


def by_hand_round(mb, redis_server, orders):
    """The same three, the way a mountepy-style fixture starts them: one after the other."""
    processes = []
    scratch = Path(tempfile.mkdtemp(prefix="rehearsal-byhand-"))
    try:
        started = time.monotonic()
        api = free_port()
        processes.append(
            subprocess.Popen(
                [mb, "start", "--port", str(api), "--nologfile", "--loglevel", "warn",
                 "--pidfile", str(scratch / "mb.pid")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait("mountebank", lambda: http_ok(f"http://127.0.0.1:{api}/"))
        payments = free_port()
        request = urllib.request.Request(
            f"http://127.0.0.1:{api}/imposters",
            data=json.dumps(dict(IMPOSTER, port=payments)).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()
        cache = free_port()
        processes.append(
            subprocess.Popen(
                [redis_server, "--port", str(cache), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(scratch)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait("redis", lambda: redis_pong(cache))
        port = free_port()
        env = dict(os.environ, PORT=str(port), PAYMENTS_URL=f"http://127.0.0.1:{payments}",
                   REDIS_URL=f"redis://127.0.0.1:{cache}")
        processes.append(
            subprocess.Popen([orders, "serve"], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        )
        wait("orders", lambda: http_ok(f"http://127.0.0.1:{port}/health"))
        return time.monotonic() - started
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def summary(samples):
    ms = sorted(s * 1000 for s in samples)
    return {
        "median": statistics.median(ms),
        "min": ms[0],
        "max": ms[-1],
        "p90": ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rehearsal", default=os.environ.get(
        "REHEARSAL_BIN", str(ROOT / "target/release/rehearsal")))
    parser.add_argument("--orders", default=os.environ.get(
        "ORDERS_BIN", str(ROOT / "target/release/examples/orders")))
    parser.add_argument("--mb", default=os.environ.get("MB_BIN"))
    parser.add_argument("--out", default=str(BENCH / "results/bringup.md"))
    args = parser.parse_args()
    redis_server = shutil.which("redis-server")
    if not redis_server:
        sys.exit("redis-server is missing: apt-get install redis-server")

    three = project(args.orders, with_postgres=False)
    four = project(args.orders, with_postgres=True)
    # One round of each first, outside the measure: it fills the PostgreSQL cluster cache
    # and the page cache, as any second run on a developer's machine would find them.
    rehearsal_round(args.rehearsal, three)
    rehearsal_round(args.rehearsal, four)
    results = {"rehearsal": [], "rehearsal + postgres": [], "by hand": []}
    for _ in range(args.rounds):
        results["rehearsal"].append(rehearsal_round(args.rehearsal, three))
        results["rehearsal + postgres"].append(rehearsal_round(args.rehearsal, four))
        if args.mb:
            results["by hand"].append(by_hand_round(args.mb, redis_server, args.orders))
    shutil.rmtree(three, ignore_errors=True)
    shutil.rmtree(four, ignore_errors=True)

    rows = {name: summary(samples) for name, samples in results.items() if samples}
    lines = [
        "# Bring-up: imposter + Redis + a small service, until every one is ready",
        "",
        f"`bench/bringup.sh`, {args.rounds} rounds, alternating; times in ms from spawning "
        "the command until every service answers its readiness check.",
        "",
        "| what | median | min | p90 | max |",
        "|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(
            f"| {name} | {row['median']:.1f} | {row['min']:.1f} | {row['p90']:.1f} | "
            f"{row['max']:.1f} |"
        )
    lines.append("")
    if "by hand" in rows:
        ratio = rows["by hand"]["median"] / rows["rehearsal"]["median"]
        lines.append(
            f"rehearsal brings the three up **{ratio:.1f}×** faster than npm mountebank 2.9.1, "
            "redis-server and the service started one after the other (what a mountepy-style "
            "fixture does)."
        )
    lines.append(
        f"Target (docs/product.md): at most 150 ms without Docker; measured median "
        f"{rows['rehearsal']['median']:.1f} ms."
    )
    lines += [
        "",
        "- **rehearsal**: `rehearsal up` of `payments` (imposter), `cache` (redis) and "
        "`orders` (`target/release/examples/orders serve`, ready on `GET /health`), timed "
        "until the table is printed; then Ctrl-C.",
        "- **rehearsal + postgres**: the same plus a PostgreSQL service with a one-table "
        "init file (cluster copied from the cache, database created from its template).",
        "- **by hand**: `mb start` (npm mountebank 2.9.1) until `GET /` answers, "
        "`POST /imposters`, `redis-server` until `PING` answers, the same service until "
        "`/health` answers, in sequence.",
    ]
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
