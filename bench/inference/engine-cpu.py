#!/usr/bin/env python3
"""bench/inference/engine-cpu.py: llorch-engine's CPU per generated token, thread by thread, over a long window.

Starts one llorch-engine (a Release llorch-engine.dll) on 127.0.0.1 with as many slots as streams, keeps STREAMS
closed-loop streaming completions running (a new connection per request, as driver.py sends them), waits --warm
seconds (the tiered JIT's busiest seconds), then measures --window seconds and prints one JSON line:

  tok_s         token frames received per second in the window
  us_tok        the engine's CPU per token (all threads); decode: the llama-decode thread's share
  nondecode     us_tok - decode; threads: every thread name's CPU per token (".NET TP Worker": Kestrel, SSE
                frames, sends, the token hand-off; ".NET Tiered Com": the JIT)
  client_core   this script's CPU, cores; other_core: every other process on the machine, cores
  ready_s       start to /health 200; jit_total_s: the JIT thread's CPU from start to the window's end
  with --counters: thread-pool work items, bytes allocated and lock contentions per token (System.Runtime)

Optional, attached to the engine for the window: --counters FILE (dotnet-counters JSON), --trace FILE
(dotnet-trace, --trace-profile, Speedscope), --perf FILE (perf record -g; add --env DOTNET_PerfMapEnabled=1
--env DOTNET_EnableWriteXorExecute=0 for managed symbols), --strace FILE (strace -f -c: syscalls per token).
Compare builds by alternating them (A, B, A, B); bench/README.md, "llorch-engine's CPU beside the decode thread".
The engine is in its own process group and is stopped on every way out.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

# The driver's /proc readers: the same CPU accounting as its table's columns.
from driver import machine_busy_seconds, thread_cpu_seconds

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.join(HERE, "..", "..", "..", "shared", "models", "stories260K.gguf")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine-dll", required=True)
    ap.add_argument("--model", default=os.path.normpath(DEFAULT_MODEL))
    ap.add_argument("--streams", type=int, default=16)
    ap.add_argument("--warm", type=float, default=15, help="seconds of load before the window (default 15)")
    ap.add_argument("--window", type=int, default=10, help="measured seconds (default 10)")
    ap.add_argument("--n-predict", type=int, default=128)
    ap.add_argument("--ctx-per-slot", type=int, default=512)
    ap.add_argument("--port", type=int, default=18711)
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="engine environment, repeatable")
    ap.add_argument("--label", default="")
    ap.add_argument("--dtools", default=os.environ.get("DTOOLS", "/tmp/dtools"),
                    help="folder of dotnet-counters and dotnet-trace (default $DTOOLS or /tmp/dtools)")
    ap.add_argument("--counters", metavar="FILE")
    ap.add_argument("--trace", metavar="FILE")
    ap.add_argument("--trace-profile", default="dotnet-sampled-thread-time")
    ap.add_argument("--perf", metavar="FILE")
    ap.add_argument("--strace", metavar="FILE")
    return ap.parse_args()


def own_cpu():
    t = os.times()
    return t.user + t.system


def wait_ready(proc, port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llorch-engine exited with {proc.returncode} before it was ready")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit("llorch-engine was not ready after 60 s")


def counter_rates(path, tokens_per_s):
    """Mean per-second rates of a dotnet-counters JSON export, per token. The first sample covers the attach and the
    last one the end of the load, so both are left out."""
    with open(path) as f:
        events = json.load(f)["Events"]
    out = {}
    for key, name in (("tp_items_per_tok", "dotnet.thread_pool.work_item.count"),
                      ("alloc_B_per_tok", "dotnet.gc.heap.total_allocated"),
                      ("lock_contentions_per_tok", "dotnet.monitor.lock_contentions")):
        vals = [e["value"] for e in events if e["name"].startswith(name + " ")][1:-1]
        if vals:
            out[key] = round(sum(vals) / len(vals) / tokens_per_s, 3)
    return out


def main():
    a = parse_args()
    cmd = ["dotnet", a.engine_dll, "-m", a.model, "--host", "127.0.0.1", "--port", str(a.port),
           "-np", str(a.streams), "-c", str(a.ctx_per_slot * a.streams), "-t", "1", "-fa", "auto"]
    env = dict(os.environ, **dict(e.split("=", 1) for e in a.env))
    log = tempfile.NamedTemporaryFile(prefix="engine-cpu-", suffix=".log", delete=False)
    t_start = time.monotonic()
    eng = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    aux = []
    stop = threading.Event()
    try:
        wait_ready(eng, a.port)
        ready_s = time.monotonic() - t_start
        frames = [0] * a.streams

        def stream(i):
            seed = 1000 * i
            body = {"prompt": "Once upon a time", "n_predict": a.n_predict, "stream": True, "temperature": 0.8,
                    "top_k": 40, "top_p": 0.95, "min_p": 0.05, "repeat_penalty": 1.0, "cache_prompt": True}
            while not stop.is_set():
                seed += 1
                body["seed"] = seed
                c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=60)
                try:
                    c.request("POST", "/completion", body=json.dumps(body).encode(),
                              headers={"Content-Type": "application/json"})
                    r = c.getresponse()
                    while line := r.readline():
                        if line.startswith(b"data: ") and b'"stop":false' in line:
                            frames[i] += 1
                except OSError:
                    if not stop.is_set():
                        raise
                finally:
                    c.close()

        for i in range(a.streams):
            threading.Thread(target=stream, args=(i,), daemon=True).start()
        time.sleep(a.warm)

        pid = str(eng.pid)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if a.counters:
            aux.append(subprocess.Popen([os.path.join(a.dtools, "dotnet-counters"), "collect", "-p", pid, "--format", "json",
                                         "-o", a.counters, "--counters", "System.Runtime", "--refresh-interval", "1",
                                         "--duration", f"00:00:00:{a.window + 2:02d}"], **quiet))
            time.sleep(1.5)
        if a.trace:
            aux.append(subprocess.Popen([os.path.join(a.dtools, "dotnet-trace"), "collect", "-p", pid, "--profile",
                                         a.trace_profile, "--format", "Speedscope", "-o", a.trace,
                                         "--duration", f"00:00:00:{a.window:02d}"], **quiet))
            time.sleep(1.0)
        if a.strace and shutil.which("strace"):
            aux.append(subprocess.Popen(["timeout", "-s", "INT", str(a.window), "strace", "-f", "-c", "-o", a.strace,
                                         "-p", pid], **quiet))
        if a.perf and shutil.which("perf"):
            aux.append(subprocess.Popen(["perf", "record", "-F", "1999", "-g", "-p", pid, "-o", a.perf, "--",
                                         "sleep", str(a.window)], **quiet))

        th0, f0, m0, o0, w0 = thread_cpu_seconds(eng.pid), sum(frames), machine_busy_seconds(), own_cpu(), time.monotonic()
        time.sleep(a.window)
        th1, f1, m1, o1, w1 = thread_cpu_seconds(eng.pid), sum(frames), machine_busy_seconds(), own_cpu(), time.monotonic()
        stop.set()
        for p in aux:
            p.wait(timeout=120)

        tokens, dt = f1 - f0, w1 - w0
        if tokens == 0:
            raise SystemExit("no tokens in the window")
        engine_cpu = sum(th1.values()) - sum(th0.values())
        per_thread = {k: (th1[k] - th0.get(k, 0.0)) * 1e6 / tokens for k in th1}
        us_tok = engine_cpu * 1e6 / tokens
        decode = per_thread.get("llama-decode", 0.0)
        result = {
            "label": a.label, "streams": a.streams, "tok_s": round(tokens / dt), "us_tok": round(us_tok, 1),
            "decode": round(decode, 1), "nondecode": round(us_tok - decode, 1),
            "client_core": round((o1 - o0) / dt, 2), "other_core": round(max(0.0, m1 - m0 - engine_cpu - (o1 - o0)) / dt, 2),
            "load": os.getloadavg()[0], "ready_s": round(ready_s, 2),
            "jit_total_s": round(th1.get(".NET Tiered Com", 0.0), 2), "tokens": tokens,
            "threads": {k: round(v, 1) for v, k in sorted(((v, k) for k, v in per_thread.items() if v >= 0.5), reverse=True)},
        }
        if a.counters and os.path.exists(a.counters):
            result.update(counter_rates(a.counters, tokens / dt))
        print(json.dumps(result), flush=True)
    finally:
        stop.set()
        for p in aux:
            if p.poll() is None:
                p.terminate()
        try:
            os.killpg(eng.pid, signal.SIGTERM)
            eng.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(eng.pid, signal.SIGKILL)
        os.unlink(log.name)


if __name__ == "__main__":
    main()
