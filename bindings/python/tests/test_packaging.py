"""Packaging: a pure wheel, a platform wheel that bundles libmpadjust, and pip install into a
fresh virtual environment. Builds run offline (--no-build-isolation: the test venv's pinned
setuptools) from a copy of the source tree, so parallel runs never share build/ directories."""
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import BINDING_DIR

LIB = os.environ.get("MPADJUST_LIBRARY", "")


def _pip(*args, env=None, cwd=None):
    cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    full_env = dict(os.environ)
    full_env.update(env or {})
    full_env["PIP_NO_INDEX"] = "1"  # never reach a package index from a test
    r = subprocess.run(cmd, env=full_env, cwd=cwd, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def _source_copy(tmp_path):
    dst = tmp_path / "src"
    shutil.copytree(BINDING_DIR, dst, ignore=shutil.ignore_patterns(
        "build", "dist", "*.egg-info", "__pycache__", "tests", "lib*.so*"))
    return dst


def _build_wheel(tmp_path, bundle=None):
    src = _source_copy(tmp_path)
    out = tmp_path / "dist"
    env = {"MPADJUST_BUNDLE_LIBRARY": bundle or ""}
    _pip("wheel", "--no-build-isolation", "--no-deps", "-w", str(out), str(src), env=env)
    wheels = list(out.glob("mpadjust-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _clean_env():
    env = {k: v for k, v in os.environ.items() if k != "MPADJUST_LIBRARY"}
    env.pop("PYTHONPATH", None)
    return env


SMOKE = ("import mpadjust, sys\n"
         "c = mpadjust.Credentials.static('AKIDEXAMPLE', 'k')\n"
         "s = mpadjust.Signer('us-east-1', 'service')\n"
         "r = s.sign(c, 'GET', '/', [('Host', 'example.amazonaws.com')], time=1440938160)\n"
         "print(mpadjust.library_path()); print(mpadjust.library_version()); print(r.signature)\n")


@pytest.fixture(scope="module")
def pure_wheel(tmp_path_factory):
    return _build_wheel(tmp_path_factory.mktemp("pure"))


def test_pure_wheel_has_no_library(pure_wheel):
    whl = pure_wheel
    assert whl.name.endswith("-py3-none-any.whl"), whl.name
    names = zipfile.ZipFile(whl).namelist()
    assert "mpadjust/_ffi.py" in names and "mpadjust/py.typed" in names
    assert not [n for n in names if ".so" in n]


def test_bundled_wheel_imports_its_own_library(tmp_path):
    if not LIB:
        pytest.skip("no built libmpadjust (MPADJUST_LIBRARY)")
    soname = os.path.join(os.path.dirname(LIB), "libmpadjust.so.1")
    bundle = soname if os.path.exists(soname) else os.path.realpath(LIB)
    whl = _build_wheel(tmp_path, bundle=bundle)
    assert "-py3-none-" in whl.name and not whl.name.endswith("-any.whl"), whl.name
    names = zipfile.ZipFile(whl).namelist()
    assert "mpadjust/" + os.path.basename(bundle) in names
    site = tmp_path / "unzipped"
    zipfile.ZipFile(whl).extractall(site)
    # Run from a directory without the checkout on sys.path and without MPADJUST_LIBRARY: the
    # bundled copy must be the one loaded.
    r = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, %r)\n" % str(site)
                        + SMOKE], env=_clean_env(), cwd=str(tmp_path), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    path, version, sig = r.stdout.split()
    assert path == str(site / "mpadjust" / os.path.basename(bundle))
    assert version.startswith("1.") and len(sig) == 64


def test_pip_install_into_a_fresh_venv_uses_the_built_library(tmp_path, pure_wheel):
    if not LIB:
        pytest.skip("no built libmpadjust (MPADJUST_LIBRARY)")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    # What `pip install ./bindings/python` does: build a wheel from the source, install it.
    _pip("--python", str(py), "install", "--no-deps", str(pure_wheel))
    env = _clean_env()
    env["MPADJUST_LIBRARY"] = LIB
    r = subprocess.run([str(py), "-c", SMOKE], env=env, cwd=str(tmp_path), capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == LIB
    # The installed copy is the one imported, not the checkout's.
    r = subprocess.run([str(py), "-c", "import mpadjust; print(mpadjust.__file__)"], env=env,
                       cwd=str(tmp_path), capture_output=True, text=True)
    assert str(venv) in r.stdout, r.stdout + r.stderr
    # Without any library the import fails with a clear message.
    r = subprocess.run([str(py), "-c", "import mpadjust"], env=dict(_clean_env(), LD_LIBRARY_PATH=""),
                       cwd=str(tmp_path), capture_output=True, text=True)
    if r.returncode != 0:
        assert "MPADJUST_LIBRARY" in r.stderr
