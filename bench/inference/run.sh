#!/usr/bin/env bash
# bench/inference/run.sh: llorch-engine vs llama-server vs node-llama-cpp on the same model, threads and
# sampling, one engine at a time, on 127.0.0.1. See bench/README.md, "Inference: llorch-engine vs llama.cpp".
#
#   bench/inference/run.sh [--no-build] [driver options, e.g. --rounds 3]
#
# Builds what is missing (nothing is downloaded but npm packages):
#   - the Release solution (llorch-engine, and the model generator under bench/inference/);
#   - in $LLORCH_INFER_CACHE (default ~/.cache/llorch-bench), outside the repository:
#       node-llama-cpp-3.22.1.tgz (npm pack) -> package/ -> llama-src/ (git clone of its gitRelease.bundle)
#       llama-build/bin/llama-server   (CMake, Release, CPU; about 30 min on 2 cores the first time)
#       llama-build/bin/llama-batched-bench  (same build; seconds once llama-server is built): the library ceiling
#       nlc/node_modules/node-llama-cpp  (npm install --ignore-scripts: the prebuilt binaries, no build)
#       random-llama-100m-f16.gguf     (written by RandomLlamaModelWriter, seed 1)
# then runs driver.py, which prints the table and PASS/MISS per target. A missed target is not a failure:
# the exit code is 0 when the run completed, 1 when something could not be built or started, 130 when
# interrupted. Every process the driver starts is in its own process group and is killed on every way out.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${LLORCH_INFER_CACHE:-$HOME/.cache/llorch-bench}"
NLC_VERSION="3.22.1"
JOBS="${JOBS:-2}"
STORIES="${STORIES_MODEL:-$(cd "$REPO/.." && pwd)/shared/models/stories260K.gguf}"
RANDOM_MODEL="$CACHE/random-llama-100m-f16.gguf"
LLAMA_SERVER="$CACHE/llama-build/bin/llama-server"
LLAMA_BATCHED_BENCH="$CACHE/llama-build/bin/llama-batched-bench"
# The prebuilt libraries are built with GGML_CPU_ALL_VARIANTS and pick a CPU variant at run time (on an AVX-512
# machine with VBMI/VNNI/BF16 and no AMX, "zen4"). llama-server gets the same instruction sets compiled in
# statically, and, like the prebuilt (node-llama-cpp's CI mode), no OpenMP. Override with LLAMA_CPU_FLAGS.
LLAMA_CPU_FLAGS="${LLAMA_CPU_FLAGS:--DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON}"

BUILD=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,17p' "$0"; exec python3 "$HERE/driver.py" --help ;;
    *) ARGS+=("$a") ;;
  esac
done

say() { printf '[run.sh] %s\n' "$*" >&2; }

DRIVER_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [[ -n "$DRIVER_PID" ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    say "stopping the driver and every engine it started (process group $DRIVER_PID)"
    kill -TERM -- "-$DRIVER_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$DRIVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$DRIVER_PID" 2>/dev/null || true
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for tool in dotnet node npm python3 cmake git c++ tar; do
  command -v "$tool" >/dev/null || { say "missing tool: $tool"; exit 1; }
done
[[ -f "$STORIES" ]] || { say "no stories260K.gguf at $STORIES (set STORIES_MODEL)"; exit 1; }
mkdir -p "$CACHE"

# 1. .NET: the Release solution. When the solution does not build (work in progress elsewhere), build the two
#    projects this bench needs and say so.
ENGINE_DLL="$REPO/src/LlamaOrch.EngineHost/bin/Release/net10.0/llorch-engine.dll"
MODELGEN_DLL="$REPO/bench/inference/LlamaOrch.Bench.ModelGen/bin/Release/net10.0/llorch-bench-modelgen.dll"
if [[ $BUILD == 1 ]]; then
  say "dotnet build -c Release llama-orch.sln"
  if ! dotnet build -c Release --disable-build-servers -nologo -v q "$REPO/llama-orch.sln" >&2; then
    say "WARNING: the solution did not build; building llorch-engine and the model generator alone"
    dotnet build -c Release --disable-build-servers -nologo -v q "$REPO/src/LlamaOrch.EngineHost/LlamaOrch.EngineHost.csproj" >&2
    dotnet build -c Release --disable-build-servers -nologo -v q "$HERE/LlamaOrch.Bench.ModelGen/LlamaOrch.Bench.ModelGen.csproj" >&2
  fi
fi
[[ -f "$ENGINE_DLL" ]] || { say "no $ENGINE_DLL (run without --no-build)"; exit 1; }

# 2. The llama.cpp tree node-llama-cpp 3.22.1 was built from.
if [[ ! -d "$CACHE/llama-src/.git" ]]; then
  say "npm pack node-llama-cpp@$NLC_VERSION and clone its llama.cpp bundle into $CACHE/llama-src"
  (cd "$CACHE" && rm -rf package llama-src && npm pack "node-llama-cpp@$NLC_VERSION" --silent >/dev/null \
     && tar xzf "node-llama-cpp-$NLC_VERSION.tgz" && git clone -q package/llama/gitRelease.bundle llama-src) >&2
fi

# 3. llama-server from that tree.
if [[ ! -x "$LLAMA_SERVER" ]]; then
  say "building llama-server in $CACHE/llama-build (-j$JOBS; about 30 minutes on 2 cores)"
  # shellcheck disable=SC2086 # LLAMA_CPU_FLAGS is a list of -D options
  cmake -S "$CACHE/llama-src" -B "$CACHE/llama-build" -DLLAMA_CURL=OFF -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DGGML_CCACHE=OFF $LLAMA_CPU_FLAGS \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >&2
  cmake --build "$CACHE/llama-build" --target llama-server -j"$JOBS" >&2
fi

# 3b. llama-batched-bench from the same build: the library's raw decode rate (the "library ceiling" rows). It
#     shares every library with llama-server, so it only links a small tool. Optional: without it the driver
#     skips the ceiling rows.
CEILING_ARGS=()
if [[ ! -x "$LLAMA_BATCHED_BENCH" ]]; then
  say "building llama-batched-bench in $CACHE/llama-build"
  if ! cmake --build "$CACHE/llama-build" --target llama-batched-bench -j"$JOBS" >&2; then
    say "WARNING: llama-batched-bench did not build; the run goes on without the library ceiling rows"
  fi
fi
if [[ -x "$LLAMA_BATCHED_BENCH" ]]; then CEILING_ARGS=(--batched-bench "$LLAMA_BATCHED_BENCH"); fi

# 4. node-llama-cpp with its prebuilt binaries (the same @node-llama-cpp/linux-x64 files llorch-engine ships).
if [[ ! -f "$CACHE/nlc/node_modules/node-llama-cpp/package.json" ]]; then
  say "npm install node-llama-cpp@$NLC_VERSION --ignore-scripts in $CACHE/nlc"
  mkdir -p "$CACHE/nlc"
  [[ -f "$CACHE/nlc/package.json" ]] || echo '{"name":"nlc-bench","private":true,"type":"module"}' > "$CACHE/nlc/package.json"
  (cd "$CACHE/nlc" && npm install "node-llama-cpp@$NLC_VERSION" --ignore-scripts --no-audit --no-fund) >&2
fi

# 5. The random ~100M-parameter llama model.
if [[ ! -f "$RANDOM_MODEL" ]]; then
  if [[ ! -f "$MODELGEN_DLL" ]]; then
    dotnet build -c Release --disable-build-servers -nologo -v q "$HERE/LlamaOrch.Bench.ModelGen/LlamaOrch.Bench.ModelGen.csproj" >&2
  fi
  say "writing $RANDOM_MODEL"
  dotnet "$MODELGEN_DLL" "$RANDOM_MODEL" --seed 1 >&2
fi

# 6. Run. setsid: the driver and every engine it starts share a process group that cleanup() can kill.
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$CACHE/results"
OUT="$CACHE/results/$STAMP.txt"
CPU_DESC="GGML_NATIVE=OFF GGML_OPENMP=OFF ${LLAMA_CPU_FLAGS//-DGGML_/} (gcc $(c++ -dumpfullversion)), llama.cpp $(git -C "$CACHE/llama-src" describe --always --tags 2>/dev/null)"
setsid python3 "$HERE/driver.py" \
  --engine-dll "$ENGINE_DLL" \
  --llama-server "$LLAMA_SERVER" \
  --llama-server-build "$CPU_DESC" \
  "${CEILING_ARGS[@]}" \
  --nlc-dir "$CACHE/nlc" \
  --nlc-script "$HERE/nlc-bench.mjs" \
  --model "stories260K=$STORIES=20=10=8" \
  --model "random-100M=$RANDOM_MODEL=6=3=2" \
  --rounds 3 \
  --json-out "$CACHE/results/$STAMP.json" \
  "${ARGS[@]}" > >(tee "$OUT") &
DRIVER_PID=$!
set +e
wait "$DRIVER_PID"
rc=$?
set -e
DRIVER_PID=""
sleep 0.2 # let tee finish
say "table saved to $OUT"
exit "$rc"
