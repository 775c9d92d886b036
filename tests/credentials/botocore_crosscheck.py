"""Differential test: our shared-file parser against botocore's (the AWS CLI's) on fixed and
generated config/credentials texts. Usage: botocore_crosscheck.py PATH/TO/credentials_dump
Exit 77 (skipped) when botocore is not importable."""
import json
import os
import random
import subprocess
import sys
import tempfile

if not os.path.exists(sys.executable):
    sys.exit(77)
try:
    import botocore.configloader as loader
    import botocore.exceptions as bexc
except ImportError:
    print("SKIP: botocore is not installed (run scripts/bootstrap.sh)")
    sys.exit(77)

DUMP = sys.argv[1]


def botocore_view(config, creds):
    """session.full_config's profiles: config profiles, credentials profiles merged on top."""
    try:
        profiles = loader.load_config(config)["profiles"]
        for name, values in loader.raw_config_parse(creds).items():
            profiles.setdefault(name, {}).update(values)
        return {"profiles": profiles}
    except bexc.ConfigParseError:
        return "parse error"


def ours(pairs):
    args = [p for pair in pairs for p in pair]
    r = subprocess.run([DUMP] + args, capture_output=True, text=True, check=True)
    lines = r.stdout.splitlines()
    assert len(lines) == len(pairs), r.stdout
    return [line if not line.startswith("{") else json.loads(line) for line in lines]


FIXED = [
    ("[default]\nregion = us-west-2 # c\nk=abc#def\ns3 =\n  addressing_style = path\n\n  x=1\n"
     "[ profile a ]\nr=1\n[profile  b] ; t\nRegion : b\n  cont # keep\n[profile \"q x\"]\nr = 2\r\n"
     "[profilefoo]\nr=3\n[services s]\nsvc =\n  endpoint_url = http://x\n",
     "[default]\nregion = fromcreds\naws_secret_access_key = abc\n[profile p]\nr=1\n"),
    ("[DEFAULT]\nr=1\n[profile a]\nx=1\n  more\n\n\n  last\n\n[profile b]\nr=2\n"
     "[profile x]\n  [profile c]\n  k = 1\n  j = 2\n    cont\n[default]\nregion=first\n"
     "[profile default]\nregion=second\n", ""),
    ("[default]\nkey\n", ""),
    ("x=1\n[default]\n", ""),
    ("[a]\nx=1\n[a]\n", ""),
    ("[a]\nX=1\nx=2\n", ""),
    ("[default]\ns3 =\n  novalue\n", ""),
    ("", "[x]\n=v\n"),
]


HEADERS = ["[default]", "[profile {n}]", "[profile  {n}]", "[ profile {n} ]", "[profile {n}] # c ]x",
           "[profile \"{n} f\"]", "[profile {n} h]", "[profile{n}]", "[services {n}]", "[DEFAULT]", "[{n}]",
           "[{n}]tail", "  [profile {n}]"]
VALUES = ["{k} = us-east-1", "{k}=eu # not a comment", "{K}: Value", "{k} = v ; v", "{k} =", "{k}=",
          "{k} = a:b=c", "{k}:x=y", "aws_access_key_id = AKID{n}", "# comment", "; comment", "", "   ", "\t",
          "{k} = 1\r"]
BAD = ["noequals", "= v", "[]", "[x", "x]", "  novalue"]


def generated(rng):
    names = ["a", "b", "c", "default", "p1", "p2", "s"]
    out = []
    for _ in range(rng.randint(0, 14)):
        r = rng.random()
        n = rng.choice(names) + str(rng.randint(0, 40))
        k = "k%d" % rng.randint(0, 60)
        if r < 0.03:
            line = rng.choice(BAD)
        elif r < 0.25:
            line = rng.choice(HEADERS).format(n=n)
        else:
            line = rng.choice(VALUES).format(k=k, K=k.upper(), n=n)
        if rng.random() < 0.3:
            line = rng.choice(["  ", "    ", "\t"]) + line
        out.append(line)
    if out and rng.random() < 0.8:
        out.insert(0, rng.choice(["[default]", "[profile a]", "[a]"]))
    return "\n".join(out) + rng.choice(["", "\n", "\r\n"])


def main():
    rng = random.Random(20240501)
    cases = FIXED + [(generated(rng), generated(rng)) for _ in range(2000)]
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        pairs = []
        for i, (c, k) in enumerate(cases):
            pair = (os.path.join(d, "config%d" % i), os.path.join(d, "credentials%d" % i))
            for path, text in zip(pair, (c, k)):
                with open(path, "w", newline="") as f:
                    f.write(text)
            pairs.append(pair)
        got_all = []
        for start in range(0, len(pairs), 200):  # keep command lines short
            got_all += ours(pairs[start:start + 200])
        for i, ((c, k), pair, got) in enumerate(zip(cases, pairs, got_all)):
            want = botocore_view(*pair)
            if want != got:
                failures += 1
                if failures <= 5:
                    print(f"case {i}: MISMATCH\n--- config\n{c!r}\n--- credentials\n{k!r}\n"
                          f"--- botocore\n{want}\n--- mpadjust\n{got}\n")
    print(f"{len(cases)} cases, {failures} mismatches with botocore {loader.__name__}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
