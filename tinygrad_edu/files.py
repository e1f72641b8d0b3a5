"""Writing and reading files the safe way, in one place for every writer and reader.

Writers (`tg.save`, `tg.explore(path=...)`, `save_steps`, ``Graph.render``, the plots, the
FANN writer, the demo) never write over a file in place: they write a temporary file next to
it and rename it over the old one once it is complete, so a failure (a full disk, an
exception, Ctrl-C) leaves the previous file whole and no half-written one behind. A path that
is a symbolic link is written *through*, as ``open()`` and ``np.save`` do: the file it points
to is replaced and the link stays a link.

Readers (`tg.load`, ``read_fann``, the MNIST and names readers) open only regular files: a
FIFO or a device would block forever or never end.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
>>> write_file(path, "first")
>>> with replacing(path) as temporary:
...     with open(temporary, "w") as f:
...         _ = f.write("half")
...     raise OSError("No space left on device")
Traceback (most recent call last):
OSError: No space left on device
>>> with open(path) as f:
...     f.read()   # the old file, whole
'first'
"""
import contextlib
import io
import os
import secrets
import stat


@contextlib.contextmanager
def replacing(path):
    """The path of a temporary file to write in ``path``'s folder (the folder of the file a
    link points to); when the block ends without an error it replaces ``path`` in one step,
    keeping the permissions the old file had. It keeps ``path``'s extension, so that tools
    that read the format from the name (matplotlib) still can."""
    target = os.path.realpath(path)  # through a symbolic link, to the file it names
    if os.path.isdir(target):  # before anything is written (os.replace would say only "Is a directory")
        raise IsADirectoryError(f"cannot write {os.fspath(path)!r}: it is a folder; give a file name inside it")
    folder, name = os.path.split(target)
    _check_folder(path, folder)
    stem, extension = os.path.splitext(name)
    temporary = os.path.join(folder, f".{stem}.{secrets.token_hex(6)}.tmp{extension}")
    try:
        yield temporary
        _keep_mode(target, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.remove(temporary)


def _check_folder(path, folder):
    """Refuse, before anything is written, a path whose folder is missing or is a file: the
    error would otherwise name the hidden temporary file. The folder is named as the user
    wrote it (the link's target's, for a symbolic link)."""
    if os.path.isdir(folder):
        return
    link = os.path.islink(path)
    shown = folder if link else os.path.dirname(os.fspath(path))
    where = " (where the symbolic link points)" if link else ""
    if os.path.exists(folder):
        raise NotADirectoryError(f"cannot write {os.fspath(path)!r}: {shown!r}{where} is a file, not a folder; "
                                 "choose a path inside a folder")
    raise FileNotFoundError(f"cannot write {os.fspath(path)!r}: the folder {shown!r}{where} does not exist; create "
                            f"it first (os.makedirs({shown!r}, exist_ok=True)) or choose another path")


def _keep_mode(old, new):
    """A replaced file keeps its permissions (a new one gets the umask's, as ``open`` gives)."""
    try:
        mode = stat.S_IMODE(os.stat(old).st_mode)
    except FileNotFoundError:
        return
    if os.path.exists(new):
        os.chmod(new, mode)


def create(temporary):
    """Open ``temporary`` (from `replacing`) for writing bytes: a new file, never one that is
    already there, with the permissions the umask allows (as ``open`` gives, not mkstemp's 0o600)."""
    return os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb")


def write_file(path, content):
    """Write ``content`` (str, as UTF-8, or bytes) to ``path`` through a temporary file."""
    data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
    with replacing(path) as temporary, create(temporary) as f:
        f.write(data)


def open_regular(path, what, error=ValueError):
    """Open ``path`` to read bytes, refusing what is not a regular file (a FIFO would block the
    reader forever, ``/dev/zero`` would never end). ``what`` names the reader in the message,
    raised as ``error``; a missing file or a folder raise FileNotFoundError or IsADirectoryError."""
    # O_NONBLOCK: opening a FIFO for reading waits for a writer; this way it returns at once
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _check_mode(os.fstat(fd).st_mode, path, what, error)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return io.open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def check_regular(path, what, error=ValueError):
    """Refuse ``path`` unless it is a regular file (for readers that open it by name themselves)."""
    _check_mode(os.stat(path).st_mode, path, what, error)


def _check_mode(mode, path, what, error):
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(f"{what}: {path} is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise error(f"{what}: {path} is not a regular file (a pipe, a device or a socket); give the path of "
                    "a file on disk")
