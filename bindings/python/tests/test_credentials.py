"""Credentials: construction, errors, lifetime, no secret leaks."""
import gc
import os

import pytest

import mpadjust
from mpadjust import _ffi


def test_static_access_key_and_repr():
    c = mpadjust.Credentials.static("AKIDEXAMPLE", "very-secret", "tok")
    assert c.access_key_id == "AKIDEXAMPLE"
    assert "very-secret" not in repr(c) and "tok" not in repr(c)
    c.close()
    c.close()  # idempotent
    assert c.closed
    with pytest.raises(ValueError):
        c.access_key_id


def test_static_requires_values():
    with pytest.raises(mpadjust.InvalidError) as e:
        mpadjust.Credentials.static("", "secret")
    assert e.value.status == -1 and "access_key_id" in e.value.message
    with pytest.raises(mpadjust.InvalidError) as e:
        mpadjust.Credentials.static("AKID", "")
    assert "secret_access_key" in e.value.message
    with pytest.raises(TypeError):
        mpadjust.Credentials.static(b"AKID", "x")
    with pytest.raises(TypeError):
        mpadjust.Credentials()


def test_profile_from_files_and_missing_profile(tmp_path, monkeypatch):
    cred_file = tmp_path / "credentials"
    cred_file.write_text("[work]\naws_access_key_id = AKIDWORK\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(cred_file))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(k, raising=False)
    with mpadjust.Credentials.profile("work") as c:
        assert c.access_key_id == "AKIDWORK"
    with mpadjust.Credentials.default("work") as c:
        assert c.access_key_id == "AKIDWORK"
    with mpadjust.Credentials.profile("absent") as c:
        with pytest.raises(mpadjust.CredentialsError) as e:
            c.access_key_id
        assert e.value.status == _ffi.MPADJUST_ECREDENTIALS and e.value.message
    with pytest.raises(mpadjust.InvalidError):
        mpadjust.Credentials.profile("")


def test_default_reads_environment(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    with mpadjust.Credentials.default() as c:
        assert c.access_key_id == "AKIDFROMENV"


def test_finalizer_frees_without_close():
    c = mpadjust.Credentials.static("AKID", "secret")
    fin = c._finalizer
    assert fin.alive
    del c
    gc.collect()
    assert not fin.alive
