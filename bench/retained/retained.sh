#!/usr/bin/env bash
# Live heap held by finished, retained tasks: N one-request tasks of T tokens each on a sim engine, read to the end
# by 8 clients, with a gcdump before and after. Prints the heap growth per task and per token.
# usage: bench/retained/retained.sh SERVER_BIN_DIR PORT TOKENS TASKS
# SERVER_BIN_DIR is a Release build of src/LlamaOrch.Server (it holds orchestratord and llorch-engine);
# dotnet-gcdump must be on PATH (dotnet tool install -g dotnet-gcdump).
set -euo pipefail
bin=$1 port=$2 tokens=$3 tasks=$4
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
HOME=$work LLORCH_API_TOKEN=bench "$bin/orchestratord" --urls "http://127.0.0.1:$port" \
  --Orchestrator:Pools:0:Id=p '--Orchestrator:Pools:0:Model=sim:fast?tps=0' --Orchestrator:Pools:0:Slots=8 \
  --Orchestrator:Pools:0:Ctx=4096 --Logging:LogLevel:Default=Warning > "$work/orchestratord.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/health" | grep -q '"ready":true' && break; sleep 0.5; done
heap() { dotnet-gcdump collect -p "$pid" -o "$work/$1.gcdump" > /dev/null && dotnet-gcdump report "$work/$1.gcdump" | awk '/GC Heap bytes/ { gsub(",", "", $1); print $1 }'; }
python3 "$here/run_tasks.py" "$port" 20 "$tokens" > /dev/null # warm-up: the first tasks' one-time costs stay out
before=$(heap before)
python3 "$here/run_tasks.py" "$port" "$tasks" "$tokens"
after=$(heap after)
echo "tokens $tokens, tasks $tasks: heap $before -> $after B, $(( (after - before) / tasks )) B per task, $(( (after - before) / tasks / tokens )) B per token"
