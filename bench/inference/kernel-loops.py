#!/usr/bin/env python3
"""bench/inference/kernel-loops.py: the inner loops of llama.cpp's matrix kernels in a built libggml-cpu, read from
its machine code, to compare library builds without running them (bench/README.md, "The prebuilt library against a
local build").

    bench/inference/kernel-loops.py LIB [REGEX]     # default REGEX: every tinyBLAS gemm_bloc

For each function whose demangled name matches REGEX, it finds the backward jump whose loop body holds the most
multiply-adds (the kernel's inner loop) and prints how many multiply-adds, stores to the stack and instructions that
body has. A build whose compiler keeps the accumulators in registers shows 0 stack stores; the prebuilt libraries
(GCC 11.4) show one per multiply-add. Needs binutils (nm, objdump).
"""
import re
import subprocess
import sys

MULTIPLY_ADD = ("vfmadd", "vpdpbusd", "vdpbf16", "vmulps")  # vmulps: the AVX-only variants multiply, then add


def inner_loop(instructions):
    """(multiply-adds, stack stores, instructions) of the loop with the most multiply-adds, or None."""
    best = None
    for address, text in instructions:
        jump = re.match(r"j\w+\s+([0-9a-f]+)", text)
        if not jump or int(jump.group(1), 16) >= address:
            continue
        start = int(jump.group(1), 16)
        body = [t for a, t in instructions if start <= a <= address]
        adds = sum(any(op in t for op in MULTIPLY_ADD) for t in body)
        stores = sum(t.split()[0].startswith("vmov") and t.split(",")[-1].endswith("(%rsp)") for t in body)
        if best is None or adds > best[0]:
            best = (adds, stores, len(body))
    return best


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    lib = sys.argv[1]
    pattern = re.compile(sys.argv[2] if len(sys.argv) == 3 else r"tinyBLAS.*::gemm_bloc<")
    symbols = subprocess.run(["nm", "-C", "-S", lib], capture_output=True, text=True, check=True).stdout
    for line in symbols.splitlines():
        parts = line.split(None, 3)
        if len(parts) < 4 or not pattern.search(parts[3]):
            continue
        start, size = int(parts[0], 16), int(parts[1], 16)
        listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--start-address={start}",
                                  f"--stop-address={start + size}", lib], capture_output=True, text=True, check=True).stdout
        instructions = [(int(m.group(1), 16), m.group(2)) for m in
                        (re.match(r"\s+([0-9a-f]+):\s+(.*)", l) for l in listing.splitlines()) if m]
        loop = inner_loop(instructions)
        name = parts[3].replace("(anonymous namespace)::", "")
        if loop:
            print(f"{name}\n    inner loop: {loop[0]} multiply-adds, {loop[1]} stack stores, {loop[2]} instructions")
        else:
            print(f"{name}\n    no loop found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
