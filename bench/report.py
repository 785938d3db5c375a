#!/usr/bin/env python3
"""Writes docs/BENCHMARKS.md (to standard output) from the results of bench/run:
the Google Benchmark JSON of this runtime and the floor, and the JSON of the Rust
harness, one file per contender and round. Each case shows the minimum and the
median of its repetitions. Hand-written analysis comes from bench/analysis.md."""

import json
import os
import platform
import re
import statistics
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
    ("socket_bytes_64k", "plugin → plugin: `exactly-one` socket, 64 KiB `list<u8>` in and out",
     "one socket call"),
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


def load_google_benchmark(path, samples, errors):
    """Appends every repetition's value (CPU time per operation, or bytes per
    plugin) to samples[(contender, case)]; aggregates are left out."""
    data = json.loads(path.read_text())
    for entry in data["benchmarks"]:
        if entry.get("run_type") == "aggregate":
            continue
        contender, _, case = entry["run_name"].partition("/")
        case = re.sub(r"/(iterations:\d+|process_time)$", "", case)
        if entry.get("error_occurred"):
            errors[(contender, case)] = entry.get("error_message", "error")
            continue
        if "bytes_per_plugin" in entry:
            value = entry["bytes_per_plugin"]
        elif "items_per_second" in entry:
            value = 1e9 / entry["items_per_second"]
        else:
            continue
        samples.setdefault((contender, case), []).append(value)
    return data["context"]


def load_rust(path, samples, extras):
    for entry in json.loads(path.read_text())["benchmarks"]:
        case = entry["name"].partition("/")[2]
        values = entry.get("ns_per_op", entry.get("bytes_per_plugin", []))
        samples.setdefault(("rust", case), []).extend(values)
        if "live_counters_after" in entry:
            extras["live_counters_after"] = entry["live_counters_after"]


def load_rounds(results, suffix, samples, errors, extras):
    """The timing rounds of bench/run (ours-01.json, floor-01.json,
    rust-01.json, and the graph cases' ours-graph-01.json, ...; with
    concurrency support on ours-concurrency-01.json, ...); the C++ suite's
    contexts, one per round (ours')."""
    contexts = []
    for path in sorted(results.glob("ours%s-[0-9]*.json" % suffix)):
        contexts.append(load_google_benchmark(path, samples, errors))
    for pattern in ("floor%s-[0-9]*.json", "ours-graph%s-[0-9]*.json",
                    "floor-graph%s-[0-9]*.json"):
        for path in sorted(results.glob(pattern % suffix)):
            load_google_benchmark(path, samples, errors)
    for pattern in ("rust%s-[0-9]*.json", "rust-graph%s-[0-9]*.json"):
        for path in sorted(results.glob(pattern % suffix)):
            load_rust(path, samples, extras)
    return contexts


class Figures:
    """Minimum and median of each (contender, case)'s repetitions."""

    def __init__(self, samples):
        self.samples = samples

    def min(self, contender, case):
        values = self.samples.get((contender, case))
        return min(values) if values else None

    def median(self, contender, case):
        values = self.samples.get((contender, case))
        return statistics.median(values) if values else None

    def count(self, contender, case):
        return len(self.samples.get((contender, case), []))


def lock_version(lock, name):
    match = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(name), lock)
    return match.group(1) if match else "?"


def run(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine(build):
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    memory = re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text())
    os_name = re.search(r'PRETTY_NAME="([^"]*)"', Path("/etc/os-release").read_text())
    compiler = "?"
    cache = build / "CMakeCache.txt"
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
    # Two significant digits below 0.01, where two decimals would say 0.00.
    text = "%.2f" % value if value >= 0.01 else "%.2g" % value
    return "**%s**" % text if target is not None and value > target else text


def main():
    results = Path(sys.argv[1])
    samples, errors, extras = {}, {}, {}
    contexts = load_rounds(results, "", samples, errors, extras)
    if not contexts:
        sys.exit("bench/report.py: no rounds in %s" % results)
    for contender in ("ours", "floor"):
        memory = results / ("cpp-memory-%s.json" % contender)
        if memory.exists():
            load_google_benchmark(memory, samples, errors)
    if (results / "rust-memory.json").exists():
        load_rust(results / "rust-memory.json", samples, extras)
    figures = Figures(samples)
    repetitions, min_time = settings(results, len(contexts))

    c_api_lock = (ROOT / "cmake" / "wasmtime-c-api" / "Cargo.lock").read_text()
    rust_lock = (ROOT / "bench" / "rust" / "Cargo.lock").read_text()
    ours_wasmtime = lock_version(c_api_lock, "wasmtime-c-api-impl")
    rust_wasmtime = lock_version(rust_lock, "wasmtime")
    rust_crate = lock_version(rust_lock, "wasm-link")
    m = machine(results.parent)
    if (results / "commit").exists():  # the commit measured, which bench/run wrote
        m["commit"] = (results / "commit").read_text().strip()
    get = figures.median
    loads = [context["load_avg"][0] for context in contexts if context.get("load_avg")]

    out = []
    w = out.append
    w("# Benchmarks\n")
    w("Written by `bench/run` (%s, commit `%s`); do not edit by hand: the analysis at the"
      " end comes from `bench/analysis.md`.\n" % (contexts[0].get("date", "?")[:10], m["commit"]))
    w("Time per operation, the minimum and the median of %d repetitions per contender; lower is"
      " better. The repetitions come from %d rounds spread over the run: each round runs every"
      " contender once, each in processes of its own (its graph building in one, its other"
      " cases in another) and in an order shuffled anew, and each runs every case of its own"
      " once, in an order shuffled anew too (for ours and floor, Google Benchmark's random"
      " interleaving). A busy spell therefore shows as a median above the minimum for every"
      " contender alike, not as a different ratio. Ratios are of the medians and of the"
      " minimums; **bold** ratios of medians miss their target (see [Targets](#targets));"
      " [How it is measured](#how-it-is-measured) has the details.\n" % (repetitions, repetitions))
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
    w("ours and floor on Wasmtime %s; wasm-link: the crate %s on Wasmtime %s.\n"
      % (ours_wasmtime, rust_crate, rust_wasmtime))
    w(table_head(with_operation=True))
    for key, case, operation in CASES:
        cells = contender_cells(figures, key)
        if figures.median("ours", key) is None and ("ours", key) in errors:
            cells[0:2] = ["failed¹", "failed¹"]
        host_target = 1.3 if key in HOST_DISPATCH else None
        w("| %s | %s | %s |" % (case, operation, " | ".join(
            cells + ratio_cells(figures, key, "floor", host_target)
            + ratio_cells(figures, key, "rust", 1.0 if key != "resident_memory" else None))))
    w("")
    short = sorted("%s/%s (%d)" % (contender, key, figures.count(contender, key))
                   for key, _, _ in CASES for contender in ("ours", "floor", "rust")
                   if 0 < figures.count(contender, key) < repetitions)
    if short:
        w("Fewer repetitions than the rest: %s.\n" % ", ".join(short))
    for (contender, key), message in sorted(errors.items()):
        if contender == "ours":
            w("¹ `%s` did not run: `%s`.\n" % (key, message.replace("`", "'")))
    notes = []
    direct = get("floor", "resource_round_trip_direct")
    if direct is not None:
        notes.append("The floor's resource round trip above goes through a hand-made socket (the"
                     " consumer plugin calls host functions that call the provider). Made directly"
                     " from the host on the provider (make-counter, the method, drop) it takes"
                     " %s (median; minimum %s)."
                     % (time_text(direct), time_text(figures.min("floor",
                                                                  "resource_round_trip_direct"))))
    if "live_counters_after" in extras:
        notes.append("After its round trips the crate `wasm-link` left %d counters alive in the"
                     " provider: it forgets the consumer's handle on drop but never drops the"
                     " provider's resource, so the destructor (part of the round trip for ours"
                     " and the floor) never runs." % extras["live_counters_after"])
    if notes:
        w(" ".join(notes) + "\n")

    prepared_section(w, figures)
    socket_bytes_section(w, figures)

    busy_samples = {}
    load_rounds(results, "-concurrency", busy_samples, {}, {})
    if busy_samples:
        busy = Figures(busy_samples)
        w("### With Wasmtime's concurrency support\n")
        w("The tables above run every contender with Wasmtime's concurrency support"
          " (component-model async) off, as `default_config()` has it: the crate at its"
          " fastest. Wasmtime's own default has it on, and its bookkeeping (a guest task made"
          " and retired per call, `enter_guest_sync_call`/`exit_guest_sync_call`) then runs on"
          " every crossing. The same cases with `concurrency_support(true)` for every"
          " contender, measured in the same rounds:\n")
        w(table_head(with_operation=False))
        for key, case, _ in CASES:
            if all(busy.median(c, key) is None for c in ("ours", "floor", "rust")):
                continue
            w("| %s | %s |" % (case, " | ".join(
                contender_cells(busy, key) + ratio_cells(busy, key, "floor")
                + ratio_cells(busy, key, "rust"))))
        w("")

    w("## Targets\n")
    w("On the medians.\n")
    w("| target | measured | met |")
    w("| --- | --- | --- |")
    for key, case, _ in CASES:
        r = ratio(get("ours", key), get("rust", key))
        if r is not None and key != "resident_memory":
            w("| ours/wasm-link ≤ 1.0: %s | %s | %s |"
              % (case, ratio_text(r), "yes" if r <= 1.0 else "**no**"))
    r = ratio(get("ours", "resident_memory"), get("rust", "resident_memory"))
    if r is not None:
        w("| ours/wasm-link ≤ 1.0: resident memory per plugin | %.2f | %s |"
          % (r, "yes" if r <= 1.0 else "**no**"))
    # Bulk data and cheaper dispatch against the floor (the byte path's targets
    # are in its own section, written by bench/bytes).
    floor_targets = [
        ("graph_build/100", "graph_build/100", 1.15, "build a graph of 100 plugins"),
        ("graph_build/1000", "graph_build/1000", 1.15, "build a graph of 1,000 plugins"),
        ("resident_memory", "resident_memory", 1.1, "resident memory per plugin"),
        ("host_u32_prepared", "host_u32", 1.1, "prepared `get-u32` (against the floor's call)"),
    ]
    for mine, floors, limit, case in floor_targets:
        r = ratio(get("ours", mine), get("floor", floors))
        if r is not None:
            w("| ours/floor ≤ %s: %s | %.3f | %s |"
              % (limit, case, r, "yes" if r <= limit else "**no**"))
    r = ratio(get("ours", "socket_bytes_64k"), get("bytes", "memcpy_64k_twice"))
    if r is not None:
        w("| 64 KiB through a socket ≤ 5 × two memcpys of 64 KiB (the host byte path's target) |"
          " %.2f | %s |" % (r, "yes" if r <= 5 else "**no**"))
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
    w("| rounds | %d, at least %s s per case and repetition |" % (repetitions, min_time))
    if loads:
        w("| load average (1 min) as each round began | %.2f to %.2f, median %.2f |"
          % (min(loads), max(loads), statistics.median(loads)))
    w("")
    # bench/polyglot, bench/parallel, bench/async, bench/bytes and bench/live write their
    # sections into the document themselves; keep them.
    current = ROOT / "docs" / "BENCHMARKS.md"
    for section in ("polyglot", "parallel", "async", "bytes", "live"):
        kept = re.search(r"<!-- %s -->.*<!-- /%s -->" % (section, section), current.read_text(),
                         re.S) if current.exists() else None
        if kept:
            w(kept.group(0) + "\n")
    analysis = ROOT / "bench" / "analysis.md"
    if analysis.exists():
        w(analysis.read_text().rstrip() + "\n")
    sys.stdout.write("\n".join(out))


def table_head(with_operation):
    columns = ["case"] + (["operation"] if with_operation else []) + [
        "ours min", "ours median", "floor min", "floor median", "wasm-link min",
        "wasm-link median", "ours/floor median", "ours/floor min", "ours/wasm-link median",
        "ours/wasm-link min"]
    aligns = ["---"] * (2 if with_operation else 1) + ["---:"] * 10
    return "| %s |\n| %s |" % (" | ".join(columns), " | ".join(aligns))


def contender_cells(figures, key):
    """Minimum and median of ours, the floor and the crate."""
    return [figure_text(key, value) for contender in ("ours", "floor", "rust")
            for value in (figures.min(contender, key), figures.median(contender, key))]


def ratio_cells(figures, key, other, target=None):
    """ours/other of the medians (bold past the target) and of the minimums."""
    return [ratio_text(ratio(figures.median("ours", key), figures.median(other, key)), target),
            ratio_text(ratio(figures.min("ours", key), figures.min(other, key)))]


# Host cases measured again through Binding::prepare (bench/ours_bench.cc),
# beside the floor's and the crate's one call, and the ours/floor target.
PREPARED = [("host_u32", 1.1), ("host_string_1k", 1.0), ("host_record_8", None)]


def prepared_section(w, figures):
    """The host cases through a call prepared once (ours) against the floor's and
    the crate's call."""
    rows = [(key, target) for key, target in PREPARED
            if figures.median("ours", key + "_prepared") is not None]
    if not rows:
        return
    names = {key: case for key, case, _ in CASES}
    w("### Prepared calls\n")
    w("The same host cases through a `PreparedCall` (`Binding::prepare` once, then the call):"
      " no name lookups, no copy of the plugin's id, no vector for the one result, and"
      " Wasmtime's typed call for a function of scalars, records and tuples of them (the"
      " flat path: `get-u32`, the record). The floor and the crate"
      " make their one call as above; the string, a function of the byte path's shape, takes"
      " the byte path's typed call with its `Val` (`Export::bytes`: the argument read from the"
      " value in place, the result made one value). Target: ours/floor at most 1.1 for"
      " `get-u32`, below 1 for the string.\n")
    w("| case | ours prepared min | ours prepared median | floor median | wasm-link median"
      " | ours/floor median | ours/floor min | ours/wasm-link median |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for key, target in rows:
        mine = key + "_prepared"
        w("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            names[key], figure_text(key, figures.min("ours", mine)),
            figure_text(key, figures.median("ours", mine)),
            figure_text(key, figures.median("floor", key)),
            figure_text(key, figures.median("rust", key)),
            ratio_text(ratio(figures.median("ours", mine), figures.median("floor", key)), target),
            ratio_text(ratio(figures.min("ours", mine), figures.min("floor", key))),
            ratio_text(ratio(figures.median("ours", mine), figures.median("rust", key)), 1.0)))
    w("")


def socket_bytes_section(w, figures):
    """64 KiB through a socket beside two memcpys of 64 KiB, and why the socket
    path costs what it does."""
    if figures.median("ours", "socket_bytes_64k") is None:
        return
    rows = [("ours", "ours", "socket_bytes_64k"), ("floor", "floor", "socket_bytes_64k"),
            ("wasm-link", "rust", "socket_bytes_64k"),
            ("two memcpys of 64 KiB (`bytes/memcpy_64k_twice`)", "bytes", "memcpy_64k_twice")]
    copy = figures.median("bytes", "memcpy_64k_twice")
    w("### 64 KiB through a socket\n")
    w("`bench/fixtures/bytes_consumer.wat` sends 64 KiB as a `list<u8>` through its"
      " `exactly-one` socket to the provider's `echo-bytes` and gets them back, 10 times per host"
      " dispatch, and checks each answer's length and one of its bytes. Per socket call, in and"
      " out:\n")
    w("| contender | min | median | / two memcpys (medians) |")
    w("| --- | ---: | ---: | ---: |")
    for label, contender, key in rows:
        median = figures.median(contender, key)
        w("| %s | %s | %s | %s |" % (label, figure_text(key, figures.min(contender, key)),
                                     figure_text(key, median),
                                     ("%.1f" if median / copy < 10 else "%.0f") % (median / copy)
                                     if median and copy else "—"))
    w("")
    w("A socket of a byte-path function (one `list<u8>` or `string` parameter, a `list<u8>` or"
      " `string` result, gathered in a tuple, an option or a list) is a typed host function:"
      " the shim's `wasm_link_component_linker_instance_add_socket_bytes`"
      " (`cmake/wasmtime-c-api/src/lib.rs`, over Wasmtime's `LinkerInstance::func_wrap`). The"
      " consumer's argument is read in place in its memory (`WasmList<u8>`, `WasmStr`) and goes"
      " to the provider through the byte path's typed call (`wasm_link_component_func_call_bytes`),"
      " which copies it into the provider's memory; the provider's answer is copied out of its"
      " memory while Wasmtime lifts it, before the provider's post-return (which may free or"
      " reuse it), into a host buffer, which becomes the plugin's entry once the call has"
      " succeeded (a trap in post-return makes the entry an error); and Wasmtime lowers the"
      " entries, with the plugins' ids and the `result`s around the bytes, into the consumer's"
      " memory. That is four copies of 64 KiB per socket call: the entry's own copy of the"
      " buffer is the one a way to hand the buffer over would save. A profile of"
      " `ours/socket_bytes_64k` with three copies (perf, DWARF call graphs) put about 80% of the"
      " time in `memmove`, split about evenly between them. The floor's hand-made relay goes through the C"
      " API's host function (`wasmtime_component_func_callback_t`), which hands it arguments and"
      " takes its results only as dynamic values, and the crate's sockets are `func_new` with"
      " `Val`s: both make 65,536 values each way.\n")
    w("What remains on the Val path, and why: an import that gathers its results in a `map`"
      " (Wasmtime 48 lowers a typed `map` from a Rust hash map, which would lose the id order"
      " of the plugins that the Val path keeps); an `async func` import"
      " (Wasmtime links it only to a concurrent host function, which the shim's byte socket is"
      " not); a binding whose function type is not fixed at link time (the byte socket is"
      " chosen from the type); and other shapes than one buffer in and one out. Even there, a"
      " provider's function of the byte path's shape is called through the byte path's typed"
      " call with the consumer's values (`Export::bytes`). What would save more copies: handing"
      " the host buffer to the entry without copying it (a shim function that gives the"
      " buffer's ownership to Rust), and lowering the provider's answer straight from its"
      " memory into the consumer's, which Wasmtime's typed lowering cannot do, since the answer"
      " would have to stay borrowed from one store while the other's realloc runs.\n")


def settings(results, rounds):
    """bench/run's --repetitions and --min-time, as it wrote them."""
    path = results / "settings"
    if path.exists():
        repetitions, min_time = path.read_text().split()
        return int(repetitions), min_time
    return rounds, "?"


if __name__ == "__main__":
    main()
