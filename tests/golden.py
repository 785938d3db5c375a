#!/usr/bin/env python3
"""Runs a command and checks its exit code, and its stdout and stderr against
golden files: <golden>.stdout and <golden>.stderr (a missing file: the output
must be empty).

    golden.py --golden DIR/NAME --exit CODE --source-dir SRC --build-dir BUILD
              [--stdin FILE] -- COMMAND [ARG...]

The command's stdin is FILE, or empty.

Before comparing, the build folder in the outputs is written <BUILD> and the
source folder <SRC> (the build folder first: it may lie inside the source one).
Everything else is compared exactly, except where a golden file says otherwise:

    {{any}}   within a line: any characters of that line (none included)
    <...>     a line of its own: any number of whole lines (none included)

Use them only for what varies from run to run or machine to machine (a time, an
offset in a backtrace that depends on when an interrupt came), never for what
the test is about.

With WASM_LINK_UPDATE_GOLDEN=1 in the environment, a golden file that does not
match is rewritten from the output (a file whose output is empty is removed);
one that matches is left alone, so its placeholders stay. The exit code is
still checked: it stands in the test's definition, not in a golden file.
"""

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

ANY = "{{any}}"
ANY_LINES = "<...>"


def normalise(text, source_dir, build_dir):
    """
    >>> normalise("/s/b/x.toml /s/y.toml /sx /s-2 /s", "/s", "/s/b")
    '<BUILD>/x.toml <SRC>/y.toml /sx /s-2 <SRC>'
    """
    for folder, name in ((build_dir, "<BUILD>"), (source_dir, "<SRC>")):
        if folder:
            # The folder itself, not the start of a longer name beside it.
            text = re.sub(re.escape(folder.rstrip("/")) + r"(?![\w.-])", name, text)
    return text


def line_pattern(line):
    """The regular expression of one golden line (without its newline)."""
    return ".*?".join(re.escape(part) for part in line.split(ANY))


def golden_pattern(golden):
    lines = golden.split("\n")
    pattern = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        if line == ANY_LINES:
            pattern.append(r"(?:.*\n)*?" if not last else r"(?:.*\n)*?.*")
        else:
            pattern.append(line_pattern(line) + ("" if last else r"\n"))
    return re.compile("".join(pattern))


def matches(golden, actual):
    """Whether `actual` is what `golden` describes, all of it.

    >>> matches("a\\n", "a\\n"), matches("a\\n", "a"), matches("", "a\\n")
    (True, False, False)
    >>> matches("took {{any}} ms\\n", "took 1.5 ms\\n"), matches("took {{any}} ms\\n", "took 1\\n2 ms\\n")
    (True, False)
    >>> matches("first\\n<...>\\nlast\\n", "first\\nlast\\n"), matches("first\\n<...>\\nlast\\n", "first\\na\\nb\\nlast\\n")
    (True, True)
    >>> matches("first\\n<...>\\nlast\\n", "first\\nlast\\nmore\\n"), matches("a.c\\n", "abc\\n")
    (False, False)
    """
    return golden_pattern(golden).fullmatch(actual) is not None


def diff(golden, actual, golden_name, actual_name):
    """A unified diff; an actual line that a golden line with {{any}} matches is
    shown as that golden line, so that only real differences stand out."""
    golden_lines = golden.splitlines(keepends=True)
    wildcards = [(line, re.compile(line_pattern(line.rstrip("\n")) + r"\n?"))
                 for line in golden_lines if ANY in line]
    fitted = []
    for line in actual.splitlines(keepends=True):
        for golden_line, pattern in wildcards:
            if pattern.fullmatch(line) and line.endswith("\n") == golden_line.endswith("\n"):
                line = golden_line
                break
        fitted.append(line)
    out = []
    for line in difflib.unified_diff(golden_lines, fitted, golden_name, actual_name):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def read(path):
    try:
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def write(path, text):
    if text:
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(text)
    elif os.path.exists(path):
        os.remove(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--golden", required=True, help="the golden files' path without .stdout/.stderr")
    parser.add_argument("--exit", required=True, type=int, help="the expected exit code")
    parser.add_argument("--source-dir", default="")
    parser.add_argument("--build-dir", default="")
    parser.add_argument("--stdin", help="a file to give the command as its stdin")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    if args.stdin:
        with open(args.stdin, "rb") as stdin:
            run = subprocess.run(args.command, stdin=stdin, capture_output=True)
    else:
        run = subprocess.run(args.command, stdin=subprocess.DEVNULL, capture_output=True)
    update = os.environ.get("WASM_LINK_UPDATE_GOLDEN") == "1"
    problems = []
    if run.returncode != args.exit:
        problems.append(f"exit code {run.returncode}, expected {args.exit}\n")
    for stream, output in (("stdout", run.stdout), ("stderr", run.stderr)):
        path = f"{args.golden}.{stream}"
        actual = normalise(output.decode("utf-8", errors="surrogateescape"),
                           args.source_dir, args.build_dir)
        golden = read(path)
        if matches(golden, actual):
            continue
        if update:
            write(path, actual)
            print(f"updated {path}")
            continue
        name = normalise(path, args.source_dir, args.build_dir)
        problems.append(f"{stream} differs from {name}"
                        f" (WASM_LINK_UPDATE_GOLDEN=1 rewrites it):\n"
                        + diff(golden, actual, name, f"{stream} of the command"))
    if problems:
        sys.stdout.write("".join(problems))
        sys.stdout.write("command: " + shlex.join(args.command) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
