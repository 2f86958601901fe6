"""The ``mesolab`` command line.

Subcommands are registered by the modules that own them: each has a
``register(subparsers)`` function adding its parsers, with ``func`` set to a callable that
takes the parsed arguments and returns an exit code. Errors of MësoLab are printed as one
clear line (no traceback) and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import MesoLabError

# Modules contributing subcommands, in the order they appear in --help.
COMMAND_MODULES = [
    "mesolab.commands",
    "mesolab.demo",
    "mesolab.grading.cli",
    "mesolab.record.cli",
    "mesolab.courses.cli",
    "mesolab.plans.cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mesolab", description="MësoLab: Jupyter for vocational schools.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and name.startswith(exc.name):
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        return int(args.func(args) or 0)
    except MesoLabError as exc:
        print(f"mesolab: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
