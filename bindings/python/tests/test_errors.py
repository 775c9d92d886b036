"""Errors: status -> exception class, messages read right after the failing call, threads."""
import threading

import pytest

import mpadjust
from mpadjust import _ffi, errors


def test_exception_hierarchy_and_fields():
    with pytest.raises(mpadjust.MpadjustError) as e:
        mpadjust.Credentials.static("", "x")
    err = e.value
    assert type(err) is mpadjust.InvalidError
    assert err.status == _ffi.MPADJUST_EINVALID
    assert "access_key_id" in err.message
    assert "invalid" in str(err).lower() and "(-1)" in str(err)


def test_message_is_cleared_by_the_next_successful_call():
    with pytest.raises(mpadjust.InvalidError):
        mpadjust.Credentials.static("", "x")
    mpadjust.Credentials.static("A", "B").close()
    assert _ffi.last_error_message() == ""


def test_messages_are_per_thread():
    seen = {}

    def worker(name, arg):
        try:
            mpadjust.Signer(*arg)
        except mpadjust.InvalidError as e:
            seen[name] = e.message

    ts = [threading.Thread(target=worker, args=("r", ("", "svc"))),
          threading.Thread(target=worker, args=("s", ("us-east-1", "")))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert "region" in seen["r"] and "service" in seen["s"]


def test_status_table_and_names():
    assert errors.error_class(-7) is mpadjust.ServiceError
    assert errors.error_class(-6) is mpadjust.MpadjustTimeoutError
    assert errors.error_class(-15) is mpadjust.FileError is mpadjust.JournalError
    assert errors.error_class(-999) is mpadjust.MpadjustError
    assert _ffi.status_str(-999) == "unknown status"
    e = _ffi.make_error(-13, "two")
    assert isinstance(e, mpadjust.AmbiguousError) and e.candidates == []


def test_buffer_too_small_through_ffi():
    # The caller-owned output kind: too small -> MPADJUST_EBUFS with the size needed.
    import ctypes
    with mpadjust.Credentials.static("AKIDEXAMPLE", "k") as c, \
            mpadjust.Signer("us-east-1", "service") as s:
        out = ctypes.POINTER(_ffi.mpadjust_signed_request)()
        hdr = (_ffi.mpadjust_header * 1)(_ffi.mpadjust_header(b"Host", b"example.com"))
        _ffi.lib.mpadjust_signer_sign(ctypes.byref(out), s._handle(), c._handle(), b"GET", b"/",
                                      hdr, 1, None, 0, 1440938160)
        try:
            small = ctypes.create_string_buffer(10)
            need = ctypes.c_size_t()
            with pytest.raises(mpadjust.BufferTooSmallError) as e:
                _ffi.lib.mpadjust_signed_request_signature_copy(small, 10, ctypes.byref(need), out)
            assert e.value.status == _ffi.MPADJUST_EBUFS
            assert need.value == _ffi.MPADJUST_SIGNATURE_HEX_LEN + 1
        finally:
            _ffi.lib.mpadjust_signed_request_free(out)


def test_buf_dispose_twice_is_harmless():
    import ctypes
    with mpadjust.Credentials.static("AKIDX", "k") as c:
        buf = _ffi.mpadjust_buf()
        _ffi.lib.mpadjust_credentials_access_key_id(ctypes.byref(buf), c._handle())
        assert ctypes.string_at(buf.ptr, buf.size) == b"AKIDX"
        _ffi.lib.mpadjust_buf_dispose(ctypes.byref(buf))
        assert not buf.ptr and buf.size == 0
        _ffi.lib.mpadjust_buf_dispose(ctypes.byref(buf))


def test_version():
    assert mpadjust.library_version().startswith("1.")
    assert _ffi.version_number() // 10000 == 1
