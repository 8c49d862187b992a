"""pip install . : the cordon package (python/cordon) with its extension module built by CMake.

The extension is the CMake target _cordon (python/CMakeLists.txt), built against the project's
libraries; the package carries the rules, reference data, scenarios and examples it answers from
(cordon/data/). Environment:
  CORDON_CMAKE_BUILD_DIR  a configured build folder (CORDON_PYTHON on) to build _cordon in, e.g.
                          build/release: nothing is configured, only the target is brought up to date
                          (default: configure and build in build/pip)
  CMAKE_ARGS              extra arguments for the configure step (e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CMAKE_BUILD_PARALLEL_LEVEL  parallel build jobs
  CORDON_PY_BUILD_BASE    setuptools' build folder (default build/ at the top)
"""

import glob
import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

TOP = os.path.dirname(os.path.abspath(__file__))
DATA = ["rules", "refdata", "scenarios", "examples"]  # the home the installed package answers from


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("CORDON_CMAKE_BUILD_DIR")
        if build_dir:
            build_dir = os.path.abspath(build_dir)
        else:
            # Beside build/release, at the same depth, so that a compiler cache (CMAKE_ARGS with
            # -DCMAKE_CXX_COMPILER_LAUNCHER=ccache) finds the objects that build already made.
            build_dir = os.path.join(TOP, "build", "pip")
            args = ["cmake", "-S", TOP, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", "-DCORDON_PYTHON=ON",
                    "-DCORDON_BUILD_TESTS=OFF", "-DCORDON_BUILD_BENCHMARKS=OFF",
                    f"-DPython_EXECUTABLE={sys.executable}"]
            if shutil.which("ninja"):
                args += ["-G", "Ninja"]
            args += shlex.split(os.environ.get("CMAKE_ARGS", ""))
            subprocess.run(args, check=True)
        subprocess.run(["cmake", "--build", build_dir, "--target", "_cordon"], check=True)
        built = glob.glob(os.path.join(build_dir, "python", "cordon", "_cordon*.so"))
        if len(built) != 1:
            raise RuntimeError(f"{build_dir}/python/cordon: expected one _cordon module, found {built}")
        out = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        shutil.copyfile(built[0], out)


class BuildPy(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "cordon", "data")
        shutil.rmtree(target, ignore_errors=True)
        for d in DATA:
            shutil.copytree(os.path.join(TOP, d), os.path.join(target, d))


base = os.environ.get("CORDON_PY_BUILD_BASE")
options = {"build": {"build_base": base}, "egg_info": {"egg_base": base}} if base else {}
setup(ext_modules=[CMakeExtension("cordon._cordon")], cmdclass={"build_ext": CMakeBuild, "build_py": BuildPy},
      options=options, zip_safe=False)
