#!/bin/sh
# The offline install of docs/python.md ("Getting it"), checked: `pip install --no-build-isolation --no-index` of
# bindings/python (from a copy of the source tree, so the check leaves the checkout clean), then
# `import itsm` from a fresh environment that has only the installed package on its path.
# usage: pip_install_test.sh PYTHON SOURCE_DIR VERSION
set -eu
python=$1 src=$2 version=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
tar -C "$src" --exclude=./build --exclude=./.git --exclude=./bindings/python/build --exclude='*.egg-info' \
    --exclude=__pycache__ -cf - . | tar -C "$work/src" -xf -
"$python" -m pip install --quiet --no-build-isolation --no-index --target "$work/site" "$work/src/bindings/python"
env -i PYTHONPATH="$work/site" "$python" -c "
import itsm, sys
assert itsm.__file__.startswith('$work/site/'), itsm.__file__
assert itsm.__version__ == '$version', itsm.__version__
t = itsm.Ticket.create(itsm.Workflow.builtin('incident'), 'INC1', 'ann', '2026-03-02T09:00:00Z',
                       fields={'short_description': 'pip install works'})
print('installed itsm', itsm.__version__, 'from', itsm.__file__, '->', t.state)
"
test -f "$work/site/itsm/py.typed" && test -f "$work/site/itsm/__init__.pyi"
