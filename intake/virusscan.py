"""Virus scanning with ClamAV's clamd, when CLAMD_SOCKET or CLAMD_HOST is set.

clamd's INSTREAM command spoken directly (about twenty lines): the Python clients on PyPI (`clamd`,
`pyClamd`) have not been maintained for years, and the protocol is small and stable. The file goes in chunks,
each prefixed with its length as a 4-byte big-endian number, and a zero length ends it; clamd answers
"stream: OK", "stream: <name> FOUND" or "<reason> ERROR".
"""

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be reached or did not give an answer: the file is not known to be clean."""


def is_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMD_SOCKET)
        return sock
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def scan(fileobj) -> str | None:
    """The name of what clamd found in the file, or None when it is clean. Raises ScanUnavailable."""
    fileobj.seek(0)
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := fileobj.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and (data := sock.recv(4096)):
                reply += data
    except OSError as exc:
        raise ScanUnavailable(f"clamd: {exc}") from exc
    finally:
        fileobj.seek(0)
    answer = reply.rstrip(b"\0").decode(errors="replace").strip()
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ScanUnavailable(f"clamd: {answer or 'no answer'}")
