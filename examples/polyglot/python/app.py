"""The Python greeter: exports `example:greeter/greet` (../wit/greeter.wit).

componentize-py builds it at its default settings, so Python's own WASI
support is there: `os.environ` reads `wasi:cli/environment` and `sys.stderr`
writes to `wasi:cli/stderr`.
"""

import os
import sys

import wit_world.exports


class Greet(wit_world.exports.Greet):
    def hello(self, name: str) -> str:
        greeting = os.environ.get("GREETING") or "Hello"
        print(f"python greeter: greeting {name}", file=sys.stderr)
        return f"{greeting}, {name}! (from Python)"
