#!/usr/bin/env python3
"""The README's snippets, as pasted, against a fresh install (ctest runs this):

- its C program builds with the pkg-config line it gives and runs both ways it gives for a prefix
  the loader does not search (a run path, LD_LIBRARY_PATH), printing what its comment says;
- its C++ program builds in a project made of its find_package lines and prints what it says;
- its Python session runs on the installed package, each shown result being the real one;
- the installed itsmctl runs with neither a run path nor LD_LIBRARY_PATH.

usage: readme_snippets_test.py BUILD_DIR README WORK_DIR C_COMPILER CMAKE_GENERATOR
"""
import ast
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys


def run(cmd, env=None, cwd=None):
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def blocks(readme, language):
    """The fenced blocks of `language`, in order (also those indented in a list)."""
    return re.findall(rf"^[ \t]*```{language}\n(.*?)^[ \t]*```", readme, re.S | re.M)


def expect(what, output, wanted):
    if wanted not in output:
        sys.exit(f"{what}: the README says {wanted!r}, the output was:\n{output}")
    print(f"{what}: {wanted!r}, as the README says")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH", "PKG_CONFIG_PATH")}
    env.update(extra)
    return env


def check_c(readme, prefix, work, cc):
    source = blocks(readme, "c")[0]
    wanted = "due " + re.search(r'printf\("due %lld\\n".*?/\* (\d+) = ', source).group(1)
    path = os.path.join(work, "app.c")
    with open(path, "w") as f:
        f.write(source)
    libdir = os.path.join(prefix, "lib")
    env = clean_env(PKG_CONFIG_PATH=os.path.join(libdir, "pkgconfig"))
    flags = run(["pkg-config", "--cflags", "--libs", "itsm"], env=env).split()  # `$(pkg-config --cflags --libs itsm)`
    strict = ["-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror"]
    app = os.path.join(work, "app")
    run([cc, *strict, path, *flags, f"-Wl,-rpath,{libdir}", "-o", app + "_rpath"], env=env)
    expect("C, linked with -Wl,-rpath", run([app + "_rpath"], env=clean_env()), wanted)
    run([cc, *strict, path, *flags, "-o", app], env=env)
    expect("C, run with LD_LIBRARY_PATH", run([app], env=clean_env(LD_LIBRARY_PATH=libdir)), wanted)


def check_cpp(readme, prefix, work, generator):
    source = blocks(readme, "cpp")[0]
    wanted = re.search(r"// (due \S+)", source).group(1)
    project = os.path.join(work, "cpp")
    os.makedirs(project)
    with open(os.path.join(project, "app.cpp"), "w") as f:
        f.write(source)
    with open(os.path.join(project, "capp.c"), "w") as f:
        f.write(blocks(readme, "c")[0])
    # The README's find_package lines, about an `app` (its C++ program) and a `capp` (its C one).
    lines = "".join(line.strip() + "\n" for line in blocks(readme, "cmake")[0].splitlines())
    with open(os.path.join(project, "CMakeLists.txt"), "w") as f:
        f.write("cmake_minimum_required(VERSION 3.25)\nproject(readme LANGUAGES C CXX)\n"
                "set(CMAKE_CXX_STANDARD 17)\nadd_executable(app app.cpp)\nadd_executable(capp capp.c)\n" + lines)
    build = os.path.join(project, "build")
    run(["cmake", "-S", project, "-B", build, "-G", generator, f"-DCMAKE_PREFIX_PATH={prefix}",
         "-DCMAKE_BUILD_TYPE=Release"], env=clean_env())
    run(["cmake", "--build", build], env=clean_env())
    expect("C++, with find_package", run([os.path.join(build, "app")], env=clean_env()), wanted)
    c_wanted = "due " + re.search(r"/\* (\d+) = ", blocks(readme, "c")[0]).group(1)
    expect("C, with find_package (build-tree run path)", run([os.path.join(build, "capp")], env=clean_env()),
           c_wanted)


def check_itsmctl(prefix):
    tool = os.path.join(prefix, "bin", "itsmctl")
    dynamic = run(["readelf", "-d", tool])
    if "RPATH" in dynamic or "RUNPATH" in dynamic:
        sys.exit(f"the installed itsmctl carries a run path:\n{dynamic}")
    out = run([tool, "workflow", "list"], env=clean_env())
    expect("installed itsmctl, no run path, no LD_LIBRARY_PATH", out, "incident")


def check_python(readme, prefix, work):
    source = blocks(readme, "python")[0]
    path = os.path.join(work, "session.py")
    with open(path, "w") as f:
        f.write(source)
    site = os.path.join(prefix, "lib", "python3", "dist-packages")
    print(run([sys.executable, __file__, "--session", path], env=clean_env(PYTHONPATH=site)), end="")


def run_session(path):
    """Runs a README Python session statement by statement: an expression followed by a comment
    line must have that repr; a print with a comment on its line must print that."""
    with open(path) as f:
        source = f.read()
    lines = source.splitlines()
    namespace = {}
    checked = 0
    for node in ast.parse(source).body:
        following = lines[node.end_lineno] if node.end_lineno < len(lines) else ""
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            if isinstance(node, ast.Expr):
                value = eval(compile(ast.Expression(node.value), path, "eval"), namespace)
            else:
                exec(compile(ast.Module([node], []), path, "exec"), namespace)
        if isinstance(node, ast.Expr) and following.startswith("# "):
            if repr(value) != following[2:]:
                sys.exit(f"line {node.lineno}: the README shows {following[2:]}, the result is {value!r}")
            checked += 1
        said = [line.split("#", 1)[1].strip() for line in lines[node.lineno - 1:node.end_lineno]
                if "print(" in line and "#" in line]
        if said and printed.getvalue().split("\n")[:len(said)] != said:
            sys.exit(f"line {node.lineno}: the README says it prints {said}, it printed {printed.getvalue()!r}")
        checked += len(said)
    if checked == 0:
        sys.exit("the README's Python session shows no result to check")
    print(f"Python session on the installed package: {checked} shown results are the real ones")


def main(build_dir, readme_path, work, cc, generator):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    prefix = os.path.join(work, "prefix")  # a prefix the loader does not search
    run(["cmake", "--install", build_dir, "--prefix", prefix])
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    check_c(readme, prefix, work, cc)
    check_cpp(readme, prefix, work, generator)
    check_itsmctl(prefix)
    check_python(readme, prefix, work)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--session"]:
        run_session(sys.argv[2])
    else:
        sys.exit(main(*sys.argv[1:6]))
