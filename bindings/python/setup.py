"""Builds the itsm Python package with pip, offline:

    pip install --no-build-isolation ./bindings/python

The extension is built by the repository's own CMake project (the same flags, the same generated
headers as `cmake --build`), so this needs what a CMake build needs (docs/building.md) and nothing
from the network. `--no-build-isolation` makes pip use the installed setuptools and wheel
(Debian: python3-setuptools, python3-wheel) instead of downloading them.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def project_version():
    """The version from the top-level CMakeLists.txt, the one place it lives."""
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        found = re.search(r"project\(itsm\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)", f.read())
    if not found:
        sys.exit("setup.py: no 'project(itsm VERSION x.y.z' in CMakeLists.txt")
    return found.group(1)


class CMakeBuild(build_ext):
    """Configures the repository with only the Python bindings on and copies out the module."""

    def build_extension(self, ext):
        build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
        configure = ["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                     "-DITSM_BUILD_TESTS=OFF", "-DITSM_BUILD_EXAMPLES=OFF", "-DITSM_BUILD_BENCHMARKS=OFF",
                     "-DITSM_BUILD_PYTHON=ON", "-DITSM_INSTALL=OFF", f"-DPython3_EXECUTABLE={sys.executable}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", build_dir, "--target", "_itsm", "--parallel"], check=True)
        built = glob.glob(os.path.join(build_dir, "python", "itsm", "_itsm*.so"))
        if len(built) != 1:
            sys.exit(f"setup.py: expected one built _itsm module in {build_dir}/python/itsm, found {built}")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="itsm",
    version=project_version(),
    description="ITSM process logic: business calendars, SLA clocks, workflows and tickets",
    python_requires=">=3.9",
    packages=["itsm"],
    package_data={"itsm": ["py.typed", "*.pyi"]},
    ext_modules=[Extension("itsm._itsm", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
