"""Runs a generated Glue script with the stand-ins; prints the events."""
import contextlib
import json
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import stub  # noqa: E402

script = sys.argv[1]
sys.argv = [script] + stub.CONFIG.get("argv", [])
error = None
try:
    with contextlib.redirect_stdout(sys.stderr):  # the script's log
        runpy.run_path(script, run_name="__main__")
except Exception as exc:  # the script's failure is the result
    error = "%s: %s" % (type(exc).__name__, exc)
print(json.dumps({"events": stub.EVENTS, "error": error}))
