"""The console-script entry point: answers `--version` before importing anything heavy."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from permitcheck import __version__

        sys.stdout.write(f"permitcheck {__version__}\n")
        return
    from permitcheck.cli.app import main as cli_main

    cli_main()
