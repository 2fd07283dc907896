#!/usr/bin/env python3
"""Side-by-side benchmark: rehearsal vs. mountebank 2.9.1 vs. the limit.

Normally started through bench/run.sh, which installs wrk and mountebank,
builds the limit (and rehearsal) and then runs this script. Python 3 stdlib
only. See bench/README.md for what is measured and the caveats.

Every server is spawned by this script, pinned to one CPU, and killed on
exit (normal exit, exception, Ctrl-C or SIGTERM). All traffic goes to
127.0.0.1.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as _dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
HOST = "127.0.0.1"
MIB = 1024 * 1024
STUB_COUNT = 10
LOAD_PATH = "/stub9"  # matches the last of the 10 stubs
EXPECTED_BODY = "stub 9"

# --------------------------------------------------------------------------
# process bookkeeping: everything we spawn is killed on the way out
# --------------------------------------------------------------------------

_LIVE: dict[int, subprocess.Popen] = {}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _kill_proc(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """SIGTERM the process group we created for `proc`, SIGKILL after `grace`."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # its own group (start_new_session)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                log(f"warning: pid {proc.pid} did not die after SIGKILL")
    else:
        # leader gone; make sure nothing it started is left in its group
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _LIVE.pop(proc.pid, None)


def kill_all() -> None:
    for proc in list(_LIVE.values()):
        _kill_proc(proc, grace=2.0)


def _on_signal(signum, _frame):
    log(f"signal {signum}: stopping all servers")
    kill_all()
    sys.exit(128 + signum)


atexit.register(kill_all)
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)


def spawn(cmd: list[str], cpus: set[int] | None, cwd: Path | None = None,
          stdout=subprocess.DEVNULL, stderr=None) -> subprocess.Popen:
    """Spawn `cmd` in its own session, pinned to `cpus` before exec.

    Pinning in the child with sched_setaffinity is exactly what
    `taskset -c N cmd` does, without an extra exec that would be counted
    in the start-up time.
    """

    def pre():
        if cpus:
            os.sched_setaffinity(0, cpus)

    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=stderr, start_new_session=True, preexec_fn=pre)
    _LIVE[proc.pid] = proc
    return proc


# --------------------------------------------------------------------------
# small HTTP helpers (http.client: ignores *_proxy variables, always loopback)
# --------------------------------------------------------------------------


def http_request(port: int, method: str, path: str, body: object | None = None,
                 headers: dict[str, str] | None = None, timeout: float = 10.0):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        payload = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, payload
    finally:
        conn.close()


def answers_http(port: int, timeout: float = 1.0) -> bool:
    """True when something on `port` answers one HTTP request with a status line."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /imposters HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Accept: application/json\r\nConnection: close\r\n\r\n")
            buf = b""
            while len(buf) < 8:
                chunk = s.recv(64)
                if not chunk:
                    break
                buf += chunk
            return buf.startswith(b"HTTP/1.")
    except OSError:
        return False


def wait_until_answers(port: int, proc: subprocess.Popen, timeout: float,
                       interval: float = 0.001) -> float | None:
    """Tight poll (~1 ms) until `port` answers HTTP. Returns the monotonic time
    of the first answer, or None on timeout / process exit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers_http(port):
            return time.monotonic()
        if proc.poll() is not None:
            return None
        time.sleep(interval)
    return None


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.connect((HOST, port))
            return False  # something listens
        except OSError:
            return True


# --------------------------------------------------------------------------
# /proc readings
# --------------------------------------------------------------------------


def _status_field(pid: int, name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024  # kB -> bytes
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cpus_allowed(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _descendants(pid: int) -> list[int]:
    """All descendants of `pid` (via /proc/*/stat ppid)."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parent_of[int(entry)] = ppid
        except (OSError, ValueError, IndexError):
            continue
    out, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        out.extend(kids)
        frontier.extend(kids)
    return out


def rss_bytes(pid: int) -> tuple[int | None, int]:
    """VmRSS of `pid`, plus the VmRSS of its descendants (0 when none)."""
    main = _status_field(pid, "VmRSS")
    kids = sum(_status_field(k, "VmRSS") or 0 for k in _descendants(pid))
    return main, kids


# --------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------

_UNIT_US = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}
_LAT_RE = re.compile(r"^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)\s*(us|ms|s|m|h)\s*$", re.M)
_RPS_RE = re.compile(r"^\s*Requests/sec:\s*([\d.]+)", re.M)
_TOTAL_RE = re.compile(r"^\s*(\d+)\s+requests in\s+([\d.]+)(us|ms|s|m|h)", re.M)
_SOCKERR_RE = re.compile(
    r"Socket errors:\s*connect\s+(\d+),\s*read\s+(\d+),\s*write\s+(\d+),\s*timeout\s+(\d+)")
_NON2XX_RE = re.compile(r"Non-2xx or 3xx responses:\s*(\d+)")
_JSON_MARK = "BENCH_JSON "

# A done() hook prints exact numbers (microseconds, counts) as one JSON line;
# the human-readable --latency output is parsed as well and used as fallback.
WRK_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    "BENCH_JSON ", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def parse_wrk(text: str) -> dict:
    """Parse wrk output. Returns rps, p50_ms, p99_ms, requests, errors dict."""
    out: dict = {}
    for line in text.splitlines():
        if line.startswith(_JSON_MARK):
            try:
                j = json.loads(line[len(_JSON_MARK):])
                secs = j["duration_us"] / 1e6
                out = {
                    "rps": j["requests"] / secs if secs > 0 else None,
                    "p50_ms": j["p50_us"] / 1e3,
                    "p99_ms": j["p99_us"] / 1e3,
                    "requests": j["requests"],
                    "errors": {k: j[k] for k in ("connect", "read", "write", "timeout")},
                    "non2xx": j["status"],
                    "source": "lua",
                }
            except (ValueError, KeyError, TypeError):
                out = {}
    text_vals: dict = {}
    m = _RPS_RE.search(text)
    if m:
        text_vals["rps"] = float(m.group(1))
    lat = {p: float(v) * _UNIT_US[u] / 1e3 for p, v, u in _LAT_RE.findall(text)}
    if "50" in lat:
        text_vals["p50_ms"] = lat["50"]
    if "99" in lat:
        text_vals["p99_ms"] = lat["99"]
    m = _TOTAL_RE.search(text)
    if m:
        text_vals["requests"] = int(m.group(1))
    m = _SOCKERR_RE.search(text)
    errs = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else \
        {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    text_vals["errors"] = errs
    m = _NON2XX_RE.search(text)
    text_vals["non2xx"] = int(m.group(1)) if m else 0
    if not out:
        out = dict(text_vals, source="text")
    else:
        # keep wrk's own Requests/sec line when present (same definition)
        if "rps" in text_vals:
            out["rps"] = text_vals["rps"]
    for k in ("rps", "p50_ms", "p99_ms"):
        out.setdefault(k, None)
    return out


def run_wrk(args, port: int, close: bool, duration: float, lua: Path,
            path: str = LOAD_PATH) -> dict:
    cmd = [args.wrk, "-t", str(args.threads), "-c", str(args.connections),
           "-d", f"{duration:g}s", "--latency", "-s", str(lua)]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"http://{HOST}:{port}{path}")
    proc = spawn(cmd, args.load_cpus, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        text, _ = proc.communicate(timeout=duration + 60)
    except subprocess.TimeoutExpired:
        _kill_proc(proc)
        raise RuntimeError("wrk did not finish in time")
    finally:
        _LIVE.pop(proc.pid, None)
    text = text.decode(errors="replace")
    res = parse_wrk(text)
    res["cmd"] = " ".join(cmd)
    res["raw"] = text
    if res["rps"] is None:
        raise RuntimeError(f"could not parse wrk output:\n{text}")
    return res


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------


@dataclass
class Server:
    key: str
    title: str
    api_port: int          # port polled for start-up, and the control API
    ka_port: int           # port loaded in keep-alive mode
    close_port: int        # port loaded in close mode
    is_mock: bool          # has a control API; imposters are created on it
    argv: callable         # port -> argv
    cwd: Path | None = None
    version: str = ""
    result: dict = field(default_factory=dict)


def stub_list(keep_alive: bool, count: int = STUB_COUNT) -> list[dict]:
    stubs = []
    for n in range(count):
        is_ = {"statusCode": 200, "body": f"stub {n}"}
        if keep_alive:
            is_["headers"] = {"Connection": "keep-alive"}
        stubs.append({"predicates": [{"equals": {"method": "GET", "path": f"/stub{n}"}}],
                      "responses": [{"is": is_}]})
    return stubs


def create_imposters(srv: Server) -> None:
    for port, ka in ((srv.ka_port, True), (srv.close_port, False)):
        body = {"protocol": "http", "port": port,
                "name": f"bench-{'keepalive' if ka else 'close'}", "stubs": stub_list(ka)}
        status, _, payload = http_request(srv.api_port, "POST", "/imposters", body)
        if status != 201:
            raise RuntimeError(f"POST /imposters (port {port}) answered {status}: "
                               f"{payload[:300].decode(errors='replace')}")


def check_responses(srv: Server) -> None:
    """One request per load port before loading it: right body, right Connection."""
    for port, ka in ((srv.ka_port, True), (srv.close_port, False)):
        hdrs = {} if ka else {"Connection": "close"}
        status, headers, body = http_request(port, "GET", LOAD_PATH, headers=hdrs)
        if status != 200 or body.decode(errors="replace") != EXPECTED_BODY:
            raise RuntimeError(f"GET {LOAD_PATH} on {port} answered {status} {body[:100]!r}, "
                               f"expected 200 {EXPECTED_BODY!r}")
        conn_hdr = headers.get("connection", "").lower()
        if ka and conn_hdr == "close":
            raise RuntimeError(f"keep-alive imposter on {port} answered Connection: close")


def start_server(srv: Server, port_offset: int, cpus, timeout: float):
    """Spawn; returns (proc, startup_seconds) or raises with a reason."""
    port = srv.api_port + port_offset
    if not port_is_free(port):
        raise RuntimeError(f"port {port} is already in use")
    errf = tempfile.TemporaryFile()
    t0 = time.monotonic()
    proc = spawn(srv.argv(port), cpus, cwd=srv.cwd, stdout=errf, stderr=errf)
    t1 = wait_until_answers(port, proc, timeout)
    if t1 is None:
        code = proc.poll()
        _kill_proc(proc)
        errf.seek(0)
        tail = errf.read()[-400:].decode(errors="replace").strip().replace("\n", " | ")
        why = (f"exited with code {code}" if code is not None
               else f"did not answer on port {port} within {timeout:g} s")
        raise RuntimeError("did not start: " + why + (f"; output: {tail}" if tail else ""))
    return proc, t1 - t0


def measure_startup(srv: Server, args) -> None:
    """Start `srv` `startup_runs` times on fresh ports; record every time and the median."""
    times = []
    for i in range(args.startup_runs):
        proc, dt = start_server(srv, 10 + i, args.server_cpus, args.start_timeout)
        times.append(dt)
        _kill_proc(proc)
    srv.result["startup_ms"] = [t * 1e3 for t in times]
    srv.result["startup_median_ms"] = statistics.median(times) * 1e3 if times else None
    log(f"{srv.key}: start-up ms {', '.join(f'{t * 1e3:.1f}' for t in times)}")


def prepare(srv: Server, args) -> subprocess.Popen:
    """Start the measured instance, create its imposters, check them, read idle RSS."""
    proc, _ = start_server(srv, 0, args.server_cpus, args.start_timeout)
    srv.result["pinned_to"] = _cpus_allowed(proc.pid)
    if srv.is_mock:
        create_imposters(srv)
    check_responses(srv)
    return proc


def kill_all_but(running: dict) -> None:
    """Kill whatever we spawned that is not a running, measured server."""
    keep = {proc.pid for _, proc in running.values()}
    for pid, proc in list(_LIVE.items()):
        if pid not in keep:
            _kill_proc(proc)


MODES = (("keepalive", False), ("close", True))


def load_rounds(running: dict[str, tuple[Server, subprocess.Popen]], args, lua: Path) -> None:
    """Per mode, `rounds` rounds; in each round every server is loaded in turn.

    Interleaving means every server meets the same machine conditions
    (other processes, thermal state) within seconds of the others, so the
    ratios hold even when absolute numbers drift during the run. The first
    time a server meets a mode it gets a warm-up run first.
    """
    for mode, close in MODES:
        for rnd in range(args.rounds):
            for key, (srv, proc) in list(running.items()):
                port = srv.close_port if close else srv.ka_port
                try:
                    if rnd == 0 and args.warmup > 0:
                        run_wrk(args, port, close, args.warmup, lua)
                    res = run_wrk(args, port, close, args.duration, lua)
                    if proc.poll() is not None:
                        raise RuntimeError(f"server exited during the {mode} run "
                                           f"(code {proc.returncode})")
                except Exception as exc:  # drop this server, keep the others going
                    srv.result["error"] = f"{mode} load, round {rnd + 1}: {exc}"
                    log(f"{key}: dropped: {srv.result['error']}")
                    _kill_proc(proc)
                    del running[key]
                    continue
                srv.result.setdefault(mode + "_rounds", []).append(
                    {k: res[k] for k in ("rps", "p50_ms", "p99_ms", "requests", "errors",
                                         "non2xx", "source", "cmd")})
                errs = sum(res["errors"].values())
                log(f"{key} {mode} round {rnd + 1}/{args.rounds}: {res['rps']:.0f} req/s, "
                    f"p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms, "
                    f"socket errors {errs}, non-2xx {res['non2xx']}")
    # per mode and metric: the median over the rounds; errors are summed
    for srv, _ in running.values():
        for mode, _close in MODES:
            rounds = srv.result.get(mode + "_rounds") or []
            if rounds:
                srv.result[mode] = {
                    **{k: statistics.median(x[k] for x in rounds) for k in ("rps", "p50_ms", "p99_ms")},
                    "errors": {k: sum(x["errors"][k] for x in rounds) for k in rounds[0]["errors"]},
                    "non2xx": sum(x["non2xx"] for x in rounds),
                }


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------


def _fmt_rps(v):
    return "–" if v is None else f"{v:,.0f}"


def _fmt_ms(v):
    if v is None:
        return "–"
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:,.0f}"


def _fmt_mib(v):
    return "–" if v is None else f"{v / MIB:.1f}"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def _paired_ratio(a: Server | None, b: Server | None, path) -> float | None:
    """Median of the per-round ratios a/b for a load metric (mode, metric).

    Round i of both servers ran seconds apart, so each per-round ratio is
    measured under the same machine conditions; their median is robust to
    drift during the run. None when not a load metric or rounds are missing.
    """
    if len(path) != 2 or _get(a, *path) is None or _get(b, *path) is None:
        return None
    mode, metric = path
    ra, rb = a.result.get(mode + "_rounds") or [], b.result.get(mode + "_rounds") or []
    pairs = [x[metric] / y[metric] for x, y in zip(ra, rb) if y[metric]]
    return statistics.median(pairs) if pairs and len(ra) == len(rb) else None


def _fmt_ratio(r):
    return "–" if r is None else (f"{r:.2f}×" if r < 10 else f"{r:.1f}×")


def _get(srv: Server | None, *path):
    if srv is None or srv.result.get("error"):
        return None
    cur = srv.result
    for p in path:
        if not isinstance(cur, dict) or p not in cur:
            return None
        cur = cur[p]
    return cur


def _errors_cell(srv, mode):
    if srv is None or srv.result.get("error") or mode not in srv.result:
        return "–"
    m = srv.result[mode]
    e = sum(m["errors"].values())
    return f"{e} / {m['non2xx']}"


def machine_info(args) -> list[str]:
    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            mem_total = f.readline().split()[1]
        mem = f"{int(mem_total) / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "?"
    commit = cmd_out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]) or "?"
    dirty = cmd_out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    wrk_version = (cmd_out([args.wrk, "--version"]) or "?").splitlines()[0]
    return [
        f"- date: {_dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M:%S %Z')}",
        f"- machine: nproc {args.nproc} ({os.cpu_count()} online), {cpu}, {mem} RAM, "
        f"Linux {platform.release()}",
        f"- load average before / after: {args.loadavg_before} / {_loadavg()}",
        f"- rehearsal commit: {commit}{' (with uncommitted changes)' if dirty else ''}",
        f"- wrk: {wrk_version}; "
        f"node {cmd_out(['node', '--version'])}",
    ]


def _loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def _short(msg: str, n: int = 80) -> str:
    msg = msg.replace("|", "/").replace("\n", " ")
    return msg if len(msg) <= n else msg[: n - 1] + "…"


def render(servers: dict[str, Server], args) -> str:
    lim, mb, rh = servers.get("limit"), servers.get("mountebank"), servers.get("rehearsal")
    lines = ["# rehearsal benchmark: latest results", ""]
    lines += machine_info(args)
    pin = (f"server on CPU {','.join(map(str, sorted(args.server_cpus)))}, wrk on CPU "
           f"{','.join(map(str, sorted(args.load_cpus)))} (sched_setaffinity, as `taskset -c`)"
           if args.server_cpus else "none (fewer than 2 usable CPUs, or --no-pin)")
    lines += [
        f"- pinning: {pin}",
        f"- load: `wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency` "
        f"on `GET {LOAD_PATH}`, {args.rounds} round(s) per mode interleaved across the servers "
        f"({', '.join(args.order)}, {args.order[0]}, ...), each server's first run of a mode after a "
        f"{args.warmup:g} s warm-up; the table shows each metric's median over the rounds (errors "
        f"summed) and, for load metrics, the median of the per-round ratios (each round's "
        f"servers ran seconds apart)",
        f"- scenario: HTTP imposter with {STUB_COUNT} stubs (`equals` method + path), the request "
        f"matches the last stub; created with `POST /imposters`. Keep-alive mode: the stubs set "
        f"`Connection: keep-alive` in `is.headers` (mountebank and rehearsal answer "
        f"`Connection: close` by default). Close mode: default stubs, and wrk sends "
        f"`Connection: close`. The limit answers `200 stub 9` to anything.",
        f"- start-up: spawn until the API port answers an HTTP request, polled every ~1 ms, "
        f"median of {args.startup_runs}",
        "- RSS: VmRSS of the server process (for mountebank the node process) idle = after "
        "start-up and imposter creation, after load = after all load runs",
        "",
    ]
    versions = {k: s.version for k, s in servers.items()}
    head = ["what"] + [f"{s.title}" + (f" {versions[k]}" if versions[k] else "")
                       for k, s in servers.items()]
    head += ["rehearsal / limit", "rehearsal / mountebank", "target", "pass"]
    rows = []
    status = ["status"] + [("**skipped**: " + _short(s.result["error"])) if s.result.get("error")
                           else "ran" for s in servers.values()]
    rows.append(status + ["", "", "", ""])

    def row(label, fmt, path, target_desc, check):
        cells = [label] + [fmt(_get(s, *path)) for s in servers.values()]
        rv, lv, mv = _get(rh, *path), _get(lim, *path), _get(mb, *path)
        r_l, r_m = _paired_ratio(rh, lim, path), _paired_ratio(rh, mb, path)
        if r_l is None:
            r_l = _ratio(rv, lv)
        if r_m is None:
            r_m = _ratio(rv, mv)
        cells += [_fmt_ratio(r_l), _fmt_ratio(r_m), target_desc]
        verdict = check(rv, r_l)
        cells.append("–" if verdict is None else ("PASS" if verdict else "FAIL"))
        rows.append(cells)

    row("throughput keep-alive (req/s)", _fmt_rps, ("keepalive", "rps"), "≥ 0.9× limit",
        lambda v, r: None if r is None else r >= 0.9)
    row("throughput close (req/s)", _fmt_rps, ("close", "rps"), "≥ 0.9× limit",
        lambda v, r: None if r is None else r >= 0.9)
    row("p50 keep-alive (ms)", _fmt_ms, ("keepalive", "p50_ms"), "", lambda v, r: None)
    row("p99 keep-alive (ms)", _fmt_ms, ("keepalive", "p99_ms"), "≤ 1.5× limit",
        lambda v, r: None if r is None else r <= 1.5)
    row("p50 close (ms)", _fmt_ms, ("close", "p50_ms"), "", lambda v, r: None)
    row("p99 close (ms)", _fmt_ms, ("close", "p99_ms"), "≤ 1.5× limit",
        lambda v, r: None if r is None else r <= 1.5)
    row("start until the API answers (ms, median)", _fmt_ms, ("startup_median_ms",), "≤ 10 ms",
        lambda v, r: None if v is None else v <= 10)
    row("RSS idle (MiB)", _fmt_mib, ("rss_idle",), "≤ 10 MiB",
        lambda v, r: None if v is None else v <= 10 * MIB)
    row("RSS after load (MiB)", _fmt_mib, ("rss_after",), "≤ 20 MiB",
        lambda v, r: None if v is None else v <= 20 * MIB)
    row("peak RSS, VmHWM (MiB)", _fmt_mib, ("rss_peak",), "", lambda v, r: None)
    err_row = ["socket errors / non-2xx, keep-alive"] + [_errors_cell(s, "keepalive") for s in servers.values()]
    rows.append(err_row + ["", "", "", ""])
    err_row = ["socket errors / non-2xx, close"] + [_errors_cell(s, "close") for s in servers.values()]
    rows.append(err_row + ["", "", "", ""])

    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join(["---"] + ["---:"] * (len(head) - 3) + ["---", "---"]) + "|")
    for cells in rows:
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")

    notes = []
    for k, s in servers.items():
        if s.result.get("error"):
            notes.append(f"- **{s.title}: skipped**: {s.result['error']}")
    for k, s in servers.items():
        for mode, _close in MODES:
            rr = s.result.get(mode + "_rounds")
            if rr and len(rr) > 1:
                notes.append(f"- {s.title} {mode} rounds (req/s / p99 ms): "
                             + ", ".join(f"{x['rps']:,.0f} / {_fmt_ms(x['p99_ms'])}" for x in rr))
        st = s.result.get("startup_ms")
        if st:
            notes.append(f"- {s.title} start-up runs (ms): {', '.join(f'{t:.1f}' for t in st)}")
        kids = (s.result.get("rss_idle_children") or 0) + (s.result.get("rss_after_children") or 0)
        if kids:
            notes.append(f"- {s.title} had child processes; their RSS is not included "
                         f"(idle {_fmt_mib(s.result.get('rss_idle_children'))} MiB, after load "
                         f"{_fmt_mib(s.result.get('rss_after_children'))} MiB)")
    if rh is not None and not rh.result.get("error"):
        for other in (lim, mb):
            if other is None or other.result.get("error"):
                continue
            for mode, _close in MODES:
                ra, rb = rh.result.get(mode + "_rounds") or [], other.result.get(mode + "_rounds") or []
                if len(ra) > 1 and len(ra) == len(rb):
                    notes.append(f"- rehearsal / {other.key} throughput per round, {mode}: "
                                 + ", ".join(f"{x['rps'] / y['rps']:.2f}" for x, y in zip(ra, rb)))
    notes.append("- ratios compare numbers from this one run; absolute numbers drift 15–25% "
                 "between runs on shared machines. Pass/fail applies to rehearsal only; "
                 "socket errors in close mode are usually wrk's read errors at connection end.")
    lines += notes
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------


def parse_args():
    env = os.environ.get
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", 10)),
                   help="seconds of measured load per mode (default 10, env BENCH_DURATION)")
    p.add_argument("--warmup", type=float, default=float(env("BENCH_WARMUP", 2)),
                   help="seconds of warm-up load before a server's first run of each mode "
                        "(default 2, env BENCH_WARMUP)")
    p.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", 3)),
                   help="measured runs per server and mode, interleaved across servers; "
                        "each metric's median over the rounds is reported (default 3, env BENCH_ROUNDS)")
    p.add_argument("--connections", type=int, default=50)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--startup-runs", type=int, default=5)
    p.add_argument("--start-timeout", type=float, default=20.0,
                   help="seconds a server may take to answer before it is skipped")
    p.add_argument("--settle", type=float, default=1.0,
                   help="seconds to wait before reading RSS (default 1)")
    p.add_argument("--servers", default=env("BENCH_SERVERS", "limit,rehearsal,mountebank"),
                   help="comma-separated, in run order (default limit,rehearsal,mountebank)")
    p.add_argument("--base-port", type=int, default=int(env("BENCH_BASE_PORT", 5000)),
                   help="ports used: base+100.. limit, base+200.. mountebank, base+300.. rehearsal")
    p.add_argument("--no-pin", action="store_true", help="do not pin server and wrk to CPUs")
    p.add_argument("--wrk", default=env("WRK", "wrk"))
    p.add_argument("--limit-bin", default=env("LIMIT_BIN", str(BENCH_DIR / "limit/target/release/bench-limit")))
    p.add_argument("--rehearsal-bin", default=env("REHEARSAL_BIN", str(
        Path(env("CARGO_TARGET_DIR", str(ROOT / "target"))) / "release/rehearsal")))
    p.add_argument("--mb-dir", default=env("MB_DIR", str(BENCH_DIR / ".cache/mountebank")),
                   help="npm prefix holding node_modules/mountebank")
    p.add_argument("--out", default=str(BENCH_DIR / "results/latest.md"))
    return p.parse_args()


def main() -> int:
    args = parse_args()
    # servers run in a temporary cwd: make user-given paths absolute
    args.mb_dir = str(Path(args.mb_dir).resolve())
    args.limit_bin = str(Path(args.limit_bin).resolve())
    args.rehearsal_bin = str(Path(args.rehearsal_bin).resolve())
    args.loadavg_before = _loadavg()
    if shutil.which(args.wrk) is None:
        log(f"wrk not found ({args.wrk}); run bench/run.sh, or: sudo apt-get install wrk")
        return 2

    usable = sorted(os.sched_getaffinity(0))
    args.nproc = len(usable)  # what `nproc` says, before this driver pins itself
    if args.no_pin or len(usable) < 2:
        args.server_cpus, args.load_cpus = None, None
    else:
        args.server_cpus, args.load_cpus = {usable[0]}, {usable[1]}
        os.sched_setaffinity(0, args.load_cpus)  # this driver (the poller) stays off the server's CPU

    workdir = Path(tempfile.mkdtemp(prefix="rehearsal-bench-"))
    atexit.register(shutil.rmtree, workdir, True)  # after kill_all (atexit is LIFO)
    lua = workdir / "report.lua"
    lua.write_text(WRK_LUA)
    b = args.base_port
    mb_main = Path(args.mb_dir) / "node_modules/mountebank/bin/mb"
    mb_pkg = Path(args.mb_dir) / "node_modules/mountebank/package.json"

    catalogue = {
        "limit": Server("limit", "limit (bare hyper)", b + 100, b + 100, b + 100, False,
                        lambda port: [args.limit_bin, str(port)]),
        "mountebank": Server("mountebank", "mountebank", b + 200, b + 201, b + 202, True,
                             lambda port: ["node", str(mb_main), "start", "--port", str(port),
                                           "--loglevel", "warn", "--nologfile",
                                           "--pidfile", str(workdir / f"mb-{port}.pid")],
                             cwd=workdir),
        "rehearsal": Server("rehearsal", "rehearsal", b + 300, b + 301, b + 302, True,
                            lambda port: [args.rehearsal_bin, "start", "--port", str(port),
                                          "--nologfile", "--loglevel", "warn"],
                            cwd=workdir),
    }
    try:
        catalogue["mountebank"].version = json.loads(mb_pkg.read_text())["version"]
    except (OSError, ValueError, KeyError):
        pass

    wanted = [s.strip() for s in args.servers.split(",") if s.strip()]
    args.order = wanted
    unknown = [s for s in wanted if s not in catalogue]
    if unknown:
        log(f"unknown server(s): {unknown}; choose from {list(catalogue)}")
        return 2
    # table columns always in this order
    servers = {k: catalogue[k] for k in ("limit", "mountebank", "rehearsal") if k in wanted}

    prereq = {
        "limit": (Path(args.limit_bin), "build it: (cd bench/limit && cargo build --release)"),
        "mountebank": (mb_main, "install it: npm install --prefix bench/.cache/mountebank mountebank@2.9.1"),
        "rehearsal": (Path(args.rehearsal_bin), "build it: cargo build --release -p rehearsal-cli"),
    }
    # 1. start-up times, one server after the other, with nothing else running
    ready = []
    for key in wanted:
        srv = catalogue[key]
        path, how = prereq[key]
        if not path.exists():
            srv.result["error"] = f"{path} not found ({how})"
            log(f"{key}: skipped: {srv.result['error']}")
            continue
        try:
            measure_startup(srv, args)
            ready.append(srv)
        except Exception as exc:  # one server failing must not stop the others
            srv.result["error"] = str(exc)
            log(f"{key}: skipped: {exc}")
    # 2. the measured instances, all up together (idle ones cost nothing)
    running: dict[str, tuple[Server, subprocess.Popen]] = {}
    for srv in ready:
        try:
            running[srv.key] = (srv, prepare(srv, args))
        except Exception as exc:
            srv.result["error"] = str(exc)
            log(f"{srv.key}: skipped: {exc}")
            kill_all_but(running)
    time.sleep(args.settle)
    for srv, proc in running.values():
        srv.result["rss_idle"], srv.result["rss_idle_children"] = rss_bytes(proc.pid)
    # 3. load, interleaved
    load_rounds(running, args, lua)
    time.sleep(args.settle)
    for srv, proc in running.values():
        srv.result["rss_after"], srv.result["rss_after_children"] = rss_bytes(proc.pid)
        srv.result["rss_peak"] = _status_field(proc.pid, "VmHWM")
    kill_all()

    report = render(servers, args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)
    raw = {k: s.result for k, s in servers.items()}
    out.with_suffix(".json").write_text(json.dumps(raw, indent=2, default=str) + "\n")
    print(report)
    log(f"written {out} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
