#!/usr/bin/env bash
# src/LlamaOrch.LlamaCpp/build-llama-libs.sh: builds llama.cpp's CPU libraries on this machine, from the same source
# tree as the libraries llorch-engine ships (node-llama-cpp 3.22.1's llama.cpp v0.5.0, ggml 0.25.1), into a folder
# that llorch-engine takes as `--lib-dir` (or LLORCH_LLAMA_LIB_DIR).
#
#   src/LlamaOrch.LlamaCpp/build-llama-libs.sh [OUT_DIR]      # default OUT_DIR: $CACHE/lib
#
# Why: the shipped prebuilt is compiled by node-llama-cpp's CI with GCC 11.4, which keeps the accumulators of
# llamafile's F32/F16/BF16 matrix kernels (tinyBLAS gemm_bloc) in memory, one 64-byte store per FMA in the inner loop;
# GCC 12.2 keeps them in registers (other compilers untested). A decode step of 4 / 16 sequences of an F16 model
# costs about 1.2x / 1.8x the CPU per token on the prebuilt (bench/README.md, "The prebuilt library against a local
# build"). One-sequence decodes and quantized models use other kernels and lose little or nothing.
#
# Environment:
#   LLORCH_LLAMA_CACHE  work folder (default ~/.cache/llorch-llama): the source, the CMake build, the default output
#   LLAMA_SRC           an existing checkout of the same llama.cpp tree to build instead of fetching one
#   LLAMA_CPU_FLAGS     CMake options for the CPU code (default -DGGML_NATIVE=ON: this machine's instruction sets;
#                       a folder meant for other machines needs e.g. -DGGML_NATIVE=OFF -DGGML_AVX2=ON)
#   JOBS                parallel compile jobs (default: the number of cores); about 10 minutes at 1 job here
#
# Nothing is installed system-wide. The libraries find each other through $ORIGIN, so OUT_DIR can be moved.
# The outputs of one seed are the same run after run on one library build, but not the same text as on the shipped
# libraries: different compilers round differently (docs/determinism.md).
set -euo pipefail

NLC_VERSION="3.22.1"
CACHE="${LLORCH_LLAMA_CACHE:-$HOME/.cache/llorch-llama}"
OUT="${1:-$CACHE/lib}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
LLAMA_CPU_FLAGS="${LLAMA_CPU_FLAGS:--DGGML_NATIVE=ON}"

say() { printf '[build-llama-libs] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

case "${1:-}" in -h|--help) sed -n '2,23p' "$0"; exit 0 ;; esac
for tool in cmake c++ git tar; do command -v "$tool" >/dev/null || die "missing tool: $tool"; done

# The compiler is the point of this build: warn where it is the one that made the prebuilt slow.
compiler="$(c++ --version | head -n 1)"
if [[ "$compiler" == *g++* || "$compiler" == *GCC* ]]; then
  major="$(c++ -dumpversion | cut -d. -f1)"
  if (( major < 12 )); then
    say "WARNING: $compiler is older than GCC 12; it spills the tinyBLAS accumulators like the prebuilt (set CC/CXX to GCC 12 or newer)"
  fi
fi

mkdir -p "$CACHE"
SRC="${LLAMA_SRC:-$CACHE/llama-src}"
if [[ ! -f "$SRC/CMakeLists.txt" ]]; then
  [[ -z "${LLAMA_SRC:-}" ]] || die "LLAMA_SRC=$LLAMA_SRC has no CMakeLists.txt"
  command -v npm >/dev/null || die "missing tool: npm (to fetch node-llama-cpp@$NLC_VERSION's llama.cpp tree)"
  say "fetching node-llama-cpp@$NLC_VERSION's llama.cpp tree into $SRC"
  tmp="$(mktemp -d "$CACHE/fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-llama-cpp@$NLC_VERSION" --silent >/dev/null && tar xzf "node-llama-cpp-$NLC_VERSION.tgz")
  release="$(sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$tmp/package/llama/binariesGithubRelease.json")"
  [[ "$release" == "v0.5.0" ]] || die "node-llama-cpp@$NLC_VERSION bundles llama.cpp '$release', expected v0.5.0"
  rm -rf "$SRC"
  git -c advice.detachedHead=false clone -q "$tmp/package/llama/gitRelease.bundle" "$SRC"
fi

BUILD="$CACHE/build"
say "configuring $BUILD ($LLAMA_CPU_FLAGS, $compiler)"
# Shared libraries only: no tools, server, tests or common library. No OpenMP, as the prebuilt (ggml's own threads).
# BUILD_RPATH_USE_ORIGIN: the libraries look for each other beside themselves, not in the build folder.
# shellcheck disable=SC2086 # LLAMA_CPU_FLAGS is a list of -D options
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON \
  -DLLAMA_OPENSSL=OFF -DGGML_OPENMP=OFF -DGGML_CCACHE=OFF -DGGML_BACKEND_DL=OFF $LLAMA_CPU_FLAGS \
  -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_APP=OFF >&2
say "building libllama and ggml (-j$JOBS)"
cmake --build "$BUILD" --target llama -j"$JOBS" >&2

mkdir -p "$OUT"
rm -f "$OUT"/libllama.so* "$OUT"/libggml*.so*
# -P keeps the soname links (libllama.so -> libllama.so.0 -> libllama.so.0.5.0) that the loader follows.
cp -P "$BUILD"/bin/libllama.so* "$BUILD"/bin/libggml*.so* "$OUT"/
[[ -e "$OUT/libllama.so" && -e "$OUT/libggml.so" ]] || die "the build left no libllama.so/libggml.so in $BUILD/bin"
say "done: $OUT"
printf '%s\n' "$OUT"
say "use it with: llorch-engine --lib-dir $OUT   (or EngineArgs [\"--lib-dir\", \"$OUT\"], or LLORCH_LLAMA_LIB_DIR=$OUT)"
