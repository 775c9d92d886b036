"""_ffi.py against include/mpadjust.h, both ways, so the two cannot drift.

The expected ctypes type of every parameter, return value and struct field is derived from the
header's C text here (a second reading of the header, independent of _ffi.py):

* every MPADJUST_API function of the header is declared in _ffi with the same argtypes and
  restype, and status-returning ones carry the errcheck; every function _ffi declares is in
  the header;
* every struct of the header has a ctypes Structure of the same name with the same fields
  (names and types, in order); every Structure of _ffi is a struct or opaque type of the header;
* every callback typedef matches its CFUNCTYPE; every enum constant and integer #define of the
  header has the same value in _ffi, and every MPADJUST_* constant of _ffi is in the header;
* with a C compiler available, sizeof/offsetof of every struct as the compiler lays it out.
"""
import ctypes
import os
import re
import shutil
import subprocess

import pytest

from conftest import HEADER, REPO

from mpadjust import _ffi, errors

# ------------------------------------------------------------------------ parsing the header


def _clean(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    return text


def _header_text():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def _code():
    """The header without comments and preprocessor lines (continuations included)."""
    return re.sub(r"^\s*#(?:[^\n]*\\\n)*[^\n]*", " ", _clean(_header_text()), flags=re.M)


FUNC_RE = re.compile(r"MPADJUST_API\s+(?:MPADJUST_DEPRECATED\s+)?([^;{}()]*?)\b(mpadjust_\w+)\s*"
                     r"\(([^;{}]*?)\)\s*(?:MPADJUST_NOEXCEPT)?\s*;", re.S)
STRUCT_RE = re.compile(r"typedef\s+struct\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", re.S)
OPAQUE_RE = re.compile(r"typedef\s+struct\s+(\w+)\s+(\w+)\s*;")
ENUM_RE = re.compile(r"typedef\s+enum\s+(\w+)\s*\{(.*?)\}\s*(\w+)\s*;", re.S)
FNPTR_RE = re.compile(r"typedef\s+([\w\s\*]+?)\(\s*\*\s*(\w+)\s*\)\s*\(([^;]*?)\)\s*;", re.S)
DEFINE_RE = re.compile(r"^\s*#\s*define\s+(MPADJUST_\w+)\s+\(?(-?\d+)\)?\s*$", re.M)


def header_functions():
    out = {}
    for ret, name, params in FUNC_RE.findall(_code()):
        assert name not in out, "declared twice: " + name
        out[name] = (" ".join(ret.split()), _split_params(params))
    return out


def _split_params(params):
    params = " ".join(params.split())
    if params in ("", "void"):
        return []
    return [_param_type(p) for p in params.split(",")]


def _param_type(decl):
    """'const char *name' -> 'const char *' (drops the parameter name)."""
    decl = decl.strip()
    m = re.match(r"^(.*?)\b(\w+)$", decl)
    if m and m.group(1).strip() and m.group(1).strip() not in ("const", "unsigned"):
        return m.group(1).strip()
    return decl


def header_structs():
    out = {}
    for tag, body, name in STRUCT_RE.findall(_code()):
        fields = []
        for decl in body.split(";"):
            decl = " ".join(decl.split())
            if not decl:
                continue
            m = re.match(r"^(.*?)(\w+)$", decl)
            assert m, decl
            fields.append((m.group(2), m.group(1).strip()))
        out[name] = fields
    return out


def header_opaque():
    return {name for _tag, name in OPAQUE_RE.findall(_code())}


def header_enums():
    values, types = {}, set()
    for _tag, body, name in ENUM_RE.findall(_code()):
        types.add(name)
        for item in body.split(","):
            item = item.strip()
            if item:
                k, v = [s.strip() for s in item.split("=")]
                values[k] = int(v)
    return values, types


def header_defines():
    return {k: int(v) for k, v in DEFINE_RE.findall(_clean(_header_text()))}


def header_callbacks():
    out = {}
    for ret, name, params in FNPTR_RE.findall(_code()):
        out[name] = (" ".join(ret.split()), _split_params(params))
    return out


# ------------------------------------------------------------------------ C type -> ctypes

INTS = {"int": ctypes.c_int, "unsigned": ctypes.c_uint, "unsigned int": ctypes.c_uint,
        "size_t": ctypes.c_size_t, "int32_t": ctypes.c_int32, "uint32_t": ctypes.c_uint32,
        "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64, "mpadjust_status": ctypes.c_int}


def expected_ctype(ctype):
    """The ctypes type _ffi must use for the C type `ctype` (normalised text)."""
    t = " ".join(ctype.replace("*", " * ").split())
    stars = t.count("*")
    base_words = [w for w in t.replace("*", " ").split() if w != "const"]
    base = " ".join(base_words)
    const_base = t.startswith("const ") or (" const " in t.split("*")[0] + " ")
    if base == "void":
        if stars == 0:
            return None
        if stars == 1:
            return ctypes.c_void_p
        return ctypes.POINTER(ctypes.c_void_p)
    if base == "char":
        assert stars >= 1, ctype
        first = ctypes.c_char_p if const_base else ctypes.POINTER(ctypes.c_char)
        result = first
        for _ in range(stars - 1):
            result = ctypes.POINTER(result)
        return result
    if base in INTS:
        result = INTS[base]
    else:
        assert hasattr(_ffi, base), "_ffi lacks the type " + base
        result = getattr(_ffi, base)
        if base in header_callbacks():
            assert stars == 0, ctype
            return result
    for _ in range(stars):
        result = ctypes.POINTER(result)
    return result


def _same(a, b):
    # ctypes caches POINTER(T), and c_int32 etc. are aliases: identity is the right test.
    return a is b


def _ffi_functions():
    """Names _ffi declared (found in the library or recorded missing)."""
    assert len(set(_ffi.declared)) == len(_ffi.declared), "a function is declared twice"
    return set(_ffi.declared)


# ------------------------------------------------------------------------ tests


def test_header_parses_to_something():
    funcs = header_functions()
    assert "mpadjust_signer_sign" in funcs and "mpadjust_buf_dispose" in funcs
    assert funcs["mpadjust_signer_sign"][1][0] == "mpadjust_signed_request **"
    assert header_structs()["mpadjust_buf"] == [("ptr", "char *"), ("size", "size_t")]


def test_every_header_function_is_declared_alike():
    problems = function_problems()
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_wrong_declaration(monkeypatch):
    f = _ffi.lib.mpadjust_signer_new
    monkeypatch.setattr(f, "argtypes", list(f.argtypes[:-1]) + [ctypes.c_void_p])
    assert any("mpadjust_signer_new: argtypes" in p for p in function_problems())
    monkeypatch.setattr(_ffi.lib.mpadjust_signed_request_query, "restype", ctypes.c_void_p)
    assert any("mpadjust_signed_request_query: restype" in p for p in function_problems())


def function_problems():
    problems = []
    for name, (ret, params) in sorted(header_functions().items()):
        if name not in _ffi.signatures:
            problems.append("%s: not declared in _ffi.py" % name)
            continue
        restype, argtypes = _ffi.signatures[name]
        f = None if name in _ffi.missing else getattr(_ffi.lib, name)
        if f is not None:  # what ctypes actually uses
            restype = _ffi.STATUS if getattr(f, "errcheck", None) is _ffi._check_status else f.restype
            argtypes = tuple(f.argtypes)
        want_args = [expected_ctype(p) for p in params]
        if len(want_args) != len(argtypes) or not all(map(_same, want_args, argtypes)):
            problems.append("%s: argtypes %s, header %s" % (name, list(argtypes), params))
        if ret == "mpadjust_status":
            if restype is not _ffi.STATUS or (f is not None and f.restype is not ctypes.c_int):
                problems.append("%s: returns mpadjust_status but has no status errcheck" % name)
        elif not _same(expected_ctype(ret), restype):
            problems.append("%s: restype %s, header %s" % (name, restype, ret))
    return problems


def test_the_loaded_library_exports_every_declared_function():
    assert not _ffi.missing, "%s lacks %s (rebuild it)" % (_ffi.library_path, _ffi.missing)


def test_every_ffi_function_is_in_the_header():
    declared = _ffi_functions()
    assert "mpadjust_signer_presign" in declared and "mpadjust_signed_request_query" in declared
    extra = declared - set(header_functions())
    assert not extra, "declared in _ffi.py but not in mpadjust.h: %s" % sorted(extra)


def test_structs_match_both_ways():
    hs = header_structs()
    problems = []
    for name, fields in sorted(hs.items()):
        cls = getattr(_ffi, name, None)
        if cls is None:
            problems.append("struct %s: missing from _ffi" % name)
            continue
        got = [(f[0], f[1]) for f in getattr(cls, "_fields_", [])]
        if [n for n, _ in got] != [n for n, _ in fields]:
            problems.append("struct %s: fields %s, header %s"
                            % (name, [n for n, _ in got], [n for n, _ in fields]))
            continue
        for (fname, ftype), (_n, ctext) in zip(got, fields):
            if not _same(expected_ctype(ctext), ftype):
                problems.append("struct %s.%s: %s, header %s" % (name, fname, ftype, ctext))
    opaque = header_opaque() - set(hs)
    for name, obj in vars(_ffi).items():
        if isinstance(obj, type) and issubclass(obj, ctypes.Structure) and obj.__module__ == _ffi.__name__:
            if name not in hs and name not in opaque:
                problems.append("_ffi.%s: no such struct in the header" % name)
            if name in opaque and getattr(obj, "_fields_", None):
                problems.append("_ffi.%s: opaque in the header but has fields" % name)
    for name in opaque:
        if not hasattr(_ffi, name):
            problems.append("opaque %s: missing from _ffi" % name)
    assert not problems, "\n".join(problems)


def test_callbacks_match():
    cbs = header_callbacks()
    problems = []
    for name, (ret, params) in cbs.items():
        proto = getattr(_ffi, name, None)
        if proto is None:
            problems.append("callback %s: missing from _ffi" % name)
            continue
        want = [expected_ctype(p) for p in params]
        if len(want) != len(proto._argtypes_) or not all(map(_same, want, proto._argtypes_)):
            problems.append("callback %s: %s, header %s" % (name, proto._argtypes_, params))
        if not _same(expected_ctype(ret), proto._restype_):
            problems.append("callback %s: returns %s, header %s" % (name, proto._restype_, ret))
    for name, obj in vars(_ffi).items():
        if name.endswith("_fn") and isinstance(obj, type) and hasattr(obj, "_argtypes_"):
            if name not in cbs:
                problems.append("_ffi.%s: no such callback typedef in the header" % name)
    assert not problems, "\n".join(problems)


def test_constants_match_both_ways():
    values, _types = header_enums()
    defines = header_defines()
    known = dict(values)
    known.update(defines)
    problems = []
    for k, v in values.items():
        if getattr(_ffi, k, None) != v:
            problems.append("%s = %s in the header, %r in _ffi" % (k, v, getattr(_ffi, k, None)))
    for k, v in vars(_ffi).items():
        if k.startswith("MPADJUST_") and isinstance(v, int):
            if k not in known:
                problems.append("_ffi.%s: no such constant in the header" % k)
            elif known[k] != v:
                problems.append("_ffi.%s = %d, header %d" % (k, v, known[k]))
    assert not problems, "\n".join(problems)


def test_every_error_status_has_its_exception_class():
    values, _ = header_enums()
    statuses = {k: v for k, v in values.items() if re.match(r"MPADJUST_E[A-Z]+$", k)}
    assert len(statuses) >= 15
    for name, value in statuses.items():
        cls = errors.error_class(value)
        assert cls is not errors.MpadjustError, "%s (%d) has no exception class" % (name, value)
    assert len({errors.error_class(v) for v in statuses.values()}) == len(statuses)


def _compiler():
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")


def test_struct_layouts_match_the_compiler(tmp_path):
    cc = _compiler()
    if not cc:
        pytest.skip("no C compiler to lay out the header's structs")
    structs = header_structs()
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "mpadjust.h"',
             "int main(void) {"]
    for name, fields in structs.items():
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (name, name))
        for fname, _t in fields:
            lines.append('printf("%s.%s %%zu\\n", offsetof(%s, %s));' % (name, fname, name, fname))
    lines += ["return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-std=c99", "-I", os.path.join(REPO, "include"), str(src), "-o", str(exe)],
                   check=True)
    out = dict(line.rsplit(" ", 1) for line in
               subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.splitlines())
    problems = []
    for name, fields in structs.items():
        cls = getattr(_ffi, name)
        if int(out[name]) != ctypes.sizeof(cls):
            problems.append("sizeof(%s): C %s, ctypes %d" % (name, out[name], ctypes.sizeof(cls)))
        for fname, _t in fields:
            off = getattr(cls, fname).offset
            if int(out[name + "." + fname]) != off:
                problems.append("offsetof(%s, %s): C %s, ctypes %d"
                                % (name, fname, out[name + "." + fname], off))
    assert not problems, "\n".join(problems)
