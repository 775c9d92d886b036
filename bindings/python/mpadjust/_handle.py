"""Owning wrapper of a C handle: idempotent close(), context manager, weakref.finalize."""
from __future__ import annotations

import ctypes
import weakref
from typing import Any, Callable, Optional


class Handle:
    """Base of every object that owns a C handle.

    The finalizer is registered only once construction succeeded (the C pointer exists), and
    its argument is the pointer, never ``self``, so it cannot resurrect a half-built object.
    """

    _ptr: Any = None
    _finalizer: Optional[weakref.finalize] = None

    def _own(self, ptr: Any, free: Callable[[Any], None], keep: Any = None) -> None:
        """Takes ownership of ``ptr``. ``keep`` (e.g. CFUNCTYPE callbacks the C object may
        call) stays alive until ``free(ptr)`` has run."""
        self._ptr = ptr
        self._finalizer = weakref.finalize(self, _release, free, ptr, keep)

    def close(self) -> None:
        """Releases the C handle now. Idempotent; the object is unusable afterwards."""
        fin = self._finalizer
        self._ptr = None
        if fin is not None:
            fin()  # runs at most once

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def _handle(self) -> Any:
        if self._ptr is None:
            raise ValueError("%s is closed" % type(self).__name__)
        return self._ptr

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._handle()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _release(free: Callable[[Any], None], ptr: Any, keep: Any) -> None:
    free(ptr)
    del keep  # only now may the callbacks go


def new_handle(ctor: Callable[..., Any], ptr_type: Any, *args: Any) -> Any:
    """Calls ``ctor(&out, *args)`` and returns the new pointer (raises on failure)."""
    out = ctypes.POINTER(ptr_type)()
    ctor(ctypes.byref(out), *args)
    if not out:
        raise RuntimeError("mpadjust: constructor returned OK and NULL")
    return out
