#!/usr/bin/env python3
"""Bounded load run of the reference server on loopback.

Starts `reelkit-server serve` (SQLite and the local store in a temp dir, or
PostgreSQL with --database-url) on 127.0.0.1, signs up N clients (one
organisation each), gives each a video and a queued job, then for
--seconds every client loops: create a project, list projects, poll its
job. Prints requests/s and p50/p99 latency, overall and per operation.

Only ever targets 127.0.0.1.

    python3 benches/scripts/server_load.py --server target/release/reelkit-server --clients 16 --seconds 20
"""

import argparse
import http.client
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection to 127.0.0.1."""

    def __init__(self, port, token=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = token

    def call(self, method, path, body=None, headers=None):
        hdrs = dict(headers or {})
        if self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        data = body
        if isinstance(body, (dict, list)):
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=hdrs)
        resp = self.conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw and resp.getheader("Content-Type", "").startswith("application/json") else raw)


def multipart(path):
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: video/mp4\r\n\r\n").encode()
    return head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", str(pathlib.Path.home() / ".cache/reelkit/target")), "release/reelkit-server"))
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--database-url", default=None, help="postgres://... (default: SQLite in the temp data dir)")
    args = ap.parse_args()

    data = tempfile.mkdtemp(prefix="reelkit-load-")
    port = free_port()
    env = dict(os.environ, REELKIT_LOG="warn")
    # The load is on the API: jobs stay queued (no worker runs them).
    cmd = [args.server, "serve", "--addr", f"127.0.0.1:{port}", "--data", data, "--no-worker"]
    if args.database_url:
        cmd += ["--database-url", args.database_url]
    proc = subprocess.Popen(cmd, env=env, stderr=open(os.path.join(data, "server.log"), "w"))
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        video, ctype = multipart(ROOT / "examples" / "sample.mp4")
        sessions = []
        for i in range(args.clients):
            c = Client(port)
            status, body = c.call("POST", "/v1/auth/signup", {"email": f"load{i}@example.com", "password": "load testing pw", "organization": f"Load {i}"})
            assert status == 201, (status, body)
            c.token = body["access_token"]
            status, project = c.call("POST", "/v1/projects", {"name": "seed"})
            status, v = c.call("POST", f"/v1/projects/{project['id']}/videos", video, {"Content-Type": ctype})
            assert status == 201, (status, v)
            status, job = c.call("POST", f"/v1/videos/{v['id']}/jobs", {"kind": "probe"})
            assert status == 202, (status, job)
            sessions.append((c, job["id"]))

        latencies = {"create_project": [], "list_projects": [], "poll_job": []}
        errors = []
        lock = threading.Lock()
        stop_at = time.perf_counter() + args.seconds

        def run(client, job_id):
            local = {k: [] for k in latencies}
            n = 0
            while time.perf_counter() < stop_at:
                for op, method, path, body in (
                    ("create_project", "POST", "/v1/projects", {"name": f"p{n}"}),
                    ("list_projects", "GET", "/v1/projects?limit=10", None),
                    ("poll_job", "GET", f"/v1/jobs/{job_id}", None),
                ):
                    t0 = time.perf_counter()
                    status, _ = client.call(method, path, body)
                    local[op].append(time.perf_counter() - t0)
                    if status >= 400:
                        errors.append((op, status))
                n += 1
            with lock:
                for k, v in local.items():
                    latencies[k].extend(v)

        started = time.perf_counter()
        threads = [threading.Thread(target=run, args=s) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started

        every = [x for v in latencies.values() for x in v]
        print(f"clients={args.clients} seconds={elapsed:.1f} database={'postgres' if args.database_url else 'sqlite'} server={args.server}")
        print(f"{'operation':<16} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for op, values in [*latencies.items(), ("all", every)]:
            print(f"{op:<16} {len(values):>9} {len(values) / elapsed:>8.0f} {percentile(values, 50) * 1000:>8.2f} {percentile(values, 99) * 1000:>8.2f}")
        print(f"errors={len(errors)}")
        if errors:
            print(errors[:10])
            sys.exit(1)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
