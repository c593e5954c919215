#!/usr/bin/env python3
"""llorch batch against a sim: pool with a small queue: slot utilisation, failed tasks, 429s.

Starts orchestratord (its own process, 127.0.0.1, a fresh data folder) with one pool `bench`
(sim:batch?tps=TPS, SLOTS slots, a queue of QUEUE, policy reject), writes PROMPTS prompts as JSONL,
and runs `llorch batch` on them from CLIENTS llorch processes at once (the prompts split between
them; with two or more, together they send more than the pool holds, so the server answers 429 and
each client's ConcurrencyGate cuts and grows again). Meanwhile it reads GET /v1/pools/bench/health
every SAMPLE_MS and integrates busy slots over time:

    slot utilisation = busy slot-time / total slot-time, over the window from the first task's
    start to the last task's end (slot-time = ready slots x time).

It prints one line per client (llorch's own summary) and a results table. A benchmark, not a test:
the exit code is 0 whenever the run completed, whatever the figures (targets: utilisation >= 95 %,
zero failed tasks).
"""
import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sampler(threading.Thread):
    """Reads the pool's busy and ready slots every interval on one keep-alive connection."""

    def __init__(self, port, token, interval_s):
        super().__init__(daemon=True)
        self.port, self.token, self.interval_s = port, token, interval_s
        self.samples = []  # (monotonic seconds, busy, ready)
        self.stop = threading.Event()

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Authorization": f"Bearer {self.token}"}
        while not self.stop.is_set():
            conn.request("GET", "/v1/pools/bench/health", headers=headers)
            body = json.loads(conn.getresponse().read())
            m = body["metrics"]
            self.samples.append((time.monotonic(), m["busy_slots"], m["ready_slots"]))
            self.stop.wait(self.interval_s)


def utilisation(samples):
    """Busy slot-time over ready slot-time between the first and the last sample with a busy slot."""
    busy_at = [i for i, (_, busy, _) in enumerate(samples) if busy > 0]
    if not busy_at:
        return None, 0.0
    first, last = busy_at[0], busy_at[-1]
    busy_time = ready_time = 0.0
    for i in range(first, min(last + 1, len(samples) - 1)):
        t, busy, ready = samples[i]
        dt = samples[i + 1][0] - t
        busy_time += busy * dt
        ready_time += ready * dt
    window = samples[min(last + 1, len(samples) - 1)][0] - samples[first][0]
    return (busy_time / ready_time if ready_time else None), window


def metric_sum(port, token, name):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    text = conn.getresponse().read().decode()
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(name + "{"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", type=int, default=500)
    ap.add_argument("--clients", type=int, default=2, help="llorch batch processes sharing the prompts")
    ap.add_argument("--slots", type=int, default=4)
    ap.add_argument("--queue", type=int, default=4)
    ap.add_argument("--tps", type=int, default=500, help="sim pace per slot")
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--sample-ms", type=int, default=10)
    ap.add_argument("--configuration", default="Release", help="the build of orchestratord and llorch to run")
    a = ap.parse_args()

    orch_dll = os.path.join(REPO, "src", "LlamaOrch.Server", "bin", a.configuration, "net10.0", "orchestratord.dll")
    llorch_dll = os.path.join(REPO, "src", "LlamaOrch.Cli", "bin", a.configuration, "net10.0", "llorch.dll")
    for dll in (orch_dll, llorch_dll):
        if not os.path.exists(dll):
            sys.exit(f"{dll} is not built: dotnet build -c {a.configuration}")

    work = tempfile.mkdtemp(prefix="llorch-batch-bench-")
    port, token = free_port(), secrets.token_hex(16)
    model = f"sim:batch?tps={a.tps}"
    env = dict(os.environ, LLORCH_API_TOKEN=token)
    with open(os.path.join(work, "orchestratord.log"), "w") as log:
        orch = subprocess.Popen(
            ["dotnet", orch_dll, "--urls", f"http://127.0.0.1:{port}", f"--Orchestrator:DataDir={work}/data",
             "--Orchestrator:Pools:0:Id=bench", f"--Orchestrator:Pools:0:Model={model}",
             f"--Orchestrator:Pools:0:Slots={a.slots}", f"--Orchestrator:Pools:0:Queue:Capacity={a.queue}",
             "--Orchestrator:Pools:0:Queue:Policy=reject", "--Logging:LogLevel:Default=Warning"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    ok = False
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health")
                if json.loads(conn.getresponse().read()).get("ready"):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or orch.poll() is not None:
                sys.exit(f"orchestratord did not become ready; see {work}/orchestratord.log")
            time.sleep(0.1)

        inputs = []
        for c in range(a.clients):
            path = os.path.join(work, f"in-{c}.jsonl")
            with open(path, "w") as f:
                for i in range(c, a.prompts, a.clients):
                    f.write(json.dumps({"id": i, "prompt": f"prompt number {i}"}) + "\n")
            inputs.append(path)

        rejected_before = metric_sum(port, token, "tasks_rejected_total")
        sampler = Sampler(port, token, a.sample_ms / 1000)
        sampler.start()
        started = time.monotonic()
        runs = [subprocess.Popen(
            ["dotnet", llorch_dll, "batch", path, "--model", model, "--max-tokens", str(a.max_tokens), "--json",
             "-o", path.replace("in-", "out-"), "--url", f"http://127.0.0.1:{port}", "--token", token],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for path in inputs]
        summaries = []
        for run in runs:
            _, err = run.communicate()
            summaries.append(json.loads(err.strip().splitlines()[-1]))
        wall = time.monotonic() - started
        time.sleep(0.1)
        sampler.stop.set()
        sampler.join()
        rejected = metric_sum(port, token, "tasks_rejected_total") - rejected_before

        results = []
        for path in inputs:
            with open(path.replace("in-", "out-")) as f:
                results += [json.loads(line) for line in f]
        failed = sum(1 for r in results if "error" in r)
        util, window = utilisation(sampler.samples)

        concurrency = [f"{s['initial_concurrency']} -> {s['final_concurrency']} ({s['concurrency_cuts']})" for s in summaries]
        for c, s in enumerate(summaries):
            print(f"client {c}: {json.dumps(s)}", file=sys.stderr)
        print(f"# llorch batch bench: {a.prompts} prompts, {a.clients} llorch process(es), pool {model} "
              f"{a.slots} slots queue {a.queue}, max_tokens {a.max_tokens}, {a.configuration} build")
        print("| figure | value | target |")
        print("|---|---|---|")
        print(f"| slot utilisation (busy / total slot-time) | {util * 100:.1f} % over {window:.2f} s "
              f"({len(sampler.samples)} samples every {a.sample_ms} ms) | >= 95 % {'PASS' if util and util >= 0.95 else 'MISS'} |")
        print(f"| tasks done / failed | {sum(s['done'] for s in summaries)} / {failed} | 0 failed {'PASS' if failed == 0 else 'MISS'} |")
        print(f"| 429 answers (clients' count / server's tasks_rejected_total) | {sum(s['responses_429'] for s in summaries)} / {rejected:.0f} | - |")
        print(f"| tasks retried after a 429 | {sum(s['retried_after_429'] for s in summaries)} | - |")
        print(f"| concurrency start -> end (cuts), per client | "
              f"{', '.join(concurrency)} | - |")
        print(f"| tokens/s (all clients, wall {wall:.2f} s incl. llorch start) | {sum(s['tokens_out'] for s in summaries) / wall:.0f} | - |")
        ok = True
    finally:
        orch.kill()
        orch.wait()
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}", file=sys.stderr)


if __name__ == "__main__":
    main()
