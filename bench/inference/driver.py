#!/usr/bin/env python3
"""bench/inference driver: llorch-engine vs llama-server vs node-llama-cpp, same model, threads and sampling.

run.sh builds everything and calls this; see bench/README.md ("Inference: llorch-engine vs llama.cpp").
Every scenario runs alone: one engine process at a time is started, measured and killed, so no two engines
ever compete for the 2 cores. HTTP goes to 127.0.0.1 only. Exit code 0 whenever the run completed (a
missed target is not a failure), 1 when it could not run, 130 when interrupted.
"""
import argparse
import atexit
import datetime
import hashlib
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
CHILDREN = []  # every process this driver started; all are killed on the way out


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- processes

def kill_all():
    for p in CHILDREN:
        if p.poll() is None:
            try:
                p.terminate()
                p.wait(timeout=5)
            except Exception:
                try:
                    p.kill()
                    p.wait(timeout=5)
                except Exception:
                    pass


def on_signal(signum, _frame):
    log(f"signal {signum}: stopping every child")
    kill_all()
    sys.exit(130)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
    except OSError:
        return None


def thread_cpu_seconds(pid, names=None):
    """CPU seconds of a process's threads by name (the comm in /proc/PID/task/*/stat), summed per name, every name when
    names is None; {} if it is gone."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        if names is None or name in names:
            fields = text.rsplit(")", 1)[1].split()
            out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


# llorch-engine's threads worth their own column: the one that calls llama_decode and samples (its rate bounds the
# engine's), and .NET's background JIT, which recompiles hot methods at higher tiers in the first seconds of load.
DECODE_THREAD = "llama-decode"
JIT_THREAD = ".NET Tiered Com"
# The JIT counts as settled once it used less than this share of a core over a step of warm-up (settle_jit).
JIT_QUIET_PCT = 2.0


def machine_busy_seconds():
    """CPU-seconds used by everything on the machine so far (all of /proc/stat's first line but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK_TCK


def wait_for_quiet(max_wait_s, limit_pct=15.0):
    """Waits (up to max_wait_s) for a 1 s stretch in which the whole machine is busy under limit_pct of one core.
    Returns the last reading, in % of one core. Other tenants of a small VM make timings swing otherwise."""
    deadline = time.monotonic() + max_wait_s
    while True:
        a = machine_busy_seconds()
        time.sleep(1.0)
        busy = 100.0 * (machine_busy_seconds() - a)
        if busy < limit_pct or time.monotonic() >= deadline:
            return busy


def own_cpu_seconds():
    t = os.times()
    return t.user + t.system


class CpuWindow:
    """CPU of the engine, of this driver and of everything else on the machine over one measured window."""

    def __init__(self, pid):
        self.pid = pid
        self.a = (cpu_seconds(pid), own_cpu_seconds(), machine_busy_seconds())

    def close(self):
        b = (cpu_seconds(self.pid), own_cpu_seconds(), machine_busy_seconds())
        engine = b[0] - self.a[0] if b[0] is not None and self.a[0] is not None else None
        driver = b[1] - self.a[1]
        other = (b[2] - self.a[2]) - driver - (engine or 0.0)
        return engine, driver, max(other, 0.0)


class RssSampler:
    """Samples a process's VmRSS every 50 ms for its whole life; peak() reads a window of it."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            r = rss_kib(self.pid)
            if r is None:
                return
            self.samples.append((time.perf_counter(), r))
            self._stop.wait(0.05)

    def peak(self, t0, t1):
        vals = [r for t, r in self.samples if t0 <= t <= t1]
        return max(vals) if vals else None

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=2)


# ---------------------------------------------------------------- HTTP engines

def http_get(port, path, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def wait_http_ready(proc, port, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with code {proc.returncode} before it was ready")
        try:
            status, _ = http_get(port, "/health", timeout=2)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"not ready after {timeout_s} s")


def completion(port, body, stream, index, warmup):
    """One streaming POST /completion; every non-final data: frame is one token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    data = json.dumps(body).encode()
    t_send = time.perf_counter()
    conn.request("POST", "/completion", body=data, headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    if resp.status != 200:
        raise RuntimeError(f"POST /completion answered {resp.status}: {resp.read()[:300]!r}")
    first = last = None
    frames = 0
    parts = []
    final = None
    while True:
        line = resp.readline()
        if not line:
            break
        if not line.startswith(b"data: "):
            continue
        now = time.perf_counter()
        obj = json.loads(line[6:])
        parts.append(obj.get("content") or "")
        if obj.get("stop"):
            final = obj
            continue
        frames += 1
        if first is None:
            first = now
        last = now
    t_done = time.perf_counter()
    conn.close()
    if final is None:
        raise RuntimeError("the stream ended without a stop frame")
    text = "".join(parts)
    return {
        "warmup": warmup, "stream": stream, "index": index, "seed": body["seed"],
        "t_send": t_send, "t_first": first, "t_last": last, "t_done": t_done,
        "tokens": int(final.get("tokens_predicted", frames)), "frames": frames,
        "prompt_tokens": final.get("tokens_evaluated"), "stop_type": final.get("stop_type"),
        "content_sha": hashlib.sha256(text.encode()).hexdigest()[:16], "content_head": text[:60],
    }


def run_http_phase(port, cfg, seed_lists, warmup):
    """One closed-loop phase: a thread per stream runs its seeds one after another, all released together."""
    def body(seed):
        return {"prompt": cfg.prompt, "n_predict": cfg.n_predict, "stream": True, "seed": seed,
                "temperature": cfg.temperature, "top_k": cfg.top_k, "top_p": cfg.top_p, "min_p": cfg.min_p,
                "repeat_penalty": cfg.repeat_penalty, "cache_prompt": True}

    results, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(len(seed_lists) + 1)

    def worker(i, seed_list):
        try:
            barrier.wait()
            for j, seed in enumerate(seed_list):
                r = completion(port, body(seed), i, -1 if warmup else j, warmup)
                with lock:
                    results.append(r)
        except Exception as e:  # noqa: BLE001 - reported and counted
            with lock:
                errors.append(f"stream {i}: {e}")

    threads = [threading.Thread(target=worker, args=(i, s), daemon=True) for i, s in enumerate(seed_lists)]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return t0, time.perf_counter(), results, errors


# ---------------------------------------------------------------- one scenario per engine

SRV_LIBS = "llorch+srvlibs"  # llorch-engine on the libraries of the llama-server build (--lib-dir)
OWN_LIBS = "llorch+libdir"  # llorch-engine on the libraries in --lib-dir (e.g. src/LlamaOrch.LlamaCpp/build-llama-libs.sh's)


def engine_command(kind, cfg, model, port, slots):
    ctx_total = cfg.ctx_per_slot * slots
    if kind in ("llorch-engine", SRV_LIBS, OWN_LIBS):
        cmd = ["dotnet", cfg.engine_dll, "-m", model, "--host", "127.0.0.1", "--port", str(port),
               "-np", str(slots), "-c", str(ctx_total), "-t", str(cfg.threads), "-fa", cfg.flash_attn]
        if kind == SRV_LIBS:
            cmd += ["--lib-dir", os.path.dirname(os.path.abspath(cfg.llama_server))]
        if kind == OWN_LIBS:
            if not cfg.lib_dir:
                raise ValueError(f"{OWN_LIBS} needs --lib-dir")
            cmd += ["--lib-dir", os.path.abspath(cfg.lib_dir)]
        return cmd
    if kind == "llama-server":
        return [cfg.llama_server, "-m", model, "--host", "127.0.0.1", "--port", str(port),
                "-np", str(slots), "-c", str(ctx_total), "-t", str(cfg.threads), "-tb", str(cfg.threads),
                # --load-mode none is this llama.cpp's --no-mmap (llorch-engine and node-llama-cpp load without mmap)
                "--load-mode", "none", "--no-ui", "-fa", cfg.flash_attn, *cfg.llama_server_extra]
    raise ValueError(kind)


def summarize(kind, t0, t1, results, errors, rss_idle, rss_peak, cpu_s, extra=None):
    measured = [r for r in results if not r["warmup"]]
    tokens = sum(r["tokens"] for r in measured)
    wall = t1 - t0
    ttft = [(r["t_first"] - r["t_send"]) * 1000 for r in measured if r["t_first"] is not None]
    per_stream = [r["tokens"] / (r["t_done"] - r["t_send"]) for r in measured if r["t_done"] > r["t_send"]]
    decode = [(r["tokens"] - 1) / (r["t_last"] - r["t_first"]) for r in measured
              if r["t_first"] is not None and r["tokens"] > 1 and r["t_last"] > r["t_first"]]
    out = {
        "engine": kind, "requests": len(measured), "tokens": tokens, "wall_s": wall,
        "agg_tps": tokens / wall if wall > 0 else 0.0,
        "stream_tps": statistics.mean(per_stream) if per_stream else 0.0,
        "decode_tps": statistics.mean(decode) if decode else 0.0,
        "ttft_p50_ms": statistics.median(ttft) if ttft else None,
        "ttft_max_ms": max(ttft) if ttft else None,
        "rss_idle_kib": rss_idle, "rss_peak_kib": rss_peak,
        "cpu_pct": 100.0 * cpu_s / wall if (cpu_s is not None and wall > 0) else None,
        "frames_mismatch": sum(1 for r in measured if r["frames"] != r["tokens"]),
        "short": sum(1 for r in measured if r["tokens"] < r.get("n_predict", 10**9)),
        "errors": errors, "results": results,
    }
    if extra:
        out.update(extra)
    return out


def run_http_engine(kind, cfg, model, streams, warm_seeds, seeds, workdir, tag):
    port = free_port()
    slots = streams
    cmd = engine_command(kind, cfg, model, port, slots)
    logpath = os.path.join(workdir, f"{tag}.log")
    env = dict(os.environ)
    env["LLORCH_PARENT_PID"] = str(os.getpid())  # llorch-engine exits by itself if the driver dies
    if kind != "llama-server":
        for pair in cfg.engine_env:
            k, _, v = pair.partition("=")
            env[k] = v
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    with open(logpath, "wb") as logf:
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    CHILDREN.append(proc)
    sampler = RssSampler(proc.pid)
    try:
        t_start = time.perf_counter()
        wait_http_ready(proc, port, cfg.ready_timeout)
        load_s = time.perf_counter() - t_start
        time.sleep(1.0)
        rss_idle = rss_kib(proc.pid)
        info = {}
        try:
            status, raw = http_get(port, "/props")
            if status == 200:
                props = json.loads(raw)
                info["build_info"] = props.get("build_info")
                info["slots"] = props.get("total_slots")
        except (OSError, ValueError):
            pass
        # warm-up: --warmup requests per stream (default one), concurrently, unmeasured; then, for a .NET engine, more
        # until its tiered JIT is quiet; then the measured phase
        _, _, _, warm_errors = run_http_phase(port, cfg, [[w + 100_000 * k for k in range(cfg.warmup)] for w in warm_seeds], True)
        if warm_errors:
            raise RuntimeError(f"warm-up failed: {warm_errors[0]}")
        info["jit_settle_s"] = settle_jit(proc.pid, port, cfg, warm_seeds)
        window = CpuWindow(proc.pid)
        threads_before = thread_cpu_seconds(proc.pid, (DECODE_THREAD, JIT_THREAD))
        t0, t1, results, errors = run_http_phase(port, cfg, seeds, False)
        threads_after = thread_cpu_seconds(proc.pid, (DECODE_THREAD, JIT_THREAD))
        cpu_s, driver_s, other_s = window.close()
        for name, key in ((DECODE_THREAD, "decode_thread_s"), (JIT_THREAD, "jit_thread_s")):
            if name in threads_after:
                info[key] = threads_after[name] - threads_before.get(name, 0.0)
        rss_peak = sampler.peak(t0, t1)
        for r in results:
            r["n_predict"] = cfg.n_predict
        return summarize(kind, t0, t1, results, errors, rss_idle, rss_peak, cpu_s,
                         {"load_s": load_s, "log": logpath, "cmd": cmd, "driver_pct": 100.0 * driver_s / (t1 - t0),
                          "other_pct": 100.0 * other_s / (t1 - t0), **info})
    finally:
        sampler.stop()
        stop_process(proc)


def settle_jit(pid, port, cfg, warm_seeds):
    """More unmeasured load (a request per stream at a time, in steps of at least a second) until the engine's tiered
    JIT used under JIT_QUIET_PCT of a core during a step, at most --jit-settle-s. .NET recompiles an engine's hot methods
    for several seconds of load after a start, and a window that holds that measures the start, not the engine (its
    `jit` column read 16-29 % of a core in stories260K's windows before this). Returns the seconds it added; 0 for an
    engine without that thread (llama-server)."""
    began = time.perf_counter()
    rounds = cfg.warmup
    while time.perf_counter() - began < cfg.jit_settle_s:
        before = thread_cpu_seconds(pid, (JIT_THREAD,)).get(JIT_THREAD)
        if before is None:
            return 0.0
        step_began = time.perf_counter()
        while time.perf_counter() - step_began < 1.0:
            _, _, _, errors = run_http_phase(port, cfg, [[w + 100_000 * rounds] for w in warm_seeds], True)
            rounds += 1
            if errors:
                raise RuntimeError(f"warm-up failed: {errors[0]}")
        used = thread_cpu_seconds(pid, (JIT_THREAD,)).get(JIT_THREAD, before) - before
        if 100.0 * used / (time.perf_counter() - step_began) < JIT_QUIET_PCT:
            break
    return time.perf_counter() - began


def stop_process(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def run_node(cfg, model, streams, warm_seeds, seeds, workdir, tag):
    config = {
        "model": model, "threads": cfg.threads, "streams": streams, "ctxPerSeq": cfg.ctx_per_slot,
        "nPredict": cfg.n_predict, "prompt": cfg.prompt,
        "sampling": {"temperature": cfg.temperature, "top_k": cfg.top_k, "top_p": cfg.top_p, "min_p": cfg.min_p},
        "warmupSeeds": warm_seeds, "seeds": seeds,
    }
    env = dict(os.environ)
    env["NLC_DIR"] = cfg.nlc_dir
    logpath = os.path.join(workdir, f"{tag}.log")
    cmd = ["node", cfg.nlc_script, json.dumps(config)]
    with open(logpath, "wb") as logf:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=logf, stdin=subprocess.PIPE, env=env)
    CHILDREN.append(proc)
    sampler = RssSampler(proc.pid)
    results, errors = [], []
    try:
        t_start = time.perf_counter()
        events = {}

        def read_event():
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"node exited (code {proc.poll()}) early; see {logpath}")
            return json.loads(line)

        ev = read_event()
        if ev.get("event") != "ready":
            raise RuntimeError(f"unexpected first event {ev}")
        load_s = time.perf_counter() - t_start
        time.sleep(1.0)
        rss_idle = rss_kib(proc.pid)
        proc.stdin.write(b"go\n")
        proc.stdin.flush()
        node_t = {}
        while True:
            ev = read_event()
            kind = ev.get("event")
            if kind == "request":
                results.append(ev)
            elif kind == "measure_start":
                node_t["start"] = ev["t"]
                events["t0"] = time.perf_counter()
                window = CpuWindow(proc.pid)
            elif kind == "measure_end":
                node_t["end"] = ev["t"]
                events["t1"] = time.perf_counter()
                cpu_s, driver_s, other_s = window.close()
                break
        proc.wait(timeout=60)
        rss_peak = sampler.peak(events["t0"], events["t1"])
        # node's own clock for the window and the per-request times (ms -> s), so no pipe delay is counted
        for r in results:
            for k in ("t_send", "t_first", "t_last", "t_done"):
                if r[k] is not None:
                    r[k] = r[k] / 1000.0
            r["n_predict"] = cfg.n_predict
        t0, t1 = node_t["start"] / 1000.0, node_t["end"] / 1000.0
        # CPU% is over the driver-observed window; it is the same length within a few ms
        seen = events["t1"] - events["t0"]
        return summarize("node-llama-cpp", t0, t1, results, errors, rss_idle, rss_peak, cpu_s,
                         {"load_s": load_s, "log": logpath, "cmd": cmd[:2] + ["<config>"],
                          "driver_pct": 100.0 * driver_s / seen, "other_pct": 100.0 * other_s / seen})
    finally:
        sampler.stop()
        stop_process(proc)


# ---------------------------------------------------------------- library ceiling (llama-batched-bench)

CEILING_NPP_FALLBACK = 8  # prompt tokens for llama-batched-bench when no engine has reported the prompt's length


def prompt_tokens_seen(cells, name):
    """The prompt's length in tokens as the engines counted it for this model (tokens_evaluated; BOS included),
    llama-server's count first since it tokenizes with the same build. None when no measured request has it."""
    order = ["llama-server"] + sorted({e for (m, _s, e) in cells if m == name and e != "llama-server"})
    for engine in order:
        counts = {}
        for (m, _s, e), runs in cells.items():
            if m != name or e != engine:
                continue
            for s in runs:
                for r in s.get("results", []):
                    n = r.get("prompt_tokens")
                    if not r["warmup"] and isinstance(n, int) and n > 0:
                        counts[n] = counts.get(n, 0) + 1
        if counts:
            return max(counts, key=counts.get), engine
    return None, None


def parse_batched_bench(text):
    """Rows of llama-batched-bench's markdown table, keyed by B (sequences). Columns are found by their header
    names (PP, TG, B, N_KV, T_PP s, S_PP t/s, T_TG s, S_TG t/s, T s, S t/s), not by position."""
    header, rows = None, {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("|"):
            continue
        cols = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            if "B" in cols and "S_TG t/s" in cols:
                header = cols
            continue
        if all(set(c) <= set("-:") for c in cols) or len(cols) != len(header):
            continue  # the |---|---| separator, or a line that is not a row
        try:
            vals = dict(zip(header, (float(c) for c in cols)))
        except ValueError:
            continue
        rows[int(vals["B"])] = {"pp": int(vals["PP"]), "tg": int(vals["TG"]), "n_kv": int(vals["N_KV"]),
                                "t_pp_s": vals["T_PP s"], "s_pp_tps": vals["S_PP t/s"],
                                "t_tg_s": vals["T_TG s"], "s_tg_tps": vals["S_TG t/s"],
                                "t_s": vals["T s"], "s_tps": vals["S t/s"]}
    return rows


PREBUILT_SONAMES = ("libllama.so.0", "libggml.so.0", "libggml-base.so.0")


def prebuilt_ceiling_dir(cfg, workdir):
    """A folder in which the llama-batched-bench of the llama-server build runs on the prebuilt libraries that
    llorch-engine ships (the native/ folder beside --engine-dll): copies of the tool and its own two libraries
    (llama-common and the tool's code, from the same llama.cpp tree), the prebuilt files, and links from the
    sonames the tool asks for (libllama.so.0) to the prebuilt's versioned names (libllama.v0.5.0.so). The tool is
    copied, not linked, because ggml looks for its CPU variants (libggml-cpu-*.so) beside the executable. Run it
    with LD_LIBRARY_PATH set to this folder, which the loader searches before the tool's RUNPATH."""
    native = os.path.join(os.path.dirname(os.path.abspath(cfg.engine_dll)), "native")
    tool_dir = os.path.dirname(os.path.abspath(cfg.batched_bench))
    out = os.path.join(workdir, "prebuilt-ceiling")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(native):
        if f.endswith(".so"):
            shutil.copy2(os.path.join(native, f), out)
    for f in os.listdir(tool_dir):
        # libllama-batched-bench-impl.so, libllama-common.so.0 (the tool's own code and llama.cpp's common library)
        if f.startswith(("libllama-common.so", "libllama-batched-bench")) and (f.endswith(".so") or ".so." in f):
            shutil.copy2(os.path.join(tool_dir, f), os.path.join(out, f), follow_symlinks=True)
    shutil.copy2(cfg.batched_bench, out)
    for soname in PREBUILT_SONAMES:
        stem = soname.split(".so")[0]
        match = sorted(f for f in os.listdir(native) if f == f"{stem}.so" or (f.startswith(f"{stem}.v") and f.endswith(".so")))
        if not match:
            raise RuntimeError(f"no {stem}.so or {stem}.v*.so in {native}")
        link = os.path.join(out, soname)
        if not os.path.lexists(link):
            os.symlink(match[-1], link)
    return os.path.join(out, os.path.basename(cfg.batched_bench))


def run_ceiling(cfg, model, stream_levels, npp, workdir, tag, tool=None, env=None):
    """One llama-batched-bench run: the library's raw decode rate with B = each stream count, and nothing else
    (random tokens, no sampling, no HTTP, no scheduler). Its settings follow llama-server's row: same build,
    threads, total context (ctx per slot x most streams), split KV per sequence (llama-server's default when
    -np is given), flash attention as --flash-attn says (auto, its default, unless told), no mmap. tool/env: the
    copy in prebuilt_ceiling_dir() and its LD_LIBRARY_PATH, to measure the prebuilt libraries instead."""
    cmd = [tool or cfg.batched_bench, "-m", model, "-t", str(cfg.threads), "-tb", str(cfg.threads),
           "-npp", str(npp), "-ntg", str(cfg.n_predict), "-npl", ",".join(str(s) for s in stream_levels),
           "-c", str(cfg.ctx_per_slot * max(stream_levels)), "-b", "512", "-ub", "512",
           "-fa", cfg.flash_attn, "-no-kvu", "--load-mode", "none"]
    logpath = os.path.join(workdir, f"{tag}.log")
    # "other" as in the engine rows: the machine's busy time in the window less this driver and the tool (a
    # reaped child's CPU shows in os.times(); the engines of earlier rows were reaped before this window)
    t_before = os.times()
    busy_before = machine_busy_seconds()
    t0 = time.perf_counter()
    with open(logpath, "wb") as logf:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=logf, stdin=subprocess.DEVNULL,
                                env={**os.environ, **env} if env else None)
    CHILDREN.append(proc)
    try:
        stdout, _ = proc.communicate(timeout=cfg.ready_timeout)
    except subprocess.TimeoutExpired:
        stop_process(proc)
        raise RuntimeError(f"llama-batched-bench did not finish in {cfg.ready_timeout} s; see {logpath}")
    wall = time.perf_counter() - t0
    t_after = os.times()
    busy = machine_busy_seconds() - busy_before
    tool_s = (t_after.children_user + t_after.children_system) - (t_before.children_user + t_before.children_system)
    driver_s = (t_after.user + t_after.system) - (t_before.user + t_before.system)
    text = stdout.decode(errors="replace")
    with open(logpath, "ab") as logf:  # the table too, so the log has the whole run
        logf.write(b"\n--- stdout ---\n" + stdout)
    if proc.returncode != 0:
        raise RuntimeError(f"llama-batched-bench exited with code {proc.returncode}; see {logpath}")
    rows = parse_batched_bench(text)
    if not rows:
        raise RuntimeError(f"no result table in llama-batched-bench's output; see {logpath}")
    params = next((l.strip() for l in text.splitlines() if "n_kv_max" in l), "")
    # llama-batched-bench skips, silently, a B whose B x (npp + ntg) tokens do not fit the context
    missing = [s for s in stream_levels if s not in rows]
    return {"npp": npp, "rows": rows, "missing": missing, "params": params, "cmd": cmd, "log": logpath, "wall_s": wall,
            "other_pct": 100.0 * max(busy - tool_s - driver_s, 0.0) / wall if wall > 0 else None}


# ---------------------------------------------------------------- report

def cpu_us_per_token(s):
    """The engine's CPU time per generated token in the measured window, in microseconds; None when not measured."""
    if s.get("cpu_pct") is None or not s.get("tokens"):
        return None
    return s["cpu_pct"] / 100.0 * s["wall_s"] / s["tokens"] * 1e6


def decode_us_per_token(s):
    """llorch-engine's decode thread's CPU time per generated token (llama_decode, sampling, the step's bookkeeping):
    the part of us/tok that bounds its rate, comparable with the ceiling's 1e6 / S_TG on a quiet machine."""
    if s.get("decode_thread_s") is None or not s.get("tokens"):
        return None
    return s["decode_thread_s"] / s["tokens"] * 1e6


def jit_pct(s):
    """.NET's background JIT thread in llorch-engine during the window, % of one core."""
    if s.get("jit_thread_s") is None or not s.get("wall_s"):
        return None
    return 100.0 * s["jit_thread_s"] / s["wall_s"]


def client_us_per_token(s):
    """This driver's own CPU time (the benchmark client: HTTP, SSE parsing) per generated token, in microseconds.
    On a small machine it competes with the engine's decode thread, which llama-batched-bench does not have."""
    if s.get("driver_pct") is None or not s.get("tokens"):
        return None
    return s["driver_pct"] / 100.0 * s["wall_s"] / s["tokens"] * 1e6


def fmt_mib(kib):
    return "-" if kib is None else f"{kib / 1024:.1f}"


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engine-dll", required=True)
    ap.add_argument("--llama-server", required=True)
    ap.add_argument("--llama-server-extra", action="append", default=[], help="extra llama-server argument (repeatable)")
    ap.add_argument("--llama-server-build", default="", help="text for the header: how llama-server was built")
    ap.add_argument("--nlc-dir", required=True)
    ap.add_argument("--nlc-script", required=True)
    ap.add_argument("--model", action="append", required=True, metavar="NAME=PATH=REQ1=REQ4[=REQ16]",
                    help="model name, path, and measured requests per stream at 1 stream and at more (REQ4); "
                         "REQ16, when given, is the count per stream at 8 streams or more (else REQ4)")
    ap.add_argument("--engines", default=f"llorch-engine,llama-server,node-llama-cpp,{SRV_LIBS}",
                    help=f"which to run, in this order; {SRV_LIBS} is llorch-engine with --lib-dir set to the llama-server "
                         "build's libraries, which separates what the engine does from what the library build does; "
                         f"{OWN_LIBS} is llorch-engine with --lib-dir set to this driver's --lib-dir")
    ap.add_argument("--lib-dir", default="", metavar="DIR",
                    help=f"llama.cpp libraries for the {OWN_LIBS} row, e.g. the output of src/LlamaOrch.LlamaCpp/build-llama-libs.sh")
    ap.add_argument("--prebuilt-ceiling", action="store_true",
                    help="with --batched-bench: also run it on the prebuilt libraries beside --engine-dll (native/), "
                         "the library llorch-engine runs on, so its share is measured against its own library's rate")
    ap.add_argument("--streams", default="1,4,16",
                    help="stream levels; slots = streams, each with --ctx-per-slot tokens of context")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--ctx-per-slot", type=int, default=512)
    ap.add_argument("--n-predict", type=int, default=128)
    ap.add_argument("--prompt", default="Once upon a time")
    ap.add_argument("--temperature", type=float, default=0.8)
    ap.add_argument("--top-k", type=int, default=40)
    ap.add_argument("--top-p", type=float, default=0.95)
    ap.add_argument("--min-p", type=float, default=0.05)
    ap.add_argument("--repeat-penalty", type=float, default=1.0)
    ap.add_argument("--flash-attn", choices=["auto", "on", "off"], default="auto",
                    help="-fa for llorch-engine, llama-server and the ceiling (default auto, llama-server's default; "
                         "node-llama-cpp keeps its own)")
    ap.add_argument("--engine-env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment variable for llorch-engine (both rows), repeatable, e.g. DOTNET_gcServer=0")
    ap.add_argument("--quiet-wait", type=float, default=30.0,
                    help="before each row, wait up to this many seconds for the machine to be idle (other tenants)")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the whole matrix; the median-rate round is reported")
    ap.add_argument("--warmup", type=int, default=1,
                    help="unmeasured requests per stream before the window (default 1); .NET's tiered JIT keeps "
                         "recompiling llorch-engine's hot methods for some seconds of load, which more warm-up leaves out")
    ap.add_argument("--jit-settle-s", type=float, default=30.0,
                    help="after --warmup, keep warming a .NET engine up until its tiered JIT used under 2 %% of a core "
                         "for a second, at most this long (0: no more than --warmup)")
    ap.add_argument("--ready-timeout", type=int, default=300)
    ap.add_argument("--json-out", default="")
    ap.add_argument("--batched-bench", default="", metavar="PATH",
                    help="llama.cpp's llama-batched-bench from the llama-server build: when given, each round also "
                         "measures the library's raw decode rate per model (the ceiling rows); without it they are skipped")
    cfg = ap.parse_args()

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    atexit.register(kill_all)

    models = []
    per_stream_counts = {}  # model -> (at 1 stream, at 2-7, at 8 or more)
    for spec in cfg.model:
        parts = spec.split("=")
        if len(parts) not in (4, 5):
            ap.error(f"--model {spec!r}: expected NAME=PATH=REQ1=REQ4[=REQ16]")
        name, path, r1, r4 = parts[:4]
        r16 = parts[4] if len(parts) == 5 else r4
        models.append((name, path, int(r1), int(r4)))
        per_stream_counts[name] = (int(r1), int(r4), int(r16))
    engines = [e for e in cfg.engines.split(",") if e]
    if OWN_LIBS in engines and not cfg.lib_dir:
        ap.error(f"--engines {OWN_LIBS} needs --lib-dir")
    if cfg.prebuilt_ceiling and not cfg.batched_bench:
        ap.error("--prebuilt-ceiling needs --batched-bench")
    stream_levels = [int(s) for s in cfg.streams.split(",")]
    workdir = tempfile.mkdtemp(prefix="llorch-infer-bench-")
    log(f"logs in {workdir}")

    cells = {}  # (model, streams, engine) -> list of summaries (one per round)
    ceilings = {}  # model -> list of llama-batched-bench runs (one per round)
    ceilings_pre = {}  # the same on the prebuilt libraries (--prebuilt-ceiling)
    pre_tool = None
    if cfg.prebuilt_ceiling:
        try:
            pre_tool = prebuilt_ceiling_dir(cfg, workdir)
        except (OSError, RuntimeError) as e:  # reported, not fatal, like a failed ceiling
            log(f"no ceiling on the prebuilt libraries: {e}")
    for rnd in range(cfg.rounds):
        for name, path, r1, r4 in models:
            for streams in stream_levels:
                c1, c4, c16 = per_stream_counts[name]
                per_stream = c1 if streams == 1 else c4 if streams < 8 else c16
                # Seeds: fixed and the same for every engine. Warm-up seeds differ from measured ones.
                warm = [7 + i for i in range(streams)]
                seeds = [[1000 + 100 * i + j for j in range(per_stream)] for i in range(streams)]
                # Each round starts with a different engine, so no engine always runs right after another.
                order = engines[rnd % len(engines):] + engines[:rnd % len(engines)]
                for engine in order:
                    tag = f"r{rnd}-{name}-{streams}s-{engine}"
                    busy = wait_for_quiet(cfg.quiet_wait)
                    log(f"round {rnd + 1}/{cfg.rounds}: {name}, {streams} stream(s), {engine}"
                        f" (machine busy {busy:.0f}% of a core before it)")
                    try:
                        if engine == "node-llama-cpp":
                            s = run_node(cfg, path, streams, warm, seeds, workdir, tag)
                        else:
                            s = run_http_engine(engine, cfg, path, streams, warm, seeds, workdir, tag)
                    except Exception as e:  # noqa: BLE001 - a failed cell is reported, not fatal
                        log(f"  FAILED: {e}")
                        s = {"engine": engine, "failed": str(e), "agg_tps": 0.0}
                    cells.setdefault((name, streams, engine), []).append(s)
                    if "failed" not in s:
                        log(f"  {s['agg_tps']:.1f} tok/s aggregate, TTFT p50 {fmt(s['ttft_p50_ms'], '.1f')} ms, "
                            f"RSS idle {fmt_mib(s['rss_idle_kib'])} MiB, peak {fmt_mib(s['rss_peak_kib'])} MiB"
                            + (f", {len(s['errors'])} errors" if s["errors"] else "")
                            + (f"; JIT warm-up {s['jit_settle_s']:.1f} s" if s.get("jit_settle_s") else ""))
            if cfg.batched_bench:
                # The ceiling, alone like any row, after this model's rows so the prompt's length in tokens is
                # known from what the engines reported (the same prompt length keeps the KV the same size).
                npp, npp_src = prompt_tokens_seen(cells, name)
                npp = npp or CEILING_NPP_FALLBACK
                busy = wait_for_quiet(cfg.quiet_wait)
                log(f"round {rnd + 1}/{cfg.rounds}: {name}, library ceiling, llama-batched-bench -npl {cfg.streams}"
                    f" -npp {npp} (machine busy {busy:.0f}% of a core before it)")
                try:
                    c = run_ceiling(cfg, path, stream_levels, npp, workdir, f"r{rnd}-{name}-ceiling")
                    log("  " + ", ".join(f"{b} seq {r['s_tg_tps']:,.0f} tok/s" for b, r in sorted(c["rows"].items()))
                        + " (S_TG)" + (f"; not measured: B = {c['missing']}" if c["missing"] else ""))
                except Exception as e:  # noqa: BLE001 - a failed ceiling is reported, not fatal
                    log(f"  FAILED: {e}")
                    c = {"failed": str(e), "npp": npp}
                c["npp_from"] = npp_src or "default"
                ceilings.setdefault(name, []).append(c)
                if pre_tool:
                    busy = wait_for_quiet(cfg.quiet_wait)
                    log(f"round {rnd + 1}/{cfg.rounds}: {name}, library ceiling on the prebuilt libraries"
                        f" (machine busy {busy:.0f}% of a core before it)")
                    try:
                        c = run_ceiling(cfg, path, stream_levels, npp, workdir, f"r{rnd}-{name}-ceiling-prebuilt",
                                        tool=pre_tool, env={"LD_LIBRARY_PATH": os.path.dirname(pre_tool)})
                        log("  " + ", ".join(f"{b} seq {r['s_tg_tps']:,.0f} tok/s" for b, r in sorted(c["rows"].items()))
                            + " (S_TG)")
                    except Exception as e:  # noqa: BLE001 - a failed ceiling is reported, not fatal
                        log(f"  FAILED: {e}")
                        c = {"failed": str(e), "npp": npp}
                    c["npp_from"] = npp_src or "default"
                    ceilings_pre.setdefault(name, []).append(c)

    def pick(name, streams, engine):
        runs = [r for r in cells.get((name, streams, engine), []) if "failed" not in r]
        if not runs:
            return None
        runs.sort(key=lambda r: r["agg_tps"])
        return runs[len(runs) // 2]

    def pick_ceiling(name, seqs, source=None):
        """The median round's llama-batched-bench row at seqs sequences, and every round's S_TG; (None, [])."""
        runs = [c for c in (ceilings if source is None else source).get(name, []) if "failed" not in c and seqs in c["rows"]]
        if not runs:
            return None, []
        runs.sort(key=lambda c: c["rows"][seqs]["s_tg_tps"])
        mid = runs[len(runs) // 2]
        return dict(mid["rows"][seqs], other_pct=mid["other_pct"]), [c["rows"][seqs]["s_tg_tps"] for c in runs]

    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        with open("/etc/os-release") as f:
            osname = next((l.split("=", 1)[1].strip().strip('"') for l in f if l.startswith("PRETTY_NAME=")), "")
    except OSError:
        osname = platform.platform()
    cpu_model = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu_model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass

    out = []
    p = out.append
    p(f"llama-orch inference bench, {now:%Y-%m-%d %H:%M} UTC")
    p(f"machine: {os.cpu_count()} cores ({cpu_model}), {osname}")
    p(f"threads {cfg.threads}; n_predict {cfg.n_predict}; temperature {cfg.temperature}, top_k {cfg.top_k}, "
      f"top_p {cfg.top_p}, min_p {cfg.min_p}, repeat_penalty {cfg.repeat_penalty}; prompt {cfg.prompt!r}; "
      f"{cfg.ctx_per_slot} tokens of context per slot; slots = streams; fixed seeds; rounds {cfg.rounds}"
      + (f"; {cfg.warmup} warm-up requests per stream" if cfg.warmup != 1 else "")
      + (f"; then a .NET engine's until its JIT is quiet (at most {cfg.jit_settle_s:.0f} s)" if cfg.jit_settle_s > 0 else ""))
    if cfg.llama_server_build:
        p(f"llama-server: {cfg.llama_server_build}")
    if cfg.engine_env:
        p(f"llorch-engine environment: {' '.join(cfg.engine_env)}")
    if cfg.flash_attn != "auto":
        p(f"flash attention: -fa {cfg.flash_attn} for llorch-engine, llama-server and the ceiling")
    if cfg.llama_server_extra:
        p(f"llama-server extra args: {' '.join(cfg.llama_server_extra)}")
    if cfg.batched_bench:
        npp_desc = []
        for name, _path, _r1, _r4 in models:
            used = sorted({(c["npp"], c["npp_from"]) for c in ceilings.get(name, [])})
            npp_desc += [f"{name} {n} (" + ("default: no engine reported the prompt's length" if src == "default"
                                            else f"{src}'s count") + ")" for n, src in used]
        p(f"library ceiling: llama-batched-bench -t {cfg.threads} -tb {cfg.threads} -npl {','.join(map(str, stream_levels))} "
          f"-ntg {cfg.n_predict} -npp N -c {cfg.ctx_per_slot * max(stream_levels)} -b 512 -ub 512 -fa {cfg.flash_attn} -no-kvu "
          f"--load-mode none, once per model and round; N = the prompt's length in tokens as the engines reported it, "
          f"else {CEILING_NPP_FALLBACK}: {', '.join(npp_desc)}")
    p("")
    header = (f"{'model':<12}{'streams':>7}  {'engine':<15}{'agg tok/s':>10}{'rounds min-max':>16}{'tok/s/stream':>13}"
              f"{'TTFT p50':>10}{'TTFT max':>10}{'cpu':>6}{'us/tok':>7}{'decode':>7}{'jit':>5}{'client':>7}{'other':>6}"
              f"{'RSS idle':>10}{'RSS load':>10}")
    p(header)
    p("-" * len(header))
    for name, _path, _r1, _r4 in models:
        for streams in stream_levels:
            for engine in engines:
                s = pick(name, streams, engine)
                if s is None:
                    failed = cells.get((name, streams, engine), [{}])[-1].get("failed", "not run")
                    p(f"{name:<12}{streams:>7}  {engine:<15}  FAILED: {failed}")
                    continue
                rates = [r["agg_tps"] for r in cells[(name, streams, engine)] if "failed" not in r]
                spread = f"{min(rates):,.0f}-{max(rates):,.0f}" if len(rates) > 1 else "-"
                p(f"{name:<12}{streams:>7}  {engine:<15}{s['agg_tps']:>10,.0f}{spread:>16}{s['stream_tps']:>13,.0f}"
                  f"{fmt(s['ttft_p50_ms'], '.1f'):>7} ms{fmt(s['ttft_max_ms'], '.1f'):>7} ms"
                  f"{fmt(s['cpu_pct'], '.0f'):>5}%{fmt(cpu_us_per_token(s), '.0f'):>7}{fmt(decode_us_per_token(s), '.0f'):>7}"
                  f"{fmt(jit_pct(s), '.0f'):>4}%{fmt(client_us_per_token(s), '.0f'):>7}"
                  f"{fmt(s.get('other_pct'), '.0f'):>5}%"
                  f"{fmt_mib(s['rss_idle_kib']):>6} MiB{fmt_mib(s['rss_peak_kib']):>6} MiB"
                  + (f"  ({len(s['errors'])} errors)" if s["errors"] else ""))
        p("")
    p("agg tok/s: tokens of all measured requests / the measured window (median round; min-max over rounds).")
    p("tok/s/stream: mean over requests of tokens / (last byte - request sent). TTFT: request sent -> first token")
    p("frame (node-llama-cpp: evaluate() called -> first token, no HTTP). cpu: the engine's CPU in the window, % of")
    p("one core. us/tok: the engine's CPU time per generated token, in microseconds (load moves it less than tok/s).")
    p("decode: llorch-engine's decode thread's CPU per token (llama_decode, sampling, the step's own work); compare it with")
    p("the ceiling's 1e6 / S_TG. jit: .NET's background JIT thread in the window, % of one core (tiering; see --warmup).")
    p("client: this driver's CPU time per generated token (HTTP client, SSE parsing), which on a 2-core machine competes")
    p("with the engine's decode thread; llama-batched-bench (the ceiling) has no client.")
    p("other: every other process on the machine in that window (not the driver): busy neighbours make a")
    p("row suspect. RSS: VmRSS of the engine process.")
    p("")

    if cfg.batched_bench:
        p("Library ceiling (llama-batched-bench, same llama.cpp build as llama-server, decode only: no sampling, no HTTP)")
        p(f"ceiling: S_TG t/s, B sequences x {cfg.n_predict} generated tokens / their decode time, one llama_decode of B random")
        p("tokens per step (median round; min-max over rounds). T_TG: that decode time. other: as in the table above, over")
        p("the whole llama-batched-bench run (coarse, 10 ms ticks, for a run under a second). share: an engine row's agg")
        p("tok/s / the ceiling at the same number of streams; near 1.0x the row is at the library's limit. The ceiling is")
        p("one short run per round, noisier than the rows (10-20 % apart from run to run here): above 1.0x means its")
        p(f"run was slow; use several rounds. Only llama-server and {SRV_LIBS} run on this build's libraries;")
        p("llorch-engine and node-llama-cpp run on the prebuilt ones, so their share also holds the difference in builds.")
        share_cols = "".join(f"{e:>16}" for e in engines)
        ch = f"{'model':<12}{'seqs':>5}{'ceiling tok/s':>15}{'rounds min-max':>16}{'T_TG':>9}{'other':>6}  share:{share_cols}"
        p(ch)
        p("-" * len(ch))
        for name, _path, _r1, _r4 in models:
            for streams in stream_levels:
                row, vals = pick_ceiling(name, streams)
                if row is None:
                    runs = ceilings.get(name, [])
                    why = next((c["failed"] for c in reversed(runs) if "failed" in c), "not measured" if runs else "not run")
                    p(f"{name:<12}{streams:>5}  FAILED: {why}")
                    continue
                spread = f"{min(vals):,.0f}-{max(vals):,.0f}" if len(vals) > 1 else "-"
                shares = ""
                for engine in engines:
                    s = pick(name, streams, engine)
                    shares += f"{fmt(s['agg_tps'] / row['s_tg_tps'] if s and row['s_tg_tps'] else None, '.2f') + 'x':>16}"
                p(f"{name:<12}{streams:>5}{row['s_tg_tps']:>15,.0f}{spread:>16}{row['t_tg_s'] * 1000:>6.0f} ms"
                  f"{fmt(row['other_pct'], '.0f'):>5}%        {shares}")
            lo, hi = min(stream_levels), max(stream_levels)
            a, b = pick_ceiling(name, lo)[0], pick_ceiling(name, hi)[0]
            if lo != hi and a and b and a["s_tg_tps"]:
                p(f"  {name}: the library's own batching gain, {hi} sequences / {lo}: {b['s_tg_tps'] / a['s_tg_tps']:.2f}x")
        p("")
    if cfg.prebuilt_ceiling:
        p("The same ceiling on the prebuilt libraries llorch-engine ships (the same llama-batched-bench, its libllama,")
        p("libggml and CPU variants taken from native/ beside --engine-dll). pre/srv: this ceiling / the one above.")
        pre_cols = "".join(f"{e:>16}" for e in engines if e in ("llorch-engine", "node-llama-cpp"))
        ch = f"{'model':<12}{'seqs':>5}{'ceiling tok/s':>15}{'rounds min-max':>16}{'T_TG':>9}{'other':>6}{'pre/srv':>9}  share:{pre_cols}"
        p(ch)
        p("-" * len(ch))
        for name, _path, _r1, _r4 in models:
            for streams in stream_levels:
                row, vals = pick_ceiling(name, streams, ceilings_pre)
                if row is None:
                    runs = ceilings_pre.get(name, [])
                    why = next((c["failed"] for c in reversed(runs) if "failed" in c), "not measured" if runs else "not run")
                    p(f"{name:<12}{streams:>5}  FAILED: {why}")
                    continue
                srv_row = pick_ceiling(name, streams)[0]
                spread = f"{min(vals):,.0f}-{max(vals):,.0f}" if len(vals) > 1 else "-"
                ratio = row["s_tg_tps"] / srv_row["s_tg_tps"] if srv_row and srv_row["s_tg_tps"] else None
                shares = ""
                for engine in engines:
                    if engine not in ("llorch-engine", "node-llama-cpp"):
                        continue
                    s = pick(name, streams, engine)
                    shares += f"{fmt(s['agg_tps'] / row['s_tg_tps'] if s and row['s_tg_tps'] else None, '.2f') + 'x':>16}"
                p(f"{name:<12}{streams:>5}{row['s_tg_tps']:>15,.0f}{spread:>16}{row['t_tg_s'] * 1000:>6.0f} ms"
                  f"{fmt(row['other_pct'], '.0f'):>5}%{fmt(ratio, '.2f') + 'x':>9}        {shares}")
        p("")
    p("Memory (VmRSS, MiB): idle = 1 s after ready; load = largest 50 ms sample in the measured window;")
    p("per extra slot = (idle with 4 slots - idle with 1 slot) / 3")
    mh = f"{'model':<14}{'engine':<16}{'idle 1 slot':>12}{'idle 4 slots':>13}{'per extra slot':>15}{'load 1':>9}{'load 4':>9}"
    p(mh)
    p("-" * len(mh))
    for name, _path, _r1, _r4 in models:
        for engine in engines:
            a, b = pick(name, 1, engine), pick(name, 4, engine)
            i1 = a["rss_idle_kib"] if a else None
            i4 = b["rss_idle_kib"] if b else None
            slot = (i4 - i1) / 3 if i1 is not None and i4 is not None else None
            p(f"{name:<14}{engine:<16}{fmt_mib(i1):>12}{fmt_mib(i4):>13}{fmt_mib(slot):>15}"
              f"{fmt_mib(a['rss_peak_kib'] if a else None):>9}{fmt_mib(b['rss_peak_kib'] if b else None):>9}")
    p("")

    # Same seed, same prompt, same sampling: do the engines write the same text?
    p("Same text as llama-server for the same seed (measured requests):")
    for name, _path, _r1, _r4 in models:
        for streams in stream_levels:
            ref = pick(name, streams, "llama-server")
            if ref is None:
                continue
            ref_map = {(r["stream"], r["index"]): r["content_sha"] for r in ref["results"] if not r["warmup"]}
            parts = []
            for engine in engines:
                if engine == "llama-server":
                    continue
                s = pick(name, streams, engine)
                if s is None:
                    continue
                same = sum(1 for r in s["results"] if not r["warmup"] and ref_map.get((r["stream"], r["index"])) == r["content_sha"])
                parts.append(f"{engine} {same}/{len(ref_map)}")
            p(f"  {name}, {streams} stream(s): " + ", ".join(parts))
    p("")

    # Issue 17's targets: at every level, at least llama-server's aggregate; at 4 and 16 streams, at least 0.95x
    # the library's raw decode rate (llama-batched-bench, same settings) at as many sequences.
    p("Targets (llorch-engine, aggregate tok/s; never a failure)")
    for name, _path, _r1, _r4 in models:
        for streams in stream_levels:
            label = f"{streams} stream(s): >= llama-server"
            ours, theirs = pick(name, streams, "llorch-engine"), pick(name, streams, "llama-server")
            if ours is None or theirs is None or theirs["agg_tps"] == 0:
                p(f"  n/a   {name}: {label} (a side did not run)")
            else:
                ratio = ours["agg_tps"] / theirs["agg_tps"]
                verdict = "PASS" if ratio >= 1.0 else "MISS"
                p(f"  {verdict}  {name}: {label:<48} {ours['agg_tps']:,.0f} vs {theirs['agg_tps']:,.0f} tok/s = {ratio:.2f}x (need >= 1.00x)")
            if streams not in (4, 16):
                continue
            label = f"{streams} stream(s): >= 0.95x the library ceiling"
            ceiling = pick_ceiling(name, streams)[0]
            if ours is None or not ceiling or not ceiling["s_tg_tps"]:
                p(f"  n/a   {name}: {label} (no engine row or no ceiling)")
                continue
            share = ours["agg_tps"] / ceiling["s_tg_tps"]
            verdict = "PASS" if share >= 0.95 else "MISS"
            p(f"  {verdict}  {name}: {label:<48} {ours['agg_tps']:,.0f} vs {ceiling['s_tg_tps']:,.0f} tok/s = {share:.2f}x (need >= 0.95x)")
            srv = pick(name, streams, SRV_LIBS)
            if verdict == "MISS" and srv and srv["agg_tps"]:
                p(f"        on llama-server's own libraries ({SRV_LIBS}) the same engine gets "
                  f"{srv['agg_tps'] / ceiling['s_tg_tps']:.2f}x of the ceiling (the difference is the library build)")
            own = pick_ceiling(name, streams, ceilings_pre)[0]
            if own and own["s_tg_tps"]:
                share = ours["agg_tps"] / own["s_tg_tps"]
                label = f"{streams} stream(s): >= 0.95x its own library's ceiling"
                p(f"  {'PASS' if share >= 0.95 else 'MISS'}  {name}: {label:<48} {ours['agg_tps']:,.0f} vs "
                  f"{own['s_tg_tps']:,.0f} tok/s = {share:.2f}x (llama-batched-bench on the prebuilt libraries)")

    ctx_lines = []
    for name, _path, _r1, _r4 in models:
        for streams in stream_levels:
            base = pick(name, streams, "llama-server")
            for engine, what in ((SRV_LIBS, "llorch-engine on llama-server's own libraries / llama-server"),
                                 (OWN_LIBS, "llorch-engine on --lib-dir's libraries / llama-server"),
                                 ("node-llama-cpp", "node-llama-cpp / llama-server")):
                other = pick(name, streams, engine)
                if base and other and base["agg_tps"]:
                    ctx_lines.append(f"  {name}, {streams} stream(s): {what}: {other['agg_tps'] / base['agg_tps']:.2f}x")
        for engine in engines:
            one = pick(name, 1, engine)
            for many in (s for s in stream_levels if s > 1):
                more = pick(name, many, engine)
                if one and more and one["agg_tps"]:
                    ctx_lines.append(f"  {name}: {engine} batching gain, {many} streams / 1 stream aggregate: {more['agg_tps'] / one['agg_tps']:.2f}x")
    if ctx_lines:
        p("")
        p("Context (not targets)")
        for line in ctx_lines:
            p(line)

    notes = []
    for (name, streams, engine), runs in cells.items():
        for s in runs:
            if "failed" in s:
                continue
            if s["frames_mismatch"]:
                notes.append(f"{name} {streams}s {engine}: {s['frames_mismatch']} requests where token frames != tokens_predicted")
            if s["short"]:
                notes.append(f"{name} {streams}s {engine}: {s['short']} of {s['requests']} requests stopped before n_predict (end of generation)")
            for e in s["errors"][:3]:
                notes.append(f"{name} {streams}s {engine}: error: {e}")
    if notes:
        p("")
        p("Notes")
        for n in notes:
            p(f"  {n}")
    infos = {}
    for (name, streams, engine), runs in cells.items():
        for s in runs:
            if s.get("build_info"):
                infos.setdefault(engine, s["build_info"])
    if infos:
        p("")
        for engine, info in infos.items():
            p(f"{engine} /props build_info: {info}")

    print("\n".join(out), flush=True)

    if cfg.json_out:
        with open(cfg.json_out, "w") as f:
            doc = {"config": vars(cfg), "cells": {f"{k[0]}|{k[1]}|{k[2]}": v for k, v in cells.items()}}
            if cfg.batched_bench:
                # per model: every round's llama-batched-bench run (rows keyed by B) and the median S_TG per B
                doc["ceiling"] = {name: {"runs": ceilings.get(name, []),
                                         "median_s_tg_tps": {str(b): pick_ceiling(name, b)[0]["s_tg_tps"]
                                                             for b in stream_levels if pick_ceiling(name, b)[0]}}
                                  for name, _path, _r1, _r4 in models}
            if cfg.prebuilt_ceiling:
                doc["ceiling_prebuilt"] = {name: {"runs": ceilings_pre.get(name, []),
                                                  "median_s_tg_tps": {str(b): pick_ceiling(name, b, ceilings_pre)[0]["s_tg_tps"]
                                                                      for b in stream_levels if pick_ceiling(name, b, ceilings_pre)[0]}}
                                           for name, _path, _r1, _r4 in models}
            json.dump(doc, f, indent=1)
        log(f"raw results: {cfg.json_out}")
    log(f"logs kept in {workdir}")
    ran = any("failed" not in r for runs in cells.values() for r in runs)
    return 0 if ran else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        kill_all()
