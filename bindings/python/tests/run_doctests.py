#!/usr/bin/env python3
"""Runs the docstring examples of every module of the itsm package as doctests (ctest runs it
with only PYTHONPATH set). The examples may use `itsm` without importing it, as the package's
own docs do. Fails on any failing example, and when no example ran at all."""
import doctest
import importlib
import importlib.util
import pkgutil
import sys

import itsm

# Modules for an optional dependency: importing them without it is an ImportError by design.
OPTIONAL = {"itsm.dask": "dask"}


def main() -> int:
    failed = attempted = 0
    names = ["itsm"] + sorted(f"itsm.{m.name}" for m in pkgutil.iter_modules(itsm.__path__) if m.name != "_itsm")
    for name in names:
        if name in OPTIONAL and importlib.util.find_spec(OPTIONAL[name]) is None:
            print(f"{name}: not checked ({OPTIONAL[name]} is not installed)")
            continue
        module = importlib.import_module(name)
        result = doctest.testmod(module, extraglobs={"itsm": itsm}, optionflags=doctest.ELLIPSIS)
        print(f"{name}: {result.attempted} examples, {result.failed} failed")
        failed += result.failed
        attempted += result.attempted
    if attempted == 0:
        print("no docstring example ran", file=sys.stderr)
        return 1
    print(f"{attempted} examples in {len(names)} modules, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
