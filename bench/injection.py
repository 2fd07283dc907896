#!/usr/bin/env python3
"""Injected responses against `is` responses, in rehearsal and in mountebank.

Started by bench/run.sh after scale.py (alone: `bench/run.sh --injection-only`, or run this
file with the same prerequisites). Reuses bench.py's process, HTTP and wrk helpers; writes
bench/results/injection.md.

Each server runs with --allowInjection and two keep-alive imposters answering the same
response: one with `is`, one with `inject` (a JavaScript function that reads the request and
returns the response). Interleaved rounds load each with wrk; the row `inject / is` is the
median of the per-round ratios, per server: what injecting a response costs on top of an `is`
response in the same server.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import bench as b
import scale

PATH = "/orders/7"
IS_STUB = {"responses": [{"is": {"statusCode": 200, "headers": {"Connection": "keep-alive"},
                                 "body": "order /orders/7"}}]}
INJECT_STUB = {"responses": [{"inject": (
    "function (config) { return { statusCode: 200, headers: { Connection: 'keep-alive' }, "
    "body: 'order ' + config.request.path }; }")}]}


def compare(name: str, argv, api: int, args, cwd: Path, lua: Path) -> dict:
    """Req/s and p99 of the `is` and the `inject` imposter; interleaved rounds."""
    proc = scale.start(argv, api, args, cwd)
    ports = {"is": api + 1, "inject": api + 2}
    scale.create(api, ports["is"], [IS_STUB])
    scale.create(api, ports["inject"], [INJECT_STUB])
    for key, port in ports.items():
        status, _, body = b.http_request(port, "GET", PATH)
        if status != 200 or body != b"order /orders/7":
            raise RuntimeError(f"{name} {key} answered {status} {body[:100]!r}")
    rounds = {key: [] for key in ports}
    p99 = {key: [] for key in ports}
    errors = {key: 0 for key in ports}
    for rnd in range(args.rounds):
        for key, port in ports.items():
            if rnd == 0 and args.warmup > 0:
                b.run_wrk(args, port, False, args.warmup, lua, PATH)
            res = b.run_wrk(args, port, False, args.duration, lua, PATH)
            rounds[key].append(res["rps"])
            p99[key].append(res.get("p99_ms"))
            errors[key] += sum(res["errors"].values()) + res["non2xx"]
            b.log(f"{name} {key} round {rnd + 1}: {res['rps']:,.0f} req/s")
    rss, _ = b.rss_bytes(proc.pid)
    b._kill_proc(proc)
    ratios = [i / s for s, i in zip(rounds["is"], rounds["inject"])]
    return {"rps_is": statistics.median(rounds["is"]), "rps_inject": statistics.median(rounds["inject"]),
            "ratio": statistics.median(ratios), "rounds": rounds, "p99_ms": p99, "errors": errors,
            "rss_after": rss}


def render(results: dict, args) -> str:
    def cell(key, field, fmt):
        value = results.get(key, {}).get(field)
        return fmt(value) if value is not None else results.get(key, {}).get("error", "n/a")

    rps = lambda v: f"{v:,.0f}"
    lines = [
        "# Injected responses against `is` responses",
        "",
        f"Measured on {args.nproc} CPUs, load average before {args.loadavg_before}; "
        f"{args.rounds} interleaved rounds of {args.duration:g} s, wrk -t{args.threads} "
        f"-c{args.connections}, keep-alive, `GET {PATH}`. Each server runs with --allowInjection.",
        "",
        "| | rehearsal | mountebank 2.9.1 | rehearsal / mountebank |",
        "|---|---|---|---|",
    ]
    rehearsal, mountebank = results.get("rehearsal", {}), results.get("mountebank", {})
    for label, field in [("`is` response (req/s)", "rps_is"), ("`inject` response (req/s)", "rps_inject")]:
        ratio = (f"{rehearsal[field] / mountebank[field]:.1f}x"
                 if field in rehearsal and field in mountebank else "n/a")
        lines.append(f"| {label} | {cell('rehearsal', field, rps)} | {cell('mountebank', field, rps)} | {ratio} |")
    lines.append(f"| inject / is (median of per-round ratios) | {cell('rehearsal', 'ratio', lambda v: f'{v:.2f}')} "
                 f"| {cell('mountebank', 'ratio', lambda v: f'{v:.2f}')} | |")
    lines += ["", "Per round (req/s):", ""]
    for name, result in results.items():
        for key in ("is", "inject"):
            rounds = result.get("rounds", {}).get(key)
            if rounds:
                lines.append(f"- {name} {key}: " + ", ".join(f"{v:,.0f}" for v in rounds)
                             + f" (socket errors and non-2xx: {result['errors'][key]})")
    return "\n".join(lines) + "\n"


def main() -> int:
    args = scale.parse_args()
    args.out = str(b.BENCH_DIR / "results/injection.md")
    args.loadavg_before = b._loadavg()
    usable = sorted(os.sched_getaffinity(0))
    args.nproc = len(usable)
    if args.no_pin or len(usable) < 2:
        args.server_cpus, args.load_cpus = None, None
    else:
        args.server_cpus, args.load_cpus = {usable[0]}, {usable[1]}
        os.sched_setaffinity(0, args.load_cpus)
    workdir = Path(tempfile.mkdtemp(prefix="rehearsal-injection-"))
    lua = workdir / "report.lua"
    lua.write_text(b.WRK_LUA)
    mb_main = Path(args.mb_dir).resolve() / "node_modules/mountebank/bin/mb"
    rehearsal = str(Path(args.rehearsal_bin).resolve())
    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    base = args.base_port + 100
    servers = {
        "rehearsal": [rehearsal, "start", "--port", str(base), "--nologfile", "--loglevel", "warn",
                      "--allowInjection"],
        "mountebank": ["node", str(mb_main), "start", "--port", str(base + 10), "--loglevel", "warn",
                       "--nologfile", "--allowInjection", "--pidfile", str(workdir / "mb.pid")],
    }
    results = {}
    for offset, (name, argv) in enumerate(servers.items()):
        if name not in wanted:
            continue
        try:
            results[name] = compare(name, argv, base + 10 * offset, args, workdir, lua)
        except Exception as exc:  # one server failing must not stop the other
            results[name] = {"error": str(exc)}
            b.log(f"{name}: skipped: {exc}")
            b.kill_all()
    report = render(results, args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(report)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
