"""openapi-core's side of the contract-checking benchmark: the same work as
crates/rehearsal-contract/examples/check_bench.rs, with the same command line and the same
JSON output. Runs in the venv that bench/contract/run.sh prepares (openapi-core from PyPI):

    python openapi_core_side.py load DOCUMENT [--no-spec-validation]
    python openapi_core_side.py check CASES.json CASE [--seconds 2] [--min-batches 10]

One exchange = build the request and response objects from the raw parts (openapi-core's
Request/Response protocols, as its framework adapters do), then `validate_request` and
`validate_response`; an error raised by either is collected, as rehearsal collects
violations.
"""

import json
import sys
import time
from urllib.parse import parse_qsl, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from werkzeug.datastructures import Headers, ImmutableMultiDict


class BenchRequest:
    """openapi_core.protocols.Request, from a method, a host, a target, headers, a body."""

    def __init__(self, host_url, method, target, headers, body):
        parts = urlsplit(target)
        self.host_url = host_url
        self.path = parts.path
        self.method = method.lower()
        self.body = body
        header_map = Headers(headers)
        self.content_type = (header_map.get("Content-Type") or "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            header=header_map,
            cookie=ImmutableMultiDict(),
            path={},
        )


class BenchResponse:
    """openapi_core.protocols.Response."""

    def __init__(self, status, headers, data):
        self.status_code = status
        self.headers = Headers(headers)
        self.content_type = (self.headers.get("Content-Type") or "").lower()
        self.data = data


def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def schema_errors(error):
    """(JSON pointer, message) of the schema errors behind an openapi-core error."""
    found = []
    seen = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        for schema_error in getattr(current, "schema_errors", None) or []:
            path = "".join("/" + str(part) for part in getattr(schema_error, "absolute_path", []))
            found.append((path, getattr(schema_error, "message", str(schema_error))))
            # nullable / oneOf wrappers: the errors of each branch.
            for sub in getattr(schema_error, "context", None) or []:
                found.append(("".join("/" + str(p) for p in sub.absolute_path), sub.message))
        stack.append(current.__cause__)
        stack.append(current.__context__)
    return found


def describe(error):
    found = schema_errors(error)
    detail = "; ".join(f"at {p or '/'}: {m}" for p, m in found) or str(error)
    return {
        "pointers": [p for p, _ in found],
        "location": type(error).__name__,
        "message": f"{type(error).__name__}: {detail}"[:300],
    }


def load(argv):
    document = argv[0]
    config = Config(spec_validator_cls=None) if "--no-spec-validation" in argv else None
    began = time.perf_counter()
    app = OpenAPI.from_file_path(document, config=config)
    elapsed = time.perf_counter() - began
    operations = sum(
        1
        for item in app.spec.read_value()["paths"].values()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    )
    return {
        "tool": "openapi-core",
        "spec_validation": config is None,
        "load_ms": elapsed * 1e3,
        "operations": operations,
        "rss_after_load_kib": status_kib("VmHWM"),
    }


def option(argv, name, default):
    return float(argv[argv.index(name) + 1]) if name in argv else default


def check(argv):
    cases_file, name = argv[0], argv[1]
    seconds = option(argv, "--seconds", 2.0)
    min_batches = int(option(argv, "--min-batches", 10))
    with open(cases_file) as f:
        case = next(c for c in json.load(f)["cases"] if c["name"] == name)
    host, method, target = case["host"], case["method"], case["target"]
    request_headers = [tuple(h) for h in case["request_headers"]]
    response_headers = [tuple(h) for h in case["response_headers"]]
    request_body = case["request_body"].encode()
    response_body = case["response_body"].encode()
    status = case["status"]

    def exchange(app):
        request = BenchRequest(host, method, target, request_headers, request_body)
        response = BenchResponse(status, response_headers, response_body)
        errors = []
        try:
            app.validate_request(request)
        except OpenAPIError as error:
            errors.append(error)
        try:
            app.validate_response(request, response)
        except OpenAPIError as error:
            errors.append(error)
        return errors

    began = time.perf_counter()
    app = OpenAPI.from_file_path(case["document"])
    load_s = time.perf_counter() - began
    rss_after_load = status_kib("VmHWM")

    began = time.perf_counter()
    errors = exchange(app)
    first = time.perf_counter() - began

    began = time.perf_counter()
    warm = 0
    while time.perf_counter() - began < 0.2 or warm < 3:
        exchange(app)
        warm += 1
    one = (time.perf_counter() - began) / warm
    batch = max(1, int(-(-0.02 // one)))
    per_check_us = []
    began = time.perf_counter()
    while time.perf_counter() - began < seconds or len(per_check_us) < min_batches:
        start = time.perf_counter()
        for _ in range(batch):
            exchange(app)
        per_check_us.append((time.perf_counter() - start) * 1e6 / batch)

    return {
        "tool": "openapi-core",
        "case": name,
        "load_ms": load_s * 1e3,
        "rss_after_load_kib": rss_after_load,
        "first_us": first * 1e6,
        "batch": batch,
        "steady_us": per_check_us,
        "errors": [describe(e) for e in errors],
        "rss_end_kib": status_kib("VmHWM"),
    }


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["load"]:
        out = load(argv[1:])
    elif argv[:1] == ["check"]:
        out = check(argv[1:])
    else:
        sys.exit(__doc__)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
