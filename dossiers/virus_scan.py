"""Optional virus scan of uploads by a ClamAV daemon (clamd), over its INSTREAM protocol.

Configured by CLAMD_SOCKET (a Unix socket path) or CLAMD_HOST (+ CLAMD_PORT, default 3310); off
when neither is set. When it is configured it fails closed: a file is stored only after clamd
answered "OK"; an infected file is refused naming what was found, and an unreachable or confused
scanner refuses the upload with a message saying to try again later (nothing is stored unscanned).

The protocol: send "zINSTREAM\\0", then chunks each prefixed by its length (4 bytes, big-endian),
then a zero length; clamd answers "stream: OK", "stream: <signature> FOUND" or "<reason> ERROR".
"""

import logging
import socket
import struct

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import InvalidInput, ServiceUnavailable

log = logging.getLogger("khenthuong.uploads")
CHUNK = 64 * 1024


def scanner_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.CLAMD_TIMEOUT
    if settings.CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(settings.CLAMD_SOCKET)
        except BaseException:
            sock.close()
            raise
        return sock
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=timeout)


def instream(uploaded) -> str:
    """Send the file to clamd and return its answer, without the trailing NUL."""
    with _connect() as sock:
        sock.sendall(b"zINSTREAM\0")
        uploaded.seek(0)
        for chunk in uploaded.chunks(CHUNK):
            for start in range(0, len(chunk), CHUNK):
                piece = chunk[start:start + CHUNK]
                sock.sendall(struct.pack("!L", len(piece)) + piece)
        sock.sendall(struct.pack("!L", 0))
        answer = b""
        while not answer.endswith(b"\0") and len(answer) < 4096:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    uploaded.seek(0)
    return answer.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan(uploaded, name: str) -> None:
    """Refuse an infected file (InvalidInput) or any file when the scanner cannot say (fail closed)."""
    if not scanner_configured():
        return
    unavailable = _("Chưa kiểm tra được virus cho tệp “%(name)s” (máy quét virus không phản hồi), nên tệp chưa "
                    "được lưu. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị hệ thống.") % {"name": name}
    try:
        answer = instream(uploaded)
    except OSError as exc:
        log.error("clamd unreachable: %s", exc)
        raise ServiceUnavailable(unavailable) from exc
    finally:
        uploaded.seek(0)
    if answer.endswith(" FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        log.warning("upload %r refused: clamd found %s", name, signature)
        raise InvalidInput(_("Tệp “%(name)s” bị từ chối: phát hiện mã độc (%(signature)s).")
                           % {"name": name, "signature": signature})
    if answer != "stream: OK":
        log.error("clamd answered %r for %r", answer, name)
        raise ServiceUnavailable(unavailable)
