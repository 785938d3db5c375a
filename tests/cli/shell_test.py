#!/usr/bin/env python3
"""`wasm-link shell` while component files change under it: `reload` after a
file was rewritten, a reload that fails and keeps the running plugin, and
`--watch` reloading by itself. Each test copies shell/shell.toml's graph into a
folder of its own, drives the shell through a pipe one command at a time, and
checks every line it answers.

    shell_test.py WASM_LINK TESTS_DIR
"""

import os
import pty
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

WASM_LINK = ""
TESTS = ""
PATIENCE = 60  # seconds to wait for an answer line (sanitizer builds are slow)


class Shell:
    """A running `wasm-link shell`, with its stdout and stderr read line by line."""

    def __init__(self, folder, *options, terminal=False):
        # With `terminal`, stdin is a pseudo-terminal, as when a person types.
        self.terminal = None
        stdin = subprocess.PIPE
        if terminal:
            self.terminal, stdin = pty.openpty()
        self.process = subprocess.Popen(
            [WASM_LINK, "shell", *options, "graph.toml"], cwd=folder, stdin=stdin,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        if terminal:
            os.close(stdin)
        self.lines = {"stdout": queue.Queue(), "stderr": queue.Queue()}
        for name in self.lines:
            stream = getattr(self.process, name)
            threading.Thread(target=self._read, args=(stream, self.lines[name]), daemon=True).start()
        # Loaded: the files may change from here on.
        self.loaded = self.ask("graph", 2)

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    def send(self, command):
        if self.terminal is not None:
            os.write(self.terminal, (command + "\n").encode())
            return
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def line(self, stream="stdout"):
        try:
            return self.lines[stream].get(timeout=PATIENCE)
        except queue.Empty:
            return f"<no {stream} line in {PATIENCE} s>"

    def rest(self, stream="stderr"):
        """The lines that came on `stream` and are not read yet (a multi-line error's tail)."""
        lines = []
        try:
            while True:
                lines.append(self.lines[stream].get(timeout=0.5))
        except queue.Empty:
            return lines

    def ask(self, command, count=1, stream="stdout"):
        self.send(command)
        return [self.line(stream) for _ in range(count)]

    def quit(self):
        self.send("quit")
        if self.terminal is None:
            self.process.stdin.close()
        code = self.process.wait(timeout=PATIENCE)
        if self.terminal is not None:
            os.close(self.terminal)
        return code


class ShellWhileFilesChange(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="wasm-link-shell-")
        self.addCleanup(shutil.rmtree, self.folder)
        for name, source in (("a.wat", "sockets/child_a.wat"), ("b.wat", "sockets/child_b.wat"),
                             ("relay.wat", "sockets/relay_any_map.wat")):
            shutil.copy(os.path.join(TESTS, source), os.path.join(self.folder, name))
        with open(os.path.join(TESTS, "cli/shell/shell.toml")) as f:
            manifest = f.read()
        for old, new in (("../../sockets/child_a.wat", "a.wat"), ("../../sockets/child_b.wat", "b.wat"),
                         ("../../sockets/relay_any_map.wat", "relay.wat")):
            manifest = manifest.replace(old, new)
        self.write("graph.toml", manifest)

    def write(self, name, text):
        # Written beside and renamed into place, as editors and build tools do,
        # so that the shell never reads half a file.
        path = os.path.join(self.folder, name)
        with open(path + ".new", "w") as f:
            f.write(text)
        os.replace(path + ".new", path)

    def start(self, *options):
        shell = Shell(self.folder, *options)
        self.assertEqual(shell.loaded, ["kids (test:child, any): a b",
                                        "relay (test:relay, exactly-one): relay"])
        return shell

    def rewrite_a(self, value):
        with open(os.path.join(TESTS, "sockets/child_a.wat")) as f:
            text = f.read()
        self.write("a.wat", text.replace("i32.const 1)", f"i32.const {value})", 1))

    def test_reload_reads_the_rewritten_file(self):
        shell = self.start()
        self.assertEqual(shell.ask("call relay/root.relay-get-value"),
                         ['relay: ok([("a", ok(1)), ("b", ok(2))])'])
        self.rewrite_a(7)
        self.assertEqual(shell.ask("call relay/root.relay-get-value"),
                         ['relay: ok([("a", ok(1)), ("b", ok(2))])'],
                         "without --watch, nothing changes until a reload")
        self.assertEqual(shell.ask("reload a"), ["reloaded plugin `a`"])
        self.assertEqual(shell.ask("call relay/root.relay-get-value"),
                         ['relay: ok([("a", ok(7)), ("b", ok(2))])'])
        self.assertEqual(shell.ask("call kids/root.get-value", 2), ["a: ok(7)", "b: ok(2)"])
        self.assertEqual(shell.quit(), 0)

    def test_a_reload_that_fails_keeps_the_running_plugin(self):
        shell = self.start()
        self.write("a.wat", "(component")
        self.assertEqual(
            shell.ask("reload a", stream="stderr"),
            ["wasm-link: cannot reload plugin `a` (the running one stays): cannot compile "
             "component `a.wat`: expected `)`"])
        self.assertEqual(shell.rest(),
                         ["     --> a.wat:1:11", "      |", "    1 | (component", "      |           ^"])
        self.assertEqual(shell.ask("call kids/root.get-value", 2), ["a: ok(1)", "b: ok(2)"])
        self.write("a.wat", "(component)")
        self.assertEqual(
            shell.ask("reload a", stream="stderr"),
            ["wasm-link: cannot reload plugin `a` (the running one stays): plugin `a` in binding "
             "`test:child` does not export instance `test:child/root`"])
        self.assertEqual(shell.ask("call relay/root.relay-get-value"),
                         ['relay: ok([("a", ok(1)), ("b", ok(2))])'])
        self.assertEqual(shell.quit(), 0)
        self.assertEqual(shell.rest(), [None], "nothing more on stderr")

    def test_watch_reloads_a_rewritten_file_by_itself(self):
        shell = self.start("--watch")
        self.assertEqual(shell.ask("call kids/root.get-value", 2), ["a: ok(1)", "b: ok(2)"])
        self.rewrite_a(9)
        self.assertEqual(shell.line(), "watch: `a.wat` changed: reloaded plugin `a`")
        self.assertEqual(shell.ask("call relay/root.relay-get-value"),
                         ['relay: ok([("a", ok(9)), ("b", ok(2))])'])
        self.write("a.wat", "(component")
        self.assertEqual(shell.line("stderr"),
                         "wasm-link: watch: `a.wat` changed: cannot reload plugin `a` (the running "
                         "one stays): cannot compile component `a.wat`: expected `)`")
        self.assertEqual(shell.ask("call kids/root.get-value", 2), ["a: ok(9)", "b: ok(2)"],
                         "a file that does not compile leaves the running plugin")
        self.assertEqual(shell.quit(), 0)

    def test_a_prompt_only_on_a_terminal(self):
        piped = self.start()
        self.assertEqual(piped.ask("call kids/root.get-value", 2), ["a: ok(1)", "b: ok(2)"])
        self.assertEqual(piped.quit(), 0)
        typed = Shell(self.folder, terminal=True)
        self.assertEqual(typed.loaded, ["wasm-link> kids (test:child, any): a b",
                                        "relay (test:relay, exactly-one): relay"])
        self.assertEqual(typed.ask("call kids/root.get-value", 2),
                         ["wasm-link> a: ok(1)", "b: ok(2)"])
        self.assertEqual(typed.quit(), 0)

    def test_hostile_lines_are_refused_and_the_shell_goes_on(self):
        shell = self.start()
        self.assertEqual(shell.ask("x" * ((1 << 20) + 10), stream="stderr"),
                         ["wasm-link: a line of more than 1048576 bytes was not read"])
        self.assertEqual(shell.ask("call kids/root.get-value " + "[" * 50000, stream="stderr"),
                         ["wasm-link: a bracket is not closed"])
        self.assertEqual(shell.ask("call kids/root.get-value " + "[" * 50000 + "]" * 50000,
                                   stream="stderr"),
                         ["wasm-link: `get-value` takes 0 arguments (func() -> u32), 1 given"])
        self.assertEqual(shell.ask("reload \x1b[31mred", stream="stderr"),
                         ["wasm-link: the line holds a control character (byte 0x1b at column 8)"])
        self.assertEqual(shell.ask("call kids/root.get-value", 2), ["a: ok(1)", "b: ok(2)"])
        self.assertEqual(shell.quit(), 0)


if __name__ == "__main__":
    WASM_LINK, TESTS = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
