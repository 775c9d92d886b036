"""AWS credentials (``mpadjust_credentials``)."""
from __future__ import annotations

from typing import Optional

from . import _ffi
from ._handle import Handle, new_handle


class Credentials(Handle):
    """A source of AWS credentials. Immutable and shareable between threads and clients.

    Make one with :meth:`static`, :meth:`default` or :meth:`profile`. Secrets go straight into
    library memory that is wiped when freed; they are never readable back, and ``repr()``
    shows only the kind.
    """

    def __init__(self, *_: object, **__: object) -> None:
        raise TypeError("use Credentials.static(), .default() or .profile()")

    @classmethod
    def _make(cls, kind: str, ctor: object, *args: object) -> "Credentials":
        self = object.__new__(cls)
        self._kind = kind
        self._own(new_handle(ctor, _ffi.mpadjust_credentials, *args),
                  _ffi.lib.mpadjust_credentials_free)
        return self

    @classmethod
    def static(cls, access_key_id: str, secret_access_key: str,
               session_token: Optional[str] = None) -> "Credentials":
        """Fixed long-term (or temporary, with ``session_token``) keys.

        Raises InvalidError when a required value is empty."""
        return cls._make("static", _ffi.lib.mpadjust_credentials_new_static,
                         _ffi.encode(access_key_id, "access_key_id"),
                         _ffi.encode(secret_access_key, "secret_access_key"),
                         _ffi.encode(session_token, "session_token"))

    @classmethod
    def default(cls, profile: Optional[str] = None) -> "Credentials":
        """The SDKs' default chain (environment, shared files of ``profile`` or $AWS_PROFILE,
        credential_process). Nothing is read until credentials are first needed."""
        return cls._make("default", _ffi.lib.mpadjust_credentials_new_default,
                         _ffi.encode(profile, "profile"))

    @classmethod
    def profile(cls, name: str) -> "Credentials":
        """Only the named profile of the shared config and credentials files."""
        return cls._make("profile", _ffi.lib.mpadjust_credentials_new_profile,
                         _ffi.encode(name, "profile"))

    @property
    def access_key_id(self) -> str:
        """The access key id the credentials resolve to now (loads them if needed).

        Raises CredentialsError when none can be found."""
        return _ffi.take_buf(_ffi.lib.mpadjust_credentials_access_key_id, self._handle())

    def __repr__(self) -> str:
        return "<mpadjust.Credentials %s%s>" % (self._kind, " closed" if self.closed else "")
