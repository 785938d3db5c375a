#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md (to standard output) from the results of bench/run:
the Google Benchmark JSON of this runtime and the floor, and the JSON of the Rust
harness. Hand-written analysis comes from bench/analysis.md."""

import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (key, case, operation): the order of the table.
CASES = [
    ("host_u32", "host → plugin: `get-u32() -> u32`", "one dispatch"),
    ("host_string_1k", "host → plugin: 1 KiB `string` in and out", "one dispatch"),
    ("host_bytes_64k", "host → plugin: 64 KiB `list<u8>` in and out", "one dispatch"),
    ("host_record_8", "host → plugin: record of 8 fields in and out", "one dispatch"),
    ("host_fan_out/1", "host → `any` binding of 1 plugin", "one dispatch"),
    ("host_fan_out/10", "host → `any` binding of 10 plugins", "one dispatch"),
    ("host_fan_out/100", "host → `any` binding of 100 plugins", "one dispatch"),
    ("socket_u32", "plugin → plugin: `exactly-one` socket, `u32`", "one socket call"),
    ("fan_out/1", "plugin → `any` socket of 1 plugin", "one socket call"),
    ("fan_out/10", "plugin → `any` socket of 10 plugins", "one socket call"),
    ("fan_out/100", "plugin → `any` socket of 100 plugins", "one socket call"),
    ("resource_round_trip", "resource across plugins: create + method + drop", "one round trip"),
    ("graph_build/10", "build a graph of 10 plugins (compiled components)", "build + drop"),
    ("graph_build/100", "build a graph of 100 plugins (compiled components)", "build + drop"),
    ("graph_build/1000", "build a graph of 1,000 plugins (compiled components)", "build + drop"),
    ("resident_memory", "resident memory per instantiated plugin", "bytes per plugin"),
]
HOST_DISPATCH = ["host_u32", "host_string_1k", "host_bytes_64k", "host_record_8"]


def load_google_benchmark(path, figures, errors):
    """Median per benchmark: Google Benchmark's median aggregate, or with a
    single repetition (no aggregates) that repetition."""
    data = json.loads(path.read_text())
    runs = {}
    for entry in data["benchmarks"]:
        contender, _, case = entry["run_name"].partition("/")
        case = re.sub(r"/iterations:\d+$", "", case)
        if entry.get("error_occurred"):
            errors[(contender, case)] = entry.get("error_message", "error")
            continue
        if "bytes_per_plugin" in entry:
            value = entry["bytes_per_plugin"]
        elif "items_per_second" in entry:
            value = 1e9 / entry["items_per_second"]
        else:
            continue
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                figures[(contender, case)] = value
        else:
            runs.setdefault((contender, case), []).append(value)
    for key, values in runs.items():
        if key not in figures:
            figures[key] = sorted(values)[len(values) // 2]
    return data["context"]


def load_rust(path, figures, extras):
    for entry in json.loads(path.read_text())["benchmarks"]:
        case = entry["name"].partition("/")[2]
        figures[("rust", case)] = entry["median"]
        if "live_counters_after" in entry:
            extras["live_counters_after"] = entry["live_counters_after"]


def lock_version(lock, name):
    match = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(name), lock)
    return match.group(1) if match else "?"


def run(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    os_name = re.search(r'PRETTY_NAME="([^"]*)"', Path("/etc/os-release").read_text())
    compiler = "?"
    cache = ROOT / "build-bench" / "CMakeCache.txt"
    if cache.exists():
        found = re.search(r"CMAKE_CXX_COMPILER:[A-Z]+=(.*)", cache.read_text())
        if found:
            compiler = run([found.group(1), "--version"]).splitlines()[0]
    return {
        "cpu": model.group(1).strip() if model else platform.processor(),
        "cores": os.cpu_count(),
        "memory": "%.0f GiB" % (int(memory.group(1)) / 2**20) if memory else "?",
        "os": "%s, Linux %s" % (os_name.group(1) if os_name else "?", platform.release()),
        "compiler": compiler,
        "rustc": run(["rustc", "--version"]),
        "benchmark": run(["dpkg-query", "-W", "-f=${Version}", "libbenchmark-dev"]),
        "commit": run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


def time_text(ns):
    if ns < 1e3:
        return "%.0f ns" % ns
    if ns < 1e6:
        return "%.2f µs" % (ns / 1e3)
    return "%.2f ms" % (ns / 1e6)


def figure_text(case, value):
    if value is None:
        return "—"
    if case == "resident_memory":
        return "%.1f KiB" % (value / 1024)
    return time_text(value)


def ratio(a, b):
    return a / b if a is not None and b else None


def ratio_text(value, target=None):
    if value is None:
        return "—"
    text = "%.2f" % value
    return "**%s**" % text if target is not None and value > target else text


def main():
    results = Path(sys.argv[1])
    figures, errors, extras = {}, {}, {}
    context = load_google_benchmark(results / "cpp.json", figures, errors)
    for contender in ("ours", "floor"):
        memory = results / ("cpp-memory-%s.json" % contender)
        if memory.exists():
            load_google_benchmark(memory, figures, errors)
    for name in ("rust.json", "rust-memory.json"):
        if (results / name).exists():
            load_rust(results / name, figures, extras)

    c_api_lock = (ROOT / "cmake" / "wasmtime-c-api" / "Cargo.lock").read_text()
    rust_lock = (ROOT / "bench" / "rust" / "Cargo.lock").read_text()
    ours_wasmtime = lock_version(c_api_lock, "wasmtime-c-api-impl")
    rust_wasmtime = lock_version(rust_lock, "wasmtime")
    rust_crate = lock_version(rust_lock, "wasm-link")
    m = machine()
    if (results / "commit").exists():  # the commit measured, which bench/run wrote
        m["commit"] = (results / "commit").read_text().strip()
    get = lambda contender, case: figures.get((contender, case))

    out = []
    w = out.append
    w("# Benchmarks\n")
    w("Written by `bench/run` (%s, commit `%s`); do not edit by hand: the analysis at the"
      " end comes from `bench/analysis.md`.\n" % (context.get("date", "?")[:10], m["commit"]))
    w("Time per operation, the median of %s repetitions; lower is better. **Bold** ratios miss"
      " their target (see [Targets](#targets)).\n" % repetitions_of(results))
    w("## Contenders\n")
    w("| contender | what runs | Wasmtime |")
    w("| --- | --- | --- |")
    w("| ours | this runtime: `Binding::dispatch` from the host, sockets between plugins |"
      " %s (C API) |" % ours_wasmtime)
    w("| floor | the same fixtures through Wasmtime's component C++ API alone; where plugins"
      " call plugins, a hand-made relay (a host function that calls the other instance) |"
      " %s (C API) |" % ours_wasmtime)
    w("| wasm-link | the Rust crate `wasm-link` %s driving the same fixtures (`bench/rust`) |"
      " %s (Rust API) |" % (rust_crate, rust_wasmtime))
    w("")
    w("## Results\n")
    w("| case | operation | ours (Wasmtime %s) | floor (Wasmtime %s) | wasm-link %s (Wasmtime %s)"
      " | ours/floor | ours/wasm-link |" % (ours_wasmtime, ours_wasmtime, rust_crate, rust_wasmtime))
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for key, case, operation in CASES:
        ours, floor, rust = get("ours", key), get("floor", key), get("rust", key)
        ours_cell = figure_text(key, ours)
        if ours is None and ("ours", key) in errors:
            ours_cell = "failed¹"
        host_target = 1.3 if key in HOST_DISPATCH else None
        w("| %s | %s | %s | %s | %s | %s | %s |" % (
            case, operation, ours_cell, figure_text(key, floor), figure_text(key, rust),
            ratio_text(ratio(ours, floor), host_target),
            ratio_text(ratio(ours, rust), 1.0 if key != "resident_memory" else None)))
    w("")
    for (contender, key), message in sorted(errors.items()):
        if contender == "ours":
            w("¹ `%s` did not run: `%s`.\n" % (key, message.replace("`", "'")))
    notes = []
    direct = get("floor", "resource_round_trip_direct")
    if direct is not None:
        notes.append("The floor's resource round trip above goes through a hand-made socket (the"
                     " consumer plugin calls host functions that call the provider). Made directly"
                     " from the host on the provider (make-counter, the method, drop) it takes"
                     " %s." % time_text(direct))
    if "live_counters_after" in extras:
        notes.append("After its round trips the crate `wasm-link` left %d counters alive in the"
                     " provider: it forgets the consumer's handle on drop but never drops the"
                     " provider's resource, so the destructor (part of the round trip for ours"
                     " and the floor) never runs." % extras["live_counters_after"])
    if notes:
        w(" ".join(notes) + "\n")

    busy = {}
    if (results / "cpp-concurrency.json").exists():
        load_google_benchmark(results / "cpp-concurrency.json", busy, {})
    if (results / "rust-concurrency.json").exists():
        load_rust(results / "rust-concurrency.json", busy, {})
    if busy:
        w("### With Wasmtime's concurrency support\n")
        w("The tables above run every contender with Wasmtime's concurrency support"
          " (component-model async) off, as `default_config()` has it: the crate at its"
          " fastest. Wasmtime's own default has it on, and its bookkeeping (a guest task made"
          " and retired per call, `enter_guest_sync_call`/`exit_guest_sync_call`) then runs on"
          " every crossing. The same cases with `concurrency_support(true)` for every"
          " contender:\n")
        w("| case | ours | floor | wasm-link | ours/floor | ours/wasm-link |")
        w("| --- | ---: | ---: | ---: | ---: | ---: |")
        for key, case, _ in CASES:
            ours, floor, rust = busy.get(("ours", key)), busy.get(("floor", key)), busy.get(("rust", key))
            if ours is None and floor is None and rust is None:
                continue
            w("| %s | %s | %s | %s | %s | %s |" % (
                case, figure_text(key, ours), figure_text(key, floor), figure_text(key, rust),
                ratio_text(ratio(ours, floor)), ratio_text(ratio(ours, rust))))
        w("")

    w("## Targets\n")
    w("| target | measured | met |")
    w("| --- | --- | --- |")
    for key, case, _ in CASES:
        r = ratio(get("ours", key), get("rust", key))
        if r is not None and key != "resident_memory":
            w("| ours/wasm-link ≤ 1.0: %s | %.2f | %s |" % (case, r, "yes" if r <= 1.0 else "**no**"))
    r = ratio(get("ours", "resident_memory"), get("rust", "resident_memory"))
    if r is not None:
        w("| ours/wasm-link ≤ 1.0: resident memory per plugin | %.2f | %s |"
          % (r, "yes" if r <= 1.0 else "**no**"))
    for key in HOST_DISPATCH:
        r = ratio(get("ours", key), get("floor", key))
        if r is not None:
            w("| host dispatch ours/floor ≤ 1.3: `%s` | %.2f | %s |"
              % (key, r, "yes" if r <= 1.3 else "**no**"))
    r = ratio(get("ours", "socket_u32"), get("floor", "host_u32"))
    if r is not None:
        w("| a socket call ≤ 2.5 × one floor call (`socket_u32` / floor `host_u32`) | %.2f | %s |"
          % (r, "yes" if r <= 2.5 else "**no**"))
    for family in ("fan_out", "host_fan_out"):
        t1, t10, t100 = (get("ours", "%s/%d" % (family, n)) for n in (1, 10, 100))
        if None not in (t1, t10, t100):
            # Linear: the cost per plugin does not grow with the plugin count.
            growth = (t100 / 100) / (t10 / 10)
            w("| `%s` linear in plugins: per plugin %s (1), %s (10), %s (100); per-plugin cost at"
              " 100 / at 10 ≤ 1.25 | %.2f | %s |" % (
                  family, time_text(t1), time_text(t10 / 10), time_text(t100 / 100), growth,
                  "yes" if growth <= 1.25 else "**no**"))
    w("")

    w("## Machine\n")
    w("| | |")
    w("| --- | --- |")
    w("| CPU | %s, %s cores (shared with other work while measured) |" % (m["cpu"], m["cores"]))
    w("| memory | %s |" % m["memory"])
    w("| system | %s |" % m["os"])
    w("| C++ compiler | %s, `-O3` (CMake Release) |" % m["compiler"])
    w("| Rust | %s, `--release` (opt-level 3) |" % m["rustc"])
    w("| Google Benchmark | %s (Debian's libbenchmark-dev) |" % m["benchmark"])
    w("| load average at start | %s |" % ", ".join("%.2f" % x for x in context.get("load_avg", [])))
    w("")
    # bench/polyglot, bench/parallel and bench/async write their sections into
    # the document themselves; keep them.
    current = ROOT / "docs" / "BENCHMARKS.md"
    for section in ("polyglot", "parallel", "async", "bytes"):
        kept = re.search(r"<!-- %s -->.*<!-- /%s -->" % (section, section), current.read_text(),
                         re.S) if current.exists() else None
        if kept:
            w(kept.group(0) + "\n")
    analysis = ROOT / "bench" / "analysis.md"
    if analysis.exists():
        w(analysis.read_text().rstrip() + "\n")
    sys.stdout.write("\n".join(out))


def repetitions_of(results):
    data = json.loads((results / "cpp.json").read_text())
    for entry in data["benchmarks"]:
        if "repetitions" in entry:
            return entry["repetitions"]
    return 1


if __name__ == "__main__":
    main()
