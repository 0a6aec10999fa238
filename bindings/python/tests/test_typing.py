"""The type stubs under `mypy --strict` (issue 18, item 11), found both ways a user's mypy finds
them: installed (on the interpreter's path, py.typed) and through MYPYPATH, where mypy checks the
stubs themselves too. A realistic script must pass and run; a wrong one must be caught."""
import os
import subprocess
import sys
import textwrap

import pytest

import itsm

pytest.importorskip("mypy", reason="mypy is not installed (apt-get install python3-mypy)")
pytest.importorskip("numpy")

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(itsm.__file__)))
SAMPLE = os.path.join(HERE, "typing_sample.py")


def mypy(script, how, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    env["PYTHONPATH" if how == "installed" else "MYPYPATH"] = PACKAGE_DIR
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-color-output", "--cache-dir",
                          str(tmp_path / "cache"), script], env=env, capture_output=True, text=True, timeout=600)
    return run.returncode, run.stdout + run.stderr


@pytest.mark.parametrize("how", ["installed", "MYPYPATH"])
def test_a_realistic_script_passes_mypy_strict(how, tmp_path):
    code, out = mypy(SAMPLE, how, tmp_path)
    assert code == 0, out
    assert "Success: no issues found" in out


@pytest.mark.parametrize("how", ["installed", "MYPYPATH"])
def test_mypy_catches_wrong_uses(how, tmp_path):
    script = tmp_path / "wrong.py"
    script.write_text(textwrap.dedent('''\
        import datetime as dt
        import itsm

        cal = itsm.Calendar.from_json({"week": {}})
        cal.add(dt.datetime(2026, 1, 5), "3600")
        hooks = itsm.Hooks()

        @hooks.guard("g")
        def g(ctx: itsm.GuardContext) -> None:
            return None

        g(42)
        n: int = cal.between(dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 6))
        '''))
    code, out = mypy(str(script), how, tmp_path)
    assert code == 1, out
    assert 'wrong.py:5: error: Argument 2 to "add" of "Calendar" has incompatible type "str"' in out
    assert 'wrong.py:12: error: Argument 1 to "g" has incompatible type "int"' in out
    assert 'wrong.py:13: error: Incompatible types in assignment (expression has type "timedelta"' in out
    assert "__init__.pyi" not in out, out  # no error in the stubs themselves


def test_the_sample_runs():
    run = subprocess.run([sys.executable, SAMPLE], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": PACKAGE_DIR})
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("how", ["installed", "MYPYPATH"])
def test_itsm_dask_is_typed(how, tmp_path):
    """itsm.dask's stubs check without dask installed (its collections are Any) and catch a
    wrong calendar."""
    script = tmp_path / "dask_use.py"
    script.write_text(textwrap.dedent('''\
        from typing import Any
        import itsm
        import itsm.dask

        def due(frame: Any, cal: itsm.Calendar) -> Any:
            return itsm.dask.deadlines(frame, cal, start="opened", budget="target", at_close="close")

        def spent(frame: Any, cal: itsm.Calendar) -> Any:
            return itsm.dask.between(frame, cal, start="opened", end="resolved")

        itsm.dask.deadlines(None, "Europe/Berlin", start="opened", budget=3600)
        '''))
    code, out = mypy(str(script), how, tmp_path)
    assert code == 1, out
    assert 'dask_use.py:11: error: Argument 2 to "deadlines" has incompatible type "str"; expected "Calendar"' in out
    assert out.count("error:") == 1, out  # nothing else, in the script or the stubs
