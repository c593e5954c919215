#!/usr/bin/env bash
# Runs the README's quick start exactly as written: the first command of its first sh block starts
# orchestratord, the sh block after it submits a task and streams it, the third runs the same with llorch.
# Passes when a story streams to `end` and llorch prints a story and its summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

blocks=$(awk '/^## Quick start/ {on=1} on && /^```sh$/ {n++; fence=1; next} fence && /^```$/ {fence=0; if (n==3) exit; next} fence {print n "\t" $0}' README.md)
start=$(printf '%s\n' "$blocks" | awk -F'\t' '$1==1 {print $2; exit}' | sed 's/[[:space:]]*#.*$//')
client=$(printf '%s\n' "$blocks" | awk -F'\t' '$1==2 {print $2}')
llorch=$(printf '%s\n' "$blocks" | awk -F'\t' '$1==3 {print $2}')
[ -n "$start" ] && [ -n "$client" ] && [ -n "$llorch" ] || { echo "check-quickstart: cannot find the quick start's sh blocks in README.md" >&2; exit 1; }

if (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null; then
  echo "check-quickstart: something already listens on 127.0.0.1:8080, the README's address" >&2
  exit 1
fi

unset LLORCH_API_TOKEN
log=$(mktemp)
echo "check-quickstart: $start"
setsid bash -c "$start" >"$log" 2>&1 &
server=$!
stop() { kill -TERM -- "-$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap stop EXIT

# The first run builds in Release; then the default pool loads stories260K.
for _ in $(seq 1 600); do
  curl -sf http://127.0.0.1:8080/health/ready >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "check-quickstart: orchestratord exited:" >&2; tail -n 40 "$log" >&2; exit 1; }
  sleep 1
done

echo "check-quickstart: running the README's client commands"
stream=$(timeout 120 bash -euo pipefail -c "$client" 2>/dev/null)
tokens=$(printf '%s\n' "$stream" | grep -c '^event: token' || true)
if ! printf '%s\n' "$stream" | grep -q '^event: end'; then
  echo "check-quickstart: the stream did not end with 'end':" >&2
  printf '%s\n' "$stream" | tail -n 20 >&2
  tail -n 40 "$log" >&2
  exit 1
fi
story=$(printf '%s\n' "$stream" | sed -n 's/^data: {"t":"\(.*\)","i":.*/\1/p' | tr -d '\n')
echo "check-quickstart: streamed $tokens tokens: ${story:0:200}"

echo "check-quickstart: running the README's llorch command"
llorch_err=$(mktemp)
if ! story=$(timeout 300 bash -euo pipefail -c "$llorch" 2>"$llorch_err") || ! grep -q '^\[\(eos\|limit\): ' "$llorch_err"; then
  echo "check-quickstart: llorch run did not stream a story:" >&2
  tail -n 20 "$llorch_err" >&2
  exit 1
fi
echo "check-quickstart: llorch run: ${story:0:200} $(grep '^\[' "$llorch_err" | tail -n 1)"
