#!/usr/bin/env python3
"""Python-driven checks of the reference server, run by `scripts/test.sh`:

1. the Kubernetes manifests validate offline against the bundled schemas
   (`kubernetes-validate --strict`), a broken copy fails (so the check can
   fail), the GPU worker asks for `nvidia.com/gpu`, and the server settings
   in the ConfigMap pass `reelkit-server check-config`;
2. a bounded property-based run of `schemathesis` against `/openapi.json`
   of a live server on 127.0.0.1: no 5xx on any operation.

Usage: checks.py --server PATH_TO_reelkit-server [--only k8s|schemathesis]
"""

import argparse
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "reference-server" / "deploy" / "k8s"
VENV_BIN = pathlib.Path(sys.executable).parent


def say(msg):
    print(f"--> {msg}", flush=True)


def tool(name):
    path = VENV_BIN / name
    return str(path) if path.exists() else shutil.which(name) or name


def check_k8s(server):
    manifests = sorted(DEPLOY.glob("*.yaml"))
    assert manifests, f"no manifests in {DEPLOY}"
    say(f"kubernetes-validate --strict on {len(manifests)} manifests")
    subprocess.run([tool("kubernetes-validate"), "--strict", "--quiet", *map(str, manifests)], check=True)

    with tempfile.TemporaryDirectory() as tmp:
        broken = pathlib.Path(tmp) / "broken.yaml"
        docs = list(yaml.safe_load_all((DEPLOY / "worker.yaml").read_text()))
        docs[0]["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
        broken.write_text(yaml.safe_dump_all(docs))
        result = subprocess.run([tool("kubernetes-validate"), "--strict", "--quiet", str(broken)], capture_output=True)
        assert result.returncode != 0, "the validator accepted a misspelt field"

    kinds = {}
    for path in manifests:
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                kinds.setdefault(doc["kind"], []).append(doc)
    deployments = {d["metadata"]["name"]: d for d in kinds["Deployment"]}
    for name in ("reelkit-api", "reelkit-worker", "reelkit-worker-gpu"):
        assert name in deployments, f"deployment {name} missing"
    gpu = deployments["reelkit-worker-gpu"]["spec"]["template"]["spec"]["containers"][0]
    assert gpu["resources"]["limits"].get("nvidia.com/gpu") == 1, "the GPU worker asks for a GPU"
    assert gpu["args"][0] == "worker"
    assert deployments["reelkit-api"]["spec"]["template"]["spec"]["containers"][0]["args"][0] == "serve"
    statefulsets = {d["metadata"]["name"] for d in kinds["StatefulSet"]}
    assert {"reelkit-postgres", "reelkit-objects"} <= statefulsets, statefulsets

    say("the ConfigMap's settings pass `reelkit-server check-config`")
    config = next(d for d in kinds["ConfigMap"] if d["metadata"]["name"] == "reelkit-server")
    secret = next(d for d in kinds["Secret"] if d["metadata"]["name"] == "reelkit-secrets")["stringData"]
    with tempfile.TemporaryDirectory() as tmp:
        toml = pathlib.Path(tmp) / "server.toml"
        toml.write_text(config["data"]["server.toml"])
        env = dict(os.environ)
        env.update({
            "REELKIT_DATABASE_URL": secret["database-url"],
            "REELKIT_SERVER__AUTH__JWT_SECRET": secret["jwt-secret"],
            "REELKIT_SERVER__STORE__ACCESS_KEY_ID": secret["store-access-key"],
            "REELKIT_SERVER__STORE__SECRET_ACCESS_KEY": secret["store-secret-key"],
            "REELKIT_SERVER__WORKER__QUEUES": '["gpu", "default"]',
        })
        out = subprocess.run([server, "check-config", "--config", str(toml)], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert secret["jwt-secret"] not in out.stdout, "secrets stay out of the printout"

    dockerfile = (ROOT / "reference-server" / "Dockerfile").read_text()
    assert "--features reelkit-server/cuda" in dockerfile and "AS gpu" in dockerfile
    say("manifests ok")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method, url, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def upload(url, path, token):
    boundary = "reelkit-checks-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def check_schemathesis(server, examples):
    with tempfile.TemporaryDirectory() as data:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(pathlib.Path(data) / "server.log", "w")
        # Jobs the run queues stay queued: the run is about the API.
        env = dict(os.environ, REELKIT_SERVER__EMBEDDED_WORKER="false")
        proc = subprocess.Popen([server, "serve", "--addr", f"127.0.0.1:{port}", "--data", data], stderr=log, stdout=log, env=env)
        try:
            for _ in range(300):
                try:
                    request("GET", f"{base}/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            signed = request("POST", f"{base}/v1/auth/signup",
                             {"email": "fuzz@example.com", "password": "fuzzing is fun", "organization": "Fuzzers"})
            token = signed["access_token"]
            # Real resources, so operations get past "not found" to their logic.
            project = request("POST", f"{base}/v1/projects", {"name": "fuzz"}, token)
            video = upload(f"{base}/v1/projects/{project['id']}/videos", ROOT / "examples" / "sample.mp4", token)
            job = request("POST", f"{base}/v1/videos/{video['id']}/jobs", {"kind": "probe"}, token)
            up = request("POST", f"{base}/v1/projects/{project['id']}/uploads", {"filename": "f.mp4", "size": 1000}, token)
            srt = pathlib.Path(data) / "n.srt"
            srt.write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n")
            artifact = upload(f"{base}/v1/projects/{project['id']}/files", srt, token)
            key = request("POST", f"{base}/v1/orgs/{signed['organization_id']}/api-keys", {"name": "fuzz"}, token)
            config = pathlib.Path(data) / "schemathesis.toml"
            config.write_text("\n".join([
                "[parameters]",
                f'"path.project_id" = "{project["id"]}"',
                f'"path.video_id" = "{video["id"]}"',
                f'"path.job_id" = "{job["id"]}"',
                f'"path.upload_id" = "{up["id"]}"',
                f'"path.artifact_id" = "{artifact["id"]}"',
                f'"path.org_id" = "{signed["organization_id"]}"',
                f'"path.user_id" = "{signed["user_id"]}"',
                f'"path.key_id" = "{key["id"]}"',
                "",
            ]))
            say(f"schemathesis: {examples} examples per operation, no 5xx allowed")
            started = time.time()
            result = subprocess.run([
                tool("st"), "--config-file", str(config), "run", f"{base}/openapi.json",
                "--checks", "not_a_server_error",
                "--max-examples", str(examples),
                "--seed", "17",
                "--workers", "2",
                "--generation-database", "none",
                "--phases", "examples,coverage,fuzzing",
                "--request-timeout", "30",
                # Deleting the fixtures would leave the rest nothing to work on
                # (deletion is covered by the Rust tests).
                "--exclude-method-regex", "DELETE",
                "--header", f"Authorization: Bearer {token}",
                "--no-color",
            ], cwd=data)
            say(f"schemathesis finished in {time.time() - started:.0f} s")
            # The server is still healthy and our data intact.
            request("GET", f"{base}/v1/projects/{project['id']}", token=token)
            log.flush()
            server_log = (pathlib.Path(data) / "server.log").read_text()
            panics = [line for line in server_log.splitlines() if "panicked" in line or "request failed" in line]
            if result.returncode != 0 or panics:
                print(server_log[-4000:])
                sys.exit(f"schemathesis found failures (exit {result.returncode}); server errors: {panics[:5]}")
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--only", choices=["k8s", "schemathesis"])
    parser.add_argument("--examples", type=int, default=int(os.environ.get("REELKIT_FUZZ_EXAMPLES", "25")))
    args = parser.parse_args()
    if args.only in (None, "k8s"):
        check_k8s(args.server)
    if args.only in (None, "schemathesis"):
        check_schemathesis(args.server, args.examples)


if __name__ == "__main__":
    main()
