"""The console-script entry point: a quick `--version`, and an exit without teardown."""

from __future__ import annotations

import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from permitcheck import __version__

        sys.stdout.write(f"permitcheck {__version__}\n")
        return
    from permitcheck.cli import fast

    try:
        # The commands run most, without Typer's start-up when their words are plain.
        code = fast.run(sys.argv[1:])
        if code is None:
            from permitcheck.cli.app import main as cli_main

            cli_main()
            code = 0
    except SystemExit as exc:
        _exit(exc)
        raise
    _exit(SystemExit(code))
    raise SystemExit(code)


def _exit(exc: SystemExit) -> None:
    """End the process now with `exc`'s status, if it is a number and every output is flushed.

    Tearing the interpreter down (freeing every module, class and rule object one by one)
    costs a run on one dossier about a tenth of its time, and nothing of it is needed: the
    reports are written and flushed, and the worker processes of a batch were already
    stopped. Anything else (a message as status, an output that cannot be flushed, such as a
    closed pipe) takes Python's own way out, which reports it as it always has.
    """
    code = exc.code
    if code is None:
        code = 0
    if not isinstance(code, int) or isinstance(code, bool):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return
    os._exit(code)
