#!/usr/bin/env python3
"""How long the example service's whole suite takes (examples/orders).

    python3 bench/example_suite.py [--rounds 5]

Times, with everything built beforehand (the time of a developer's re-run, not of a build):

1. the Rust suite, `cargo test -p orders`: unit, integrated (a real Redis), service (the
   release binary as a process, with imposters), environment (rehearsal.toml) and contract
   tests;
2. the Python suite, pytest with mountepy starting rehearsal as `mb`, Redis and the binary.

Each is run --rounds times; the table gives the median wall time, the number of tests and
the time per test, beside the published reference for this workflow (a Python team's suite
of 51 tests in about 3 s, with mountebank: about 59 ms a test). Writes
bench/results/example-suite.md. Needs what the suites need (redis-server, python3 with venv);
the Python suite's virtualenv is the one examples/orders/python/run.sh makes.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "orders"
REFERENCE_TESTS, REFERENCE_SECONDS = 51, 3.0


def target_dir():
    """cargo's target directory, as scripts/target-dir.sh finds it for the shell scripts."""
    found = subprocess.run(["bash", str(ROOT / "scripts" / "target-dir.sh")],
                           check=True, capture_output=True, text=True).stdout
    return Path(found.strip())


def timed(command, cwd, env):
    """Wall seconds and output of a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout + done.stderr


def count(pattern, output):
    return sum(int(n) for n in re.findall(pattern, output))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    target = target_dir()
    env = dict(os.environ, ORDERS_BIN=str(target / "release" / "orders"),
               PYTHONDONTWRITEBYTECODE="1")
    # Everything built first, and the Python virtualenv made, by running the suites once.
    timed(["bash", str(EXAMPLE / "python" / "run.sh")], ROOT, env)
    timed(["cargo", "test", "-q", "-p", "orders", "--no-run"], ROOT, env)
    scratch = Path(tempfile.mkdtemp(prefix="rehearsal-example-suite-"))
    (scratch / "bin").mkdir()
    (scratch / "bin" / "mb").symlink_to(target / "debug" / "rehearsal")
    python_env = dict(env, PATH=f"{scratch / 'bin'}:{target / 'orders-python-venv' / 'bin'}:"
                                f"{os.environ['PATH']}")

    rust, python = [], []
    rust_tests = python_tests = 0
    for _ in range(args.rounds):
        seconds, output = timed(["cargo", "test", "-q", "-p", "orders"], ROOT, env)
        rust.append(seconds)
        rust_tests = count(r"test result: ok\. (\d+) passed", output)
        seconds, output = timed(["pytest", "-p", "no:cacheprovider", "-q",
                                 str(EXAMPLE / "python")], scratch, python_env)
        python.append(seconds)
        python_tests = count(r"(\d+) passed", output)

    reference_per_test = REFERENCE_SECONDS / REFERENCE_TESTS
    rows = [("Rust: `cargo test -p orders`", rust, rust_tests),
            ("Python: pytest + mountepy, rehearsal as `mb`", python, python_tests)]
    lines = [
        "# The example service's suite",
        "",
        f"Measured on {os.cpu_count()} CPUs; {args.rounds} rounds, everything built first;"
        " wall time of the whole command (`python3 bench/example_suite.py`).",
        "",
        "| suite | tests | median | fastest | per test | reference's time / this |",
        "|---|---|---|---|---|---|",
    ]
    for label, times, tests in rows:
        median = statistics.median(times)
        per_test = median / tests
        lines.append(f"| {label} | {tests} | {median:.2f} s | {min(times):.2f} s |"
                     f" {per_test * 1000:.0f} ms | {REFERENCE_SECONDS / median:.1f}x (suite),"
                     f" {reference_per_test / per_test:.1f}x (per test) |")
    lines += [
        f"| reference: a Python team's published suite, with mountebank | {REFERENCE_TESTS} |"
        f" about {REFERENCE_SECONDS:.0f} s | | {reference_per_test * 1000:.0f} ms | |",
        "",
        f"The reference is a published figure, not run here, and its suite is not this one"
        f" ({REFERENCE_TESTS} tests against {rust_tests} and {python_tests}), so the table gives"
        " both ratios: whole suite and per test.",
        "",
        "Per round (s):",
        "",
        "- Rust: " + ", ".join(f"{t:.2f}" for t in rust),
        "- Python: " + ", ".join(f"{t:.2f}" for t in python),
    ]
    report = "\n".join(lines) + "\n"
    (ROOT / "bench" / "results" / "example-suite.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
