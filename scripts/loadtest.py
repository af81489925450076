#!/usr/bin/env python3
"""Bounded load test of a running Fractal Goals server on this machine (loopback only).

N virtual users sign in through the sign-in page, then for a fixed time mix reads (fractal list,
goal tree, sessions list, session detail, API lists) with writes (create a session, add an
activity, start and stop its timer, record values) through the session-authenticated API, the way
the pages' scripts do. Afterwards every successful write is checked against what the server
stored: zero errors and no lost writes, or the exit status is 1. Latency percentiles are printed
and written as JSON.

Plain Python (threads, http.client); it never imports Django. See docs/SECURITY.md for the setup:

    python scripts/loadtest.py --base http://127.0.0.1:8765 --username load --password '...' \\
        --users 50 --duration 60 --max-requests 60000 --output load-results.json
"""

import argparse
import http.client
import ipaddress
import json
import random
import re
import socket
import sys
import threading
import time
import uuid
from collections import defaultdict
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

READ_WEIGHT = 0.7
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoadError(Exception):
    pass


def loopback_only(base):
    """Refuse any target that is not this machine."""
    parts = urlsplit(base)
    if parts.scheme != "http" or not parts.hostname:
        raise LoadError("--base must be an http:// URL of this machine, e.g. http://127.0.0.1:8765")
    for info in socket.getaddrinfo(parts.hostname, parts.port or 80):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            raise LoadError(f"{parts.hostname} is not a loopback address: this script only targets 127.0.0.0/8 or ::1")
    return parts.hostname, parts.port or 80


class Stats:
    """Latencies and outcomes per request kind, shared by all virtual users."""

    def __init__(self, max_requests):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = []
        self.count = 0
        self.max_requests = max_requests
        self.writes = defaultdict(int)

    def reserve(self):
        with self.lock:
            if self.count >= self.max_requests:
                return False
            self.count += 1
            return True

    def record(self, kind, seconds, status, detail=""):
        with self.lock:
            self.latencies[kind].append(seconds)
            if status is None or status >= 400:
                self.errors.append(f"{kind}: {status} {detail}"[:300])

    def wrote(self, kind, amount=1):
        with self.lock:
            self.writes[kind] += amount


class Client:
    """One browser: its own connection and cookies (sent whatever their Secure flag: the server
    may run the production profile, which marks cookies Secure behind a TLS proxy)."""

    def __init__(self, host, port, stats, https_proxy_header):
        self.host, self.port, self.stats = host, port, stats
        self.cookies = {}
        self.connection = None
        self.extra_headers = {"X-Forwarded-Proto": "https"} if https_proxy_header else {}

    def request(self, kind, method, path, body=None, form=None, count=True):
        if count and not self.stats.reserve():
            raise StopIteration
        headers = {"Host": f"{self.host}:{self.port}", **self.extra_headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["Accept"] = "application/json"
        elif form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if method not in {"GET", "HEAD"} and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Referer"] = f"https://{self.host}:{self.port}/"
        started = time.perf_counter()
        status, payload = None, b""
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                status = response.status
                for header in response.headers.get_all("Set-Cookie") or []:
                    cookie = SimpleCookie()
                    cookie.load(header)
                    for name, morsel in cookie.items():
                        self.cookies[name] = morsel.value
                break
            except (http.client.HTTPException, OSError) as error:
                self.connection = None
                if attempt == 1:
                    payload = str(error).encode()
        elapsed = time.perf_counter() - started
        if count:
            self.stats.record(kind, elapsed, status, f"{method} {path} {payload[:150]!r}")
        return status, payload

    def json(self, kind, method, path, body=None):
        if body is None and method != "GET":
            body = {}
        status, payload = self.request(kind, method, path, body=body)
        try:
            return status, json.loads(payload or b"null")
        except ValueError:
            return status, None

    def sign_in(self, username, password):
        status, page = self.request("sign-in", "GET", "/accounts/login/", count=False)
        match = CSRF_INPUT.search(page)
        if status != 200 or not match:
            raise LoadError(f"the sign-in page answered {status}")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1).decode()}
        status, _ = self.request("sign-in", "POST", "/accounts/login/", form=form, count=False)
        if status != 302 or "sessionid" not in self.cookies:
            raise LoadError(f"signing in as {username} failed (status {status}); check the password")


def collect(client, path, limit=200):
    """Results of a paginated API list (at most ``limit`` rows), outside the measured load."""
    rows = []
    while path and len(rows) < limit:
        status, data = client.json("setup", "GET", path)
        if status != 200:
            raise LoadError(f"GET {path} answered {status}")
        rows.extend(data["results"])
        following = urlsplit(data["next"]) if data.get("next") else None
        path = following and following.path + (f"?{following.query}" if following.query else "")
    return rows


class Fixture:
    """What the virtual users work with: one fractal, goals to link, a plain activity, sessions to read."""

    def __init__(self, client, fractal_id):
        client.stats.max_requests += 10_000  # setup requests are not counted against the budget
        fractals = collect(client, "/api/fractals/")
        if not fractals:
            raise LoadError("the user has no fractal: load a dataset first (see docs/SECURITY.md)")
        fractal = next((f for f in fractals if f["id"] == fractal_id), fractals[0]) if fractal_id else fractals[0]
        self.root = fractal["id"]
        api = f"/api/fractals/{self.root}"
        self.goals = [goal["id"] for goal in collect(client, f"{api}/goals/?level=ShortTermGoal", 20)]
        self.goals += [goal["id"] for goal in collect(client, f"{api}/goals/?level=ImmediateGoal", 20)]
        activities = collect(client, f"{api}/activities/", 500)
        plain = [a for a in activities if not a.get("has_sets") and not a.get("has_splits") and a.get("metrics")]
        if not self.goals or not plain:
            raise LoadError("the fractal needs short-term goals and an activity with metrics and no sets or splits")
        self.activity = plain[0]["id"]
        self.metrics = [metric["id"] for metric in plain[0]["metrics"]]
        self.sessions = [session["id"] for session in collect(client, f"{api}/sessions/", 100)]
        client.stats.max_requests -= 10_000


def virtual_user(number, args, stats, fixture, run_id, created, stop_at):
    host, port = loopback_only(args.base)
    client = Client(host, port, stats, args.https_proxy_header)
    try:
        client.sign_in(args.username, args.password)
    except LoadError as error:
        stats.record("sign-in", 0.0, None, str(error))
        return
    rng = random.Random(number)
    root = fixture.root
    api = f"/api/fractals/{root}"
    chain = None  # this user's current write sequence: session → instance → timer → values → stop
    reads = [
        ("page: fractal list", "/"),
        ("page: goal tree", f"/fractals/{root}/"),
        ("page: sessions list", f"/fractals/{root}/sessions/"),
        ("api: sessions list", f"{api}/sessions/"),
        ("api: instances list", f"{api}/instances/"),
        ("api: goals list", f"{api}/goals/"),
    ]
    try:
        while time.monotonic() < stop_at:
            if rng.random() < READ_WEIGHT:
                if fixture.sessions and rng.random() < 0.3:
                    session = rng.choice(fixture.sessions)
                    client.request("page: session detail", "GET", f"/fractals/{root}/sessions/{session}/")
                else:
                    kind, path = rng.choice(reads)
                    client.request(kind, "GET", path)
                continue
            chain = write_step(client, api, fixture, run_id, number, chain, created, rng)
    except StopIteration:
        pass


def write_step(client, api, fixture, run_id, number, chain, created, rng):
    """Advance this user's write sequence by one request; returns the new state."""
    if chain is None or chain["step"] == "done":
        body = {
            "name": f"load-{run_id}-u{number}-{uuid.uuid4().hex[:8]}",
            "goals": [rng.choice(fixture.goals)],
            "new_sections": [{"name": "Main", "planned_minutes": 20}],
        }
        status, data = client.json("write: create session", "POST", f"{api}/sessions/", body)
        if status == 201:
            client.stats.wrote("sessions")
            created[data["id"]] = {"instances": 0, "values": 0}
            return {"step": "session", "session": data["id"]}
        return None
    session = chain["session"]
    if chain["step"] == "session":
        body = {"session": session, "activity": fixture.activity}
        status, data = client.json("write: add activity", "POST", f"{api}/instances/", body)
        if status == 201:
            client.stats.wrote("instances")
            created[session]["instances"] += 1
            return {**chain, "step": "instance", "instance": data["id"]}
        return chain
    instance = chain["instance"]
    if chain["step"] == "instance":
        status, _ = client.json("write: start timer", "POST", f"{api}/instances/{instance}/start/", {})
        return {**chain, "step": "running"} if status == 200 else chain
    if chain["step"] == "running":
        cells = [{"metric": metric, "value": rng.randint(1, 200)} for metric in fixture.metrics]
        status, _ = client.json("write: record values", "POST", f"{api}/instances/{instance}/values/", cells)
        if status == 200:
            client.stats.wrote("values", len(cells))
            created[session]["values"] += len(cells)
            return {**chain, "step": "recorded"}
        return chain
    status, _ = client.json("write: stop timer", "POST", f"{api}/instances/{instance}/stop/", {})
    if status == 200:
        client.stats.wrote("stopped timers")
        created[session].setdefault("stopped", set()).add(instance)
        # One more instance in the same session half of the time, else a new session.
        return {"step": "session", "session": session} if rng.random() < 0.5 else {"step": "done"}
    return chain


def verify(client, fixture, run_id, created):
    """Compare what the server stored with the successful write responses."""
    problems = []
    api = f"/api/fractals/{fixture.root}"
    stored = collect(client, f"{api}/sessions/?{urlencode({'name': f'load-{run_id}-'})}", 1_000_000)
    stored_ids = {session["id"] for session in stored}
    if stored_ids != set(created):
        problems.append(f"sessions: {len(created)} created, {len(stored_ids)} stored")
    for session, expected in created.items():
        instances = collect(client, f"{api}/instances/?session={session}", 1000)
        values = sum(len(instance.get("values") or []) for instance in instances)
        if len(instances) != expected["instances"] or values != expected["values"]:
            problems.append(
                f"session {session}: {expected['instances']} instances / {expected['values']} values written, "
                f"{len(instances)} / {values} stored"
            )
        for instance in instances:
            if instance["id"] in expected.get("stopped", set()) and instance["time_stop"] is None:
                problems.append(f"instance {instance['id']}: its stop was answered 200 but it is still running")
    return problems


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8765", help="Server URL on this machine.")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--fractal", help="Fractal id (default: the user's first).")
    parser.add_argument("--users", type=int, default=50, help="Concurrent virtual users (max 200).")
    parser.add_argument("--duration", type=float, default=60, help="Seconds of load (max 600).")
    parser.add_argument("--max-requests", type=int, default=60_000, help="Hard cap on measured requests.")
    parser.add_argument(
        "--https-proxy-header",
        action="store_true",
        help="Send X-Forwarded-Proto: https (for a server running the production profile behind no TLS proxy).",
    )
    parser.add_argument("--output", help="Write the results as JSON to this file.")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 200 or not 0 < args.duration <= 600 or not 0 < args.max_requests <= 500_000:
        parser.error("keep the load bounded: --users 1..200, --duration up to 600 s, --max-requests up to 500000")
    host, port = loopback_only(args.base)
    stats = Stats(args.max_requests)
    setup = Client(host, port, stats, args.https_proxy_header)
    setup.sign_in(args.username, args.password)
    fixture = Fixture(setup, args.fractal)
    run_id = uuid.uuid4().hex[:10]
    created = {}
    started = time.monotonic()
    stop_at = started + args.duration
    threads = [
        threading.Thread(target=virtual_user, args=(n, args, stats, fixture, run_id, created, stop_at), daemon=True)
        for n in range(args.users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.duration + 120)
    elapsed = time.monotonic() - started
    stats.max_requests = 10**9  # verification is not part of the load
    lost = verify(setup, fixture, run_id, created)

    measured = {kind: values for kind, values in stats.latencies.items() if kind != "setup"}
    everything = [value for values in measured.values() for value in values]
    report = {
        "users": args.users,
        "duration_seconds": round(elapsed, 1),
        "requests": len(everything),
        "requests_per_second": round(len(everything) / elapsed, 1),
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
        "writes_acknowledged": dict(stats.writes),
        "lost_writes": lost,
        "p50_ms": round(percentile(everything, 0.50) * 1000, 1),
        "p95_ms": round(percentile(everything, 0.95) * 1000, 1),
        "p99_ms": round(percentile(everything, 0.99) * 1000, 1),
        "by_kind": {
            kind: {
                "requests": len(values),
                "p50_ms": round(percentile(values, 0.50) * 1000, 1),
                "p95_ms": round(percentile(values, 0.95) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
            }
            for kind, values in sorted(measured.items())
        },
    }
    print(
        f"{report['requests']} requests in {report['duration_seconds']} s by {args.users} users "
        f"({report['requests_per_second']}/s); errors: {report['errors']}; lost writes: {len(lost)}"
    )
    print(f"latency p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms")
    print(f"{'request':<28}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for kind, row in report["by_kind"].items():
        print(f"{kind:<28}{row['requests']:>8}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['max_ms']:>10}")
    print("writes acknowledged:", ", ".join(f"{key} {value}" for key, value in sorted(stats.writes.items())))
    for line in stats.errors[:10] + lost[:10]:
        print("  !", line)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LoadError as error:
        print(f"loadtest: {error}", file=sys.stderr)
        sys.exit(2)
