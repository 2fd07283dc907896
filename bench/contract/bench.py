#!/usr/bin/env python3
"""bench/contract/bench.py: contract checking, rehearsal-contract against openapi-core.

The same documents and the same exchanges in both tools, each measured in fresh processes:

- load: `Contract::load` against `OpenAPI.from_file_path` (which also validates the document
  against the OpenAPI meta-schema, unless `Config(spec_validator_cls=None)`: both are shown);
- check: one exchange (request + response) built from its raw parts and checked; the first
  check of a process (it compiles the validators) and the steady state (batches of ~20 ms
  for `--seconds`, per-check time of each batch) are reported apart;
- memory: `/usr/bin/time -v`'s "Maximum resident set size" of each process.

Every round runs every job once per tool, the tools alternating, so both meet the same
machine conditions; the table shows medians over the rounds and, for the steady state, the
median of the per-round ratios. Before any number counts, each side must find the exchange
valid, or report the planted violation at its pointer: otherwise the row says void.

Writes bench/contract/results/latest.md (and latest.json, not committed). Run through
bench/contract/run.sh, which prepares the venv and builds the example. Stdlib only.
"""

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DOCUMENTS = ROOT / "crates/rehearsal-contract/tests/documents/openapi-3.0"
MIB = 1024 * 1024

# --------------------------------------------------------------------------- the exchanges


def pets(count, planted_at=None):
    out = []
    for i in range(count):
        pet = {"id": i + 1, "name": f"pet {i + 1}", "tag": ["dog", "cat", "fish"][i % 3]}
        if i == planted_at:
            pet["id"] = "seven"
        out.append(pet)
    return out


def github_user(n, login=None):
    login = f"user{n}" if login is None else login
    base = "https://api.github.com/users/" + str(login)
    return {
        "login": login, "id": 1000 + n, "node_id": f"MDQ6VXNlcj{n:04d}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{1000 + n}?v=4",
        "gravatar_id": "", "url": base, "html_url": f"https://github.com/{login}",
        "followers_url": base + "/followers", "following_url": base + "/following{/other_user}",
        "gists_url": base + "/gists{/gist_id}", "starred_url": base + "/starred{/owner}{/repo}",
        "subscriptions_url": base + "/subscriptions", "organizations_url": base + "/orgs",
        "repos_url": base + "/repos", "events_url": base + "/events{/privacy}",
        "received_events_url": base + "/received_events", "type": "User",
        "user_view_type": "public", "site_admin": False,
    }


def issue_comments(count, planted_at=None):
    repo = "https://api.github.com/repos/octocat/hello-world"
    out = []
    for i in range(count):
        cid = 1_500_000_000 + i
        out.append({
            "url": f"{repo}/issues/comments/{cid}",
            "html_url": f"https://github.com/octocat/hello-world/issues/1347#issuecomment-{cid}",
            "issue_url": f"{repo}/issues/1347",
            "id": cid, "node_id": f"IC_kwDOABCDEF{i:06d}",
            "user": github_user(i % 7, login=7 if i == planted_at else None),
            "created_at": f"2026-01-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
            "updated_at": f"2026-02-{1 + i % 28:02d}T11:{i % 60:02d}:00Z",
            "author_association": ["OWNER", "CONTRIBUTOR", "NONE", "MEMBER"][i % 4],
            "body": f"Comment {i}: this reproduces on main, see the log above. " * 3,
            "reactions": {
                "url": f"{repo}/issues/comments/{cid}/reactions", "total_count": i % 5,
                "+1": i % 3, "-1": 0, "laugh": 0, "hooray": 0, "confused": 0,
                "heart": i % 2, "rocket": 0, "eyes": 0,
            },
            "performed_via_github_app": None,
        })
    return out


def cases(github_document):
    petstore = str(DOCUMENTS / "petstore.yaml")
    pet_request = {
        "document": petstore, "host": "http://petstore.swagger.io", "method": "GET",
        "target": "/v1/pets?limit=10", "request_headers": [["Accept", "application/json"]],
        "request_body": "", "status": 200,
        "response_headers": [["Content-Type", "application/json"], ["x-next", "/v1/pets?page=2"]],
    }
    gh_request = {
        "document": str(github_document), "host": "https://api.github.com", "method": "GET",
        "target": "/repos/octocat/hello-world/issues/1347/comments?since=2026-01-01T00:00:00Z&per_page=30",
        "request_headers": [["Accept", "application/vnd.github+json"], ["User-Agent", "bench"]],
        "request_body": "", "status": 200,
        "response_headers": [
            ["Content-Type", "application/json; charset=utf-8"],
            ["Link", '<https://api.github.com/repositories/1/issues/1347/comments?page=2>; rel="next"'],
        ],
    }
    return [
        dict(pet_request, name="petstore-valid", planted=None,
             response_body=json.dumps(pets(20))),
        dict(pet_request, name="petstore-invalid", planted="/7/id",
             response_body=json.dumps(pets(20, planted_at=7))),
        dict(gh_request, name="github-valid", planted=None,
             response_body=json.dumps(issue_comments(30))),
        dict(gh_request, name="github-invalid", planted="/12/user/login",
             response_body=json.dumps(issue_comments(30, planted_at=12))),
    ]


CASE_TEXT = {
    "petstore-valid": "petstore `GET /v1/pets?limit=10` → 200, 20 pets (0.9 KB)",
    "petstore-invalid": "the same, pet 7's `id` a string (planted at `/7/id`)",
    "github-valid": "GitHub `GET /repos/{owner}/{repo}/issues/{issue_number}/comments?since=…&per_page=30` → 200, 30 comments with their users and reactions (53 KB), and a `Link` header",
    "github-invalid": "the same, comment 12's `user.login` the number 7 (planted at `/12/user/login`)",
}

# --------------------------------------------------------------------------- running


def log(msg):
    print(f"[contract] {msg}", file=sys.stderr, flush=True)


def run_timed(cmd, timeout):
    """Runs cmd under /usr/bin/time -v: (its JSON output, max RSS in bytes)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as times:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", times.name, *cmd],
                              capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", times.read())
    return json.loads(proc.stdout.strip().splitlines()[-1]), (int(match.group(1)) * 1024 if match else None)


def tools(args):
    return {
        "rehearsal": [args.check_bench],
        "openapi-core": [args.python, str(HERE / "openapi_core_side.py")],
    }


def jobs(args, docs):
    """(key, tool, arguments) for one round."""
    out = []
    for doc_name, path in docs.items():
        out.append((f"load {doc_name}", "rehearsal", ["load", str(path)]))
        out.append((f"load {doc_name}", "openapi-core", ["load", str(path)]))
        out.append((f"load {doc_name} (no spec validation)", "openapi-core",
                    ["load", str(path), "--no-spec-validation"]))
    for case in args.case_names:
        for tool in ("rehearsal", "openapi-core"):
            out.append((f"check {case}", tool,
                        ["check", str(args.cases_file), case, "--seconds", str(args.seconds)]))
    return out


def verdict(case, output):
    """None when the tool saw what was planted (and nothing else), else why not."""
    errors = output["errors"]
    if case["planted"] is None:
        return None if not errors else f"reported {len(errors)} error(s) on a valid exchange: {errors[0]['message'][:200]}"
    seen = [p for e in errors for p in ([e["pointer"]] if "pointer" in e else e["pointers"])]
    if case["planted"] not in seen:
        return f"did not report {case['planted']} (saw {seen[:5]})"
    return None


# --------------------------------------------------------------------------- the report


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = sorted(v for v in values if v is not None)
    return (values[0], values[-1]) if values else (None, None)


def fmt(v, unit=""):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}{unit}"
    if v >= 10:
        return f"{v:.1f}{unit}"
    return f"{v:.2f}{unit}"


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def versions(args):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    py = out([args.python, "-c", "import sys, importlib.metadata as m; print(sys.version.split()[0], *(p + ' ' + m.version(p) for p in ('openapi-core', 'jsonschema', 'openapi-schema-validator', 'openapi-spec-validator', 'PyYAML')), sep='; ')"])
    libyaml = out([args.python, "-c", "import yaml; print(yaml.__with_libyaml__)"])
    oc = out([args.python, "-c", "import importlib.metadata as m; print(m.version('openapi-core'))"])
    jsonschema = "?"
    lock = ROOT / "Cargo.lock"
    if lock.exists():
        m = re.search(r'name = "jsonschema"\nversion = "([^"]+)"', lock.read_text())
        jsonschema = m.group(1) if m else "?"
    return {"python": py, "libyaml": libyaml, "openapi_core": oc,
            "rustc": out(["rustc", "--version"]), "jsonschema_crate": jsonschema}


def machine(args):
    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]) or "?"
    dirty = out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    return {
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"nproc {os.cpu_count()}, {cpu}, Linux {platform.release()}",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
    }


def render(results, args, info, versions_, loadavg_before, loadavg_after):
    oc_name = f"openapi-core {versions_['openapi_core']}"
    rounds = results["rounds"]

    def samples(key, tool, field):
        return [r[key][tool][0][field] for r in rounds if key in r and tool in r[key]
                and field in r[key][tool][0]]

    def rss(key, tool):
        return [r[key][tool][1] for r in rounds if key in r and tool in r[key]]

    lines = [f"# Contract checking: rehearsal-contract vs. {oc_name}", ""]
    lines += [
        f"- date: {info['date']}; machine: {info['machine']}",
        f"- load average before / after: {loadavg_before} / {loadavg_after}",
        f"- rehearsal commit: {info['commit']}; {versions_['rustc']}; jsonschema crate {versions_['jsonschema_crate']}; release profile",
        f"- Python {versions_['python']}; libyaml: {versions_['libyaml']}",
        f"- {len(rounds)} round(s); each job a fresh process, tools alternating within a round; "
        f"steady state: batches of ~20 ms for {args.seconds:g} s after 0.2 s of warm-up, per-check time per batch",
        "- time rows: median over the rounds (min–max); ratio rehearsal / openapi-core, lower is better "
        "(for checks/s higher is better); steady-state ratios are the median of the per-round ratios",
        "",
        f"| what | {oc_name} | rehearsal | rehearsal / openapi-core |",
        "|---|---:|---:|---:|",
    ]

    def cell(values, unit=""):
        m = med(values)
        lo, hi = spread(values)
        if m is None:
            return "–"
        return f"{fmt(m, unit)} ({fmt(lo)}–{fmt(hi)})" if len(values) > 1 else fmt(m, unit)

    def row(label, oc_values, rh_values, ratio=None, fmt_cell=cell):
        r = ratio if ratio is not None else (
            med(rh_values) / med(oc_values) if med(oc_values) and med(rh_values) is not None else None)
        lines.append(f"| {label} | {fmt_cell(oc_values)} | {fmt_cell(rh_values)} | {fmt_ratio(r)} |")

    for doc in results["documents"]:
        key = f"load {doc}"
        row(f"load {doc} (ms)", samples(key, "openapi-core", "load_ms"), samples(key, "rehearsal", "load_ms"))
        nospec = f"load {doc} (no spec validation)"
        row(f"load {doc}, openapi-core without spec validation (ms)",
            samples(nospec, "openapi-core", "load_ms"), samples(key, "rehearsal", "load_ms"))

    verdicts = results["verdicts"]
    for case in args.case_names:
        key = f"check {case}"
        void = [f"{tool}: {why}" for tool, why in verdicts.get(case, {}).items() if why]
        if void:
            lines.append(f"| {case} | VOID | VOID | {'; '.join(void)[:200]} |")
            continue
        row(f"{case}: first check (µs)", samples(key, "openapi-core", "first_us"), samples(key, "rehearsal", "first_us"))
        oc_steady = [med(s) for s in samples(key, "openapi-core", "steady_us")]
        rh_steady = [med(s) for s in samples(key, "rehearsal", "steady_us")]
        paired = [a / b for a, b in zip(rh_steady, oc_steady) if a and b]
        row(f"{case}: steady state (µs per check)", oc_steady, rh_steady, med(paired))
        row(f"{case}: steady state (checks/s)", [1e6 / v for v in oc_steady if v],
            [1e6 / v for v in rh_steady if v], med([1 / p for p in paired]) if paired else None)

    for doc in results["documents"]:
        key = f"load {doc}"
        row(f"peak RSS after loading {doc} (MiB)", [v / MIB for v in rss(key, "openapi-core") if v],
            [v / MIB for v in rss(key, "rehearsal") if v])
        if doc == "GitHub":
            row(f"peak RSS after loading {doc}, openapi-core without spec validation (MiB)",
                [v / MIB for v in rss(f"load {doc} (no spec validation)", "openapi-core") if v],
                [v / MIB for v in rss(key, "rehearsal") if v])
    for case in args.case_names:
        if case.endswith("-valid") and case.startswith("github"):
            key = f"check {case}"
            row(f"peak RSS, GitHub loaded + {args.seconds:g} s of `{case}` checks (MiB)",
                [v / MIB for v in rss(key, "openapi-core") if v], [v / MIB for v in rss(key, "rehearsal") if v])

    lines += ["", "Exchanges (identical bytes for both tools, from `cases.json`; request checked, then response):", ""]
    lines += [f"- `{name}`: {CASE_TEXT.get(name, name)}" for name in args.case_names]
    lines += ["", "What each side reported (first round):", ""]
    first = rounds[0] if rounds else {}
    for case in args.case_names:
        for tool in ("rehearsal", "openapi-core"):
            out = first.get(f"check {case}", {}).get(tool)
            if not out:
                continue
            errors = out[0]["errors"]
            shown = "; ".join(e["message"].replace("\n", " ").replace("|", "/")[:160] for e in errors) or "no violation"
            lines.append(f"- `{case}`, {tool}: {shown}")
    lines += ["", "Per round (steady state µs per check, rehearsal / openapi-core):", ""]
    for case in args.case_names:
        key = f"check {case}"
        per = []
        for r in rounds:
            if key in r and len(r[key]) == 2:
                a, b = med(r[key]["rehearsal"][0]["steady_us"]), med(r[key]["openapi-core"][0]["steady_us"])
                per.append(f"{fmt(a)} / {fmt(b)}")
        lines.append(f"- `{case}`: " + ", ".join(per))
    lines += [
        "",
        "- load: `Contract::load(path)` vs. `OpenAPI.from_file_path(path)`, timed inside the process "
        "(interpreter start-up and imports excluded); openapi-core's default also validates the whole "
        "document against the OpenAPI 3.0 meta-schema (openapi-spec-validator), which rehearsal does not "
        "(it checks syntax, version and that every `$ref` resolves), hence the second row",
        "- peak RSS: `/usr/bin/time -v` of the load-only process (for Python including the interpreter "
        "and its imports: see the petstore row for that baseline)",
        "- absolute numbers drift between runs on shared machines; compare the ratios",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seconds", type=float, default=2.0, help="steady-state time per check process")
    p.add_argument("--check-bench", required=True, help="the built check_bench example")
    p.add_argument("--python", required=True, help="python of the venv with openapi-core")
    p.add_argument("--cases", default="petstore-valid,petstore-invalid,github-valid,github-invalid")
    p.add_argument("--documents", default="petstore,github")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--out", default=str(HERE / "results"))
    return p.parse_args()


def main():
    args = parse_args()
    args.case_names = [c for c in args.cases.split(",") if c]
    before = loadavg()
    work = Path(tempfile.mkdtemp(prefix="contract-bench-"))
    try:
        github = work / "api.github.com.yaml"
        with gzip.open(DOCUMENTS / "github/api.github.com.yaml.gz", "rb") as src, open(github, "wb") as dst:
            shutil.copyfileobj(src, dst)
        all_cases = cases(github)
        args.cases_file = work / "cases.json"
        args.cases_file.write_text(json.dumps({"cases": all_cases}))
        by_name = {c["name"]: c for c in all_cases}
        docs = {name: path for name, path in
                (("petstore", DOCUMENTS / "petstore.yaml"), ("GitHub", github))
                if name.lower() in args.documents.lower().split(",")}
        commands = tools(args)
        results = {"documents": list(docs), "rounds": [], "verdicts": {}}
        for i in range(args.rounds):
            log(f"round {i + 1} of {args.rounds}")
            this = {}
            for key, tool, argv in jobs(args, docs):
                log(f"  {key}: {tool}")
                output, max_rss = run_timed(commands[tool] + argv, args.timeout)
                this.setdefault(key, {})[tool] = (output, max_rss)
                if key.startswith("check "):
                    case = key[len("check "):]
                    why = verdict(by_name[case], output)
                    if why:
                        log(f"  VOID: {tool} on {case}: {why}")
                    if i == 0 or why:
                        results["verdicts"].setdefault(case, {})[tool] = why
            results["rounds"].append(this)
        info, vers = machine(args), versions(args)
        after = loadavg()
        report = render(results, args, info, vers, before, after)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.md").write_text(report)
        (out / "latest.json").write_text(json.dumps(
            {"machine": info, "versions": vers, "loadavg": [before, after], "seconds": args.seconds,
             "cases": all_cases, **results}, indent=1, default=str))
        print(report)
        return 0 if not any(w for v in results["verdicts"].values() for w in v.values()) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
