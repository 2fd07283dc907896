#!/usr/bin/env python3
"""Scale scenarios: many stubs, and memory while recording many requests.

Started by bench/run.sh after bench.py (or alone, with the same prerequisites).
Reuses bench.py's process, HTTP and wrk helpers; writes bench/results/scale.md.

1. stubs: an imposter with 10 stubs and one with 1,000 (keep-alive), the
   request matching the last stub of each; interleaved rounds; the ratio
   1,000 / 10 per server (target for rehearsal: >= 0.5).
2. recording: an imposter with recordRequests, loaded until it has counted
   1,000,000 requests; RSS before and after, and the bytes each kept request
   costs: with the default cap (memory must stay bounded) and with
   --maxRecordedRequests 1000000 (every request kept; target <= 400 bytes
   each). mountebank keeps every request without bound and is too slow to
   reach a million in reasonable time, so it is loaded for a fixed time and
   its bytes per request come from what it counted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bench as b

MANY = 1000
RECORD_TARGET = 1_000_000
MIB = b.MIB


def create(api: int, port: int, stubs: list[dict], record: bool = False) -> None:
    body = {"protocol": "http", "port": port, "recordRequests": record, "stubs": stubs}
    status, _, payload = b.http_request(api, "POST", "/imposters", body, timeout=60)
    if status != 201:
        raise RuntimeError(f"POST /imposters answered {status}: {payload[:300]!r}")


def counted(api: int, port: int) -> int:
    """numberOfRequests from the list form, which does not carry the recorded requests."""
    status, _, payload = b.http_request(api, "GET", "/imposters", timeout=60)
    if status != 200:
        raise RuntimeError(f"GET /imposters answered {status}")
    for imposter in json.loads(payload)["imposters"]:
        if imposter["port"] == port:
            return int(imposter.get("numberOfRequests", 0))
    raise RuntimeError(f"imposter {port} is gone")


def start(argv, api: int, args, cwd: Path):
    if not b.port_is_free(api):
        raise RuntimeError(f"port {api} is already in use")
    proc = b.spawn(argv, args.server_cpus, cwd=cwd)
    if b.wait_until_answers(api, proc, args.start_timeout) is None:
        b._kill_proc(proc)
        raise RuntimeError(f"{argv[0]} did not answer on port {api}")
    return proc


def many_stubs(name: str, argv, api: int, args, cwd: Path, lua: Path) -> dict:
    """Req/s with 10 and with 1,000 stubs, request matching the last; interleaved rounds."""
    proc = start(argv, api, args, cwd)
    few, many = api + 1, api + 2
    create(api, few, b.stub_list(True, b.STUB_COUNT))
    create(api, many, b.stub_list(True, MANY))
    targets = {"10": (few, f"/stub{b.STUB_COUNT - 1}"), "1000": (many, f"/stub{MANY - 1}")}
    rounds = {key: [] for key in targets}
    errors = {key: 0 for key in targets}
    for rnd in range(args.rounds):
        for key, (port, path) in targets.items():
            if rnd == 0 and args.warmup > 0:
                b.run_wrk(args, port, False, args.warmup, lua, path)
            res = b.run_wrk(args, port, False, args.duration, lua, path)
            rounds[key].append(res["rps"])
            errors[key] += sum(res["errors"].values()) + res["non2xx"]
            b.log(f"{name} {key} stubs round {rnd + 1}: {res['rps']:,.0f} req/s")
    b._kill_proc(proc)
    ratios = [m / f for f, m in zip(rounds["10"], rounds["1000"])]
    return {"rps_10": statistics.median(rounds["10"]), "rps_1000": statistics.median(rounds["1000"]),
            "ratio": statistics.median(ratios), "rounds": rounds, "errors": errors}


def recording(name: str, argv, api: int, args, cwd: Path, lua: Path, until: int | None,
              seconds: float) -> dict:
    """Load a recording imposter until it counted `until` requests (or for `seconds`)."""
    proc = start(argv, api, args, cwd)
    port = api + 1
    create(api, port, b.stub_list(True, b.STUB_COUNT), record=True)
    time.sleep(args.settle)
    before, _ = b.rss_bytes(proc.pid)
    started, total = time.monotonic(), 0
    while time.monotonic() - started < seconds and (until is None or total < until):
        chunk = int(min(10.0, seconds - (time.monotonic() - started)))  # wrk takes whole seconds
        b.run_wrk(args, port, False, max(chunk, 1), lua, f"/stub{b.STUB_COUNT - 1}")
        total = counted(api, port)
        b.log(f"{name} recording: {total:,} requests counted, RSS {b.rss_bytes(proc.pid)[0] / MIB:.1f} MiB")
    time.sleep(args.settle)
    after, _ = b.rss_bytes(proc.pid)
    b._kill_proc(proc)
    return {"requests": total, "rss_before": before, "rss_after": after,
            "seconds": time.monotonic() - started}


def render(results: dict, args) -> str:
    lines = ["# rehearsal benchmark: scale scenarios", ""]
    lines += b.machine_info(args)
    lines += [
        f"- stubs: keep-alive imposters with {b.STUB_COUNT} and {MANY} stubs (`equals` method + "
        f"path, `Connection: keep-alive`), the request matching the last stub of each; "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s`, {args.rounds} rounds "
        f"alternating the two imposters; medians, and the median of the per-round ratios",
        f"- recording: an imposter with `recordRequests: true` and {b.STUB_COUNT} stubs, loaded "
        f"with the same wrk in runs of up to 10 s until it counted {RECORD_TARGET:,} requests "
        f"(mountebank: for {args.mb_record_seconds:g} s); RSS (VmRSS) before the load and "
        f"{args.settle:g} s after it; bytes per kept request = RSS growth / requests kept",
        "",
        "| what | mountebank 2.9.1 | rehearsal | rehearsal / mountebank | target | pass |",
        "|---|---:|---:|---:|---|---|",
    ]

    def get(key, field):
        return (results.get(key) or {}).get(field)

    def cell(v, fmt):
        return "–" if v is None else fmt(v)

    rps = lambda v: f"{v:,.0f}"
    ratio = lambda v: f"{v:.2f}×"
    mib = lambda v: f"{v / MIB:.1f}"
    rows = []
    for label, field in ((f"throughput, {b.STUB_COUNT} stubs (req/s)", "rps_10"),
                         (f"throughput, {MANY} stubs (req/s)", "rps_1000")):
        m, r = get("stubs_mountebank", field), get("stubs_rehearsal", field)
        rows.append([label, cell(m, rps), cell(r, rps), cell(r / m if m and r else None, ratio), "", "–"])
    m, r = get("stubs_mountebank", "ratio"), get("stubs_rehearsal", "ratio")
    rows.append([f"{MANY} stubs / {b.STUB_COUNT} stubs", cell(m, ratio), cell(r, ratio), "",
                 "≥ 0.5×", "–" if r is None else ("PASS" if r >= 0.5 else "FAIL")])

    def per_request(key, kept_cap=None):
        res = results.get(key)
        if not res or not res.get("requests"):
            return None
        kept = res["requests"] if kept_cap is None else min(res["requests"], kept_cap)
        return (res["rss_after"] - res["rss_before"]) / kept

    mb_rec, rh_full, rh_cap = (results.get(k) or {} for k in
                               ("record_mountebank", "record_rehearsal_all", "record_rehearsal_cap"))
    rows.append(["requests counted (recording)", cell(mb_rec.get("requests"), rps),
                 cell(rh_full.get("requests"), rps), "", "", "–"])
    bytes_m, bytes_r = per_request("record_mountebank"), per_request("record_rehearsal_all")
    rows.append(["bytes per kept request (every request kept)", cell(bytes_m, rps),
                 cell(bytes_r, rps), cell(bytes_r / bytes_m if bytes_m and bytes_r else None, ratio),
                 "≤ 400", "–" if bytes_r is None else ("PASS" if bytes_r <= 400 else "FAIL")])
    rows.append(["RSS after, every request kept (MiB)", cell(mb_rec.get("rss_after"), mib),
                 cell(rh_full.get("rss_after"), mib), "", "", "–"])
    cap_after = rh_cap.get("rss_after")
    rows.append([f"RSS after {RECORD_TARGET:,} requests, default cap of 10,000 (MiB)",
                 "unbounded", cell(cap_after, mib), "", "≤ 20 MiB",
                 "–" if cap_after is None else ("PASS" if cap_after <= 20 * MIB else "FAIL")])
    for cells in rows:
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for key, res in results.items():
        if res.get("error"):
            lines.append(f"- **{key}: skipped**: {res['error']}")
        elif "rounds" in res:
            lines.append(f"- {key} rounds (req/s), 10 stubs: "
                         + ", ".join(f"{v:,.0f}" for v in res["rounds"]["10"])
                         + f"; {MANY} stubs: " + ", ".join(f"{v:,.0f}" for v in res["rounds"]["1000"])
                         + f"; socket errors and non-2xx (wrk times out after 2 s): "
                         f"{res['errors']['10']} / {res['errors']['1000']}")
        else:
            lines.append(f"- {key}: {res['requests']:,} requests in {res['seconds']:.0f} s, RSS "
                         f"{res['rss_before'] / MIB:.1f} → {res['rss_after'] / MIB:.1f} MiB")
    lines.append("- absolute numbers drift between runs on shared machines; the ratios are the "
                 "measure. RSS growth includes allocator slack, so bytes per request is an upper bound.")
    lines.append("")
    return "\n".join(lines)


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", 10)))
    p.add_argument("--warmup", type=float, default=float(env("BENCH_WARMUP", 2)))
    p.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", 3)))
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--start-timeout", type=float, default=20.0)
    p.add_argument("--settle", type=float, default=1.0)
    p.add_argument("--mb-record-seconds", type=float, default=30.0,
                   help="seconds mountebank's recording imposter is loaded (default 30)")
    p.add_argument("--record-limit-seconds", type=float, default=120.0,
                   help="most seconds rehearsal's recording runs may take (default 120)")
    p.add_argument("--servers", default=env("BENCH_SERVERS", "rehearsal,mountebank"))
    p.add_argument("--base-port", type=int, default=int(env("BENCH_BASE_PORT", 5000)) + 500)
    p.add_argument("--no-pin", action="store_true")
    p.add_argument("--wrk", default=env("WRK", "wrk"))
    p.add_argument("--rehearsal-bin", default=env("REHEARSAL_BIN", str(
        Path(env("CARGO_TARGET_DIR", str(b.ROOT / "target"))) / "release/rehearsal")))
    p.add_argument("--mb-dir", default=env("MB_DIR", str(b.BENCH_DIR / ".cache/mountebank")))
    p.add_argument("--out", default=str(b.BENCH_DIR / "results/scale.md"))
    return p.parse_args()


def main() -> int:
    args = parse_args()
    args.loadavg_before = b._loadavg()
    usable = sorted(os.sched_getaffinity(0))
    args.nproc = len(usable)
    if args.no_pin or len(usable) < 2:
        args.server_cpus, args.load_cpus = None, None
    else:
        args.server_cpus, args.load_cpus = {usable[0]}, {usable[1]}
        os.sched_setaffinity(0, args.load_cpus)
    workdir = Path(tempfile.mkdtemp(prefix="rehearsal-scale-"))
    lua = workdir / "report.lua"
    lua.write_text(b.WRK_LUA)
    mb_main = Path(args.mb_dir).resolve() / "node_modules/mountebank/bin/mb"
    rehearsal = str(Path(args.rehearsal_bin).resolve())
    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]

    def rehearsal_argv(port, *extra):
        return [rehearsal, "start", "--port", str(port), "--nologfile", "--loglevel", "warn", *extra]

    def mb_argv(port):
        return ["node", str(mb_main), "start", "--port", str(port), "--loglevel", "warn",
                "--nologfile", "--pidfile", str(workdir / f"mb-{port}.pid")]

    base = args.base_port
    jobs = []
    if "rehearsal" in wanted:
        jobs += [
            ("stubs_rehearsal", lambda: many_stubs("rehearsal", rehearsal_argv(base), base, args, workdir, lua)),
            ("record_rehearsal_cap", lambda: recording(
                "rehearsal (default cap)", rehearsal_argv(base + 10), base + 10, args, workdir, lua,
                RECORD_TARGET, args.record_limit_seconds)),
            ("record_rehearsal_all", lambda: recording(
                "rehearsal (every request kept)",
                rehearsal_argv(base + 20, "--maxRecordedRequests", str(RECORD_TARGET)), base + 20,
                args, workdir, lua, RECORD_TARGET, args.record_limit_seconds)),
        ]
    if "mountebank" in wanted:
        jobs += [
            ("stubs_mountebank", lambda: many_stubs("mountebank", mb_argv(base + 30), base + 30, args, workdir, lua)),
            ("record_mountebank", lambda: recording(
                "mountebank", mb_argv(base + 40), base + 40, args, workdir, lua, None,
                args.mb_record_seconds)),
        ]
    results = {}
    for key, job in jobs:
        try:
            results[key] = job()
        except Exception as exc:  # one scenario failing must not stop the others
            results[key] = {"error": str(exc)}
            b.log(f"{key}: skipped: {exc}")
            b.kill_all()
    report = render(results, args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(report)
    b.log(f"written {out}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
