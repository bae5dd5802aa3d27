"""Files in and out: atomic writes (a reader or a crash never sees half a file), and input files
that must be what they claim (a regular, readable file; never a device, a folder or a pipe)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from auditor.errors import InputError, ToolError
from auditor.safetext import valid_unicode

MAX_INPUT_BYTES = 256 * 1024 * 1024  # a registry or policy is a few MB; a HAR may be large


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place. Text is UTF-8; text
    that is not valid Unicode (a lone surrogate) is written with U+FFFD in its place."""
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError:
            data = valid_unicode(data).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def why_not_written(path: Path, exc: OSError, exact: bool = False) -> str:
    """'cannot write PATH: no space left on the device' and the like, for a ToolError. PATH is the
    file the error names (more precise), or ``path`` when there is none or ``exact``."""
    reasons = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is exceeded",
               errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.ENOTDIR: "a part of the path is a file, not a folder",
               errno.EISDIR: "it is a folder"}
    where = path if exact or not exc.filename else exc.filename
    return f"cannot write {where}: {reasons.get(exc.errno or 0, exc.strerror or str(exc))}"


def tool_error(path: Path, exc: OSError) -> ToolError:
    return ToolError(why_not_written(path, exc))


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_input(path: Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the input file ``path`` (``what``: "registry", "replay HAR", ...). A missing or
    unreadable file, or one that is not a regular file (/dev/zero, a folder, a FIFO), is an
    InputError naming the file; nothing blocks or reads forever."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"{path}: {what} file not found") from None
    except PermissionError:
        raise InputError(f"{path}: cannot read {what} file: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read {what} file: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise InputError(f"{path}: cannot read {what} file: it is {kind}, not a file")
    with os.fdopen(fd, "rb") as fh:
        if st.st_size > max_bytes:
            raise InputError(f"{path}: cannot read {what} file: it is {st.st_size / 1e6:,.0f} MB; at most "
                             f"{max_bytes / 1e6:,.0f} MB is read")
        try:
            return fh.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{path}: cannot read {what} file: {exc.strerror or exc}") from None


def read_input_text(path: Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    data = read_input(path, what, max_bytes)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}: cannot read {what} file: it is not UTF-8 text (byte {exc.start})") from None
