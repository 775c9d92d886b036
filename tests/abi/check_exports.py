#!/usr/bin/env python3
"""ABI check: the shared library's exported symbols, capi/exports.txt and the MPADJUST_API
declarations of include/mpadjust.h must be the same set of names.

    check_exports.py --library libmpadjust.so --header include/mpadjust.h --exports capi/exports.txt
    check_exports.py --header include/mpadjust.h --print     # the list exports.txt should hold

Also checks that exports.txt is sorted without duplicates, that every export carries the
MPADJUST_1 symbol version, and that nothing but functions and the version node is exported
(no C++ symbols, no statically linked dependency leaking through).
"""
import argparse
import re
import subprocess
import sys

API_DECL = re.compile(r"\bMPADJUST_API\b([^;{]*?)\b(mpadjust_[A-Za-z0-9_]+)\s*\(", re.S)


def header_names(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)  # drop comments
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#.*?(?<!\\)$", " ", text, flags=re.M | re.S)  # drop preprocessor lines
    names = [m.group(2) for m in API_DECL.finditer(text)]
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        sys.exit(f"{path}: declared more than once: {', '.join(dups)}")
    return set(names)


def library_symbols(path):
    out = subprocess.run(["nm", "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    symbols, problems = {}, []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, name = parts[-2], parts[-1]
        base, _, version = name.partition("@")
        version = version.lstrip("@")
        if kind == "A" and base == "MPADJUST_1":  # the version node itself
            continue
        symbols[base] = (kind, version)
    for base, (kind, version) in sorted(symbols.items()):
        if kind not in ("T", "W", "i"):
            problems.append(f"{base}: exported with type {kind}, expected a function (T)")
        if version not in ("", "MPADJUST_1"):
            problems.append(f"{base}: symbol version {version!r}, expected MPADJUST_1")
        if version == "":
            problems.append(f"{base}: has no symbol version (was capi/mpadjust.map applied?)")
    return set(symbols), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--header", required=True)
    ap.add_argument("--exports")
    ap.add_argument("--library")
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()

    declared = header_names(a.header)
    if a.print:
        print("\n".join(sorted(declared)))
        return 0

    lines = [l.strip() for l in open(a.exports, encoding="utf-8") if l.strip() and not l.startswith("#")]
    errors = []
    if lines != sorted(set(lines)):
        errors.append(f"{a.exports}: not sorted, or has duplicates")
    listed = set(lines)
    for n in sorted(declared - listed):
        errors.append(f"declared MPADJUST_API in {a.header} but missing from {a.exports}: {n}")
    for n in sorted(listed - declared):
        errors.append(f"listed in {a.exports} but not declared MPADJUST_API in {a.header}: {n}")
    if a.library:
        exported, problems = library_symbols(a.library)
        errors += problems
        for n in sorted(listed - exported):
            errors.append(f"listed in {a.exports} but not exported by {a.library}: {n}")
        for n in sorted(exported - listed):
            errors.append(f"exported by {a.library} but not listed in {a.exports}: {n}")
    for e in errors:
        print("ABI: " + e, file=sys.stderr)
    if errors:
        return 1
    print(f"ABI: {len(listed)} functions: header, {a.exports}"
          + (f" and {a.library}" if a.library else "") + " agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
