"""Build hooks of the mpadjust package (metadata lives in pyproject.toml).

By default the wheel is pure Python (py3-none-any) and loads libmpadjust from
$MPADJUST_LIBRARY or the system's library path at import time.

With MPADJUST_BUNDLE_LIBRARY=/path/to/libmpadjust.so.1 set at build time, that file is copied
into the package (under its own name, symlinks resolved) and the wheel is tagged for this
platform (py3-none-<platform>): ctypes needs no particular Python ABI, but the library needs
this OS and architecture (and the system libcurl/OpenSSL it links to).
"""
import os
import shutil
import sysconfig

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore

BUNDLE = os.environ.get("MPADJUST_BUNDLE_LIBRARY", "").strip()


class BuildPy(build_py):
    def run(self):
        super().run()
        if BUNDLE:
            if not os.path.isfile(BUNDLE):
                raise SystemExit("MPADJUST_BUNDLE_LIBRARY=%s: no such file" % BUNDLE)
            dest = os.path.join(self.build_lib, "mpadjust", os.path.basename(BUNDLE))
            shutil.copyfile(os.path.realpath(BUNDLE), dest)
            os.chmod(dest, 0o755)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return bool(BUNDLE)


class BdistWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = not BUNDLE

    def get_tag(self):
        if not BUNDLE:
            return super().get_tag()
        plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return "py3", "none", plat


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPy, "bdist_wheel": BdistWheel})
