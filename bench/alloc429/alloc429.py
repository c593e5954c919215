#!/usr/bin/env python3
"""Bytes orchestratord allocates per 429 of a full queue: a figure the machine's load does not move.

    bench/alloc429/alloc429.py SERVER_BIN [PORT] [REQUESTS]

SERVER_BIN is a folder with orchestratord.dll (a Release build's bin/Release/net10.0, or a copy of it). The script
starts that orchestratord with one pool of one slot and a queue of one (sim:slow?tps=1), fills it with two tasks,
warms up with 3,000 refused submissions, then sends REQUESTS (default 20,000) more back to back on one keep-alive
connection while `dotnet-counters` (DOTNET_COUNTERS, default: the one on PATH) records
System.Runtime's dotnet.gc.heap.total_allocated once a second. Bytes per request = what the seconds of the burst
allocated above the idle rate of the seconds around it, divided by REQUESTS. Needs python3 and dotnet-counters
(`dotnet tool install -g dotnet-counters`); not part of CI.
"""
import csv, json, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request, uuid

server_bin = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 38110
requests = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
counters_tool = os.environ.get("DOTNET_COUNTERS", "dotnet-counters")
work = tempfile.mkdtemp(prefix="alloc429-")
server = subprocess.Popen(
    ["dotnet", "orchestratord.dll", "--urls", f"http://127.0.0.1:{port}", f"--Orchestrator:DataDir={work}/data",
     "--Orchestrator:Pools:0:Id=full", "--Orchestrator:Pools:0:Model=sim:slow?tps=1", "--Orchestrator:Pools:0:Slots=1",
     "--Orchestrator:Pools:0:Queue:Capacity=1"],
    cwd=server_bin, env=dict(os.environ, LLORCH_API_TOKEN="alloc429"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(240):
        try:
            if b'"ready":true' in urllib.request.urlopen(f"http://127.0.0.1:{port}/health").read():
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        sys.exit("orchestratord did not become ready")

    connection = socket.create_connection(("127.0.0.1", port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    session = str(uuid.uuid4())

    def submit():
        """One POST /v1/tasks, its answer read to the end of its Content-Length body; returns the status."""
        body = json.dumps({"task_id": str(uuid.uuid4()), "session_id": session, "model_ref": "sim:slow?tps=1",
                           "engine": "llamacpp", "prompt": "Once upon a time", "max_tokens": 4000}).encode()
        connection.sendall(b"POST /v1/tasks HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer alloc429\r\n"
                           b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        head, rest = received.split(b"\r\n\r\n", 1)
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))
        while len(rest) < length:
            rest += connection.recv(65536)
        return int(head.split(b" ")[1])

    submit(); submit()  # one runs, one waits: the queue is full from here on
    for _ in range(3000):
        submit()
    samples = os.path.join(work, "counters.csv")
    counters = subprocess.Popen(
        [counters_tool, "collect", "-p", str(server.pid), "--refresh-interval", "1", "--format", "csv", "-o", samples,
         "--duration", "00:00:00:30", "--counters", "System.Runtime[dotnet.gc.heap.total_allocated]"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4)
    started = time.time()
    statuses = {}
    for _ in range(requests):
        status = submit()
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.time() - started
    counters.wait()
    rates = []
    with open(samples) as rows:
        for row in list(csv.reader(rows))[1:]:
            try:
                rates.append(float(row[-1]))
            except ValueError:
                pass
    # The idle rate: a low sample of the quiet seconds before and after the burst (the counter is bytes per second).
    idle = sorted(rates)[len(rates) // 6] if rates else 0.0
    burst = sum(rate - idle for rate in rates if rate > idle * 3 + 50_000)
    print(f"statuses {statuses}; {requests} requests in {elapsed:.1f} s ({requests / elapsed:,.0f}/s); "
          f"idle {idle:,.0f} B/s; bytes allocated per request {burst / requests:,.0f}")
finally:
    server.terminate()
    server.wait()
    shutil.rmtree(work, ignore_errors=True)
