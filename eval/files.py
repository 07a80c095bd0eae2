"""Writing files so that nothing is ever half-written and nothing but a file is replaced.

Each file goes to a temporary name in its own folder, ``.NAME.PID.tmp`` (created with
the usual permissions, ``0666 & ~umask``), and is renamed into place only when complete;
on any failure -- an ``OSError``, Ctrl-C -- the temporary files, and any folder this
write created that is still empty, are removed and one
:class:`~sumbench.common.errors.InputError` names the user's path.  A process killed
outright (SIGKILL) cannot clean up: the next write of the same names into the same
folder removes the temporary files of those names (exactly ``.NAME.PID.tmp``) whose
process no longer exists.  Run folders (a streamed one appended chunk by chunk through
:class:`StagedFiles`), study folders, reports, leaderboards, JUnit and Markdown outputs
all go through here.

What is at an output path (issue 18, following what ``cp``/``tee`` do with devices):

- an output *file* replaces (by rename) only a path that does not exist or is a regular
  file; a character device or a FIFO is opened and written directly (``-o /dev/stdout``,
  ``-o /dev/null``; ``-o /dev/full`` is "No space left on device"), never replaced;
  a folder, a socket or a block device is refused;
- a symbolic link is followed to a character device or FIFO (``/dev/stdout``), or to
  the file that is this process's own stdout or stderr (appended to); a link to anything
  else -- a regular file anywhere, a missing target (a dangling link) -- is refused, so a
  link never redirects a replacement somewhere the user did not name;
- an output *folder* (a run folder) may be a new folder, an empty one, or one holding
  exactly the files being written (the same folder written before), or a link to such a
  folder; the root folder, the current folder, any other folder, and anything that is
  not a folder (a file, a dangling link) are refused.  A study folder must be new or
  empty;
- with ``--overwrite`` (``overwrite=True``), an output folder that would be refused may
  be replaced when it is a run or study folder sumbench wrote -- a real folder, never a
  link, a file or a device, and not one holding the current folder
  (:mod:`sumbench.eval.runs.replace` recognises them, writes the new folder whole beside
  it and swaps it in: atomically where the system can exchange two names).

Every refusal is one line naming the path, exit 2, and leaves the path as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping, Sequence

from sumbench.common.errors import InputError, UsageError

# Temporary names keep at most this much of the final name, so that ``.NAME.PID.tmp``
# stays within the usual 255-byte limit of a file name whenever NAME itself does.
TEMP_PREFIX = 200


def temporary_name(name: str, pid: int | None = None) -> str:
    """``.NAME.PID.tmp``: the temporary name of ``name`` for the process ``pid``."""
    return f".{name[:TEMP_PREFIX]}.{os.getpid() if pid is None else pid}.tmp"


def _temporary_pattern(names: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name[:TEMP_PREFIX]) for name in names)
    return re.compile(rf"\.(?:{alternatives})\.([0-9]{{1,10}})\.tmp")


def process_exists(pid: int) -> bool:
    """Whether ``pid`` names a live process (anything unclear counts as live)."""
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True


def remove_stale(directory: Path, names: Sequence[str], folders: bool = False) -> None:
    """Remove the temporary files (``folders``: folders) of ``names`` in ``directory``
    left by processes that no longer exist."""
    if not names:
        return
    pattern = _temporary_pattern(names)
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or process_exists(int(match.group(1))):
            continue
        try:
            if folders and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            elif not folders and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        except OSError:
            pass  # someone else's to clean; it does not stop this write


def _kind(mode: int) -> str:
    for test, word in ((stat.S_ISDIR, "a folder"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISFIFO, "a FIFO"), (stat.S_ISREG, "a regular file")):
        if test(mode):
            return word
    return "not a regular file"


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{path}: cannot use this path: {exc.strerror or exc}") from None


def _follow(path: Path) -> os.stat_result:
    """What the symbolic link ``path`` points at; a dangling link is one clear error."""
    try:
        return os.stat(path)
    except OSError as exc:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if isinstance(exc, FileNotFoundError):
            raise InputError(f"{path}: a symbolic link to {target}, which does not exist; "
                             "remove the link or give another path") from None
        raise InputError(f"{path}: a symbolic link to {target} that cannot be followed: "
                         f"{exc.strerror or exc}") from None


def check_output_folder(directory: Path, what: str = "run folder") -> bool:
    """Refuse ``directory`` as an output folder when it is the root or the current folder
    or exists as anything but a folder; returns whether it exists."""
    try:
        real = directory.resolve()
        here = Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:
        raise InputError(f"{directory}: cannot use this path: {exc}") from None
    if real == Path(real.anchor):
        raise UsageError(f"{directory}: the root folder cannot be a {what}; name a new folder")
    if real == here:
        raise UsageError(f"{directory}: the current folder cannot be a {what}; "
                         "name a new folder")
    status = _lstat(directory)
    if status is None:
        return False
    if stat.S_ISLNK(status.st_mode):
        status = _follow(directory)
    if not stat.S_ISDIR(status.st_mode):
        raise InputError(f"{directory}: exists and is {_kind(status.st_mode)}, not a folder; "
                         f"name a new folder for the {what}")
    return True


OVERWRITE_HINT = ("name a new folder, or give --overwrite (overwrite=True in Python) to replace "
                  "a run or study folder sumbench wrote")


def _check_run_folder(directory: Path, names: Sequence[str]) -> None:
    """A run folder is new, empty, or holds exactly ``names`` (written before)."""
    if not check_output_folder(directory):
        return
    remove_stale(directory, names)
    others = _other_entries(directory, names)
    if others:
        raise InputError(f"{directory}: the folder exists and is not an empty folder or a "
                         f"run folder written before ({others[0]!r}); {OVERWRITE_HINT}")


def _other_entries(directory: Path, names: Sequence[str]) -> list[str]:
    """What keeps the existing folder ``directory`` from being written in place as the
    files ``names``: entries besides them (or those of them missing when there are
    entries); none for an empty folder."""
    try:
        entries = set(os.listdir(directory))
    except OSError as exc:
        raise InputError(f"{directory}: cannot read the folder: {exc.strerror or exc}") from None
    temporary = _temporary_pattern(names)
    entries = {e for e in entries if not temporary.fullmatch(e)}
    if not entries or entries == set(names):
        return []
    return sorted(entries - set(names)) or sorted(set(names) - entries)


def needs_replacing(directory: Path, names: Sequence[str]) -> bool:
    """Whether writing the folder ``directory`` as the files ``names`` (``()``: a study
    folder, which must be new or empty) would have to replace what is there: it exists
    and is not empty, nor (with ``names``) the same files written before."""
    if not check_output_folder(directory):
        return False
    if names:
        return bool(_other_entries(directory, names))
    try:
        return any(os.scandir(directory))
    except OSError as exc:
        raise InputError(f"{directory}: cannot read the folder: {exc.strerror or exc}") from None


def make_folders(directory: Path, label: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; returns those created, outermost
    first."""
    missing = []
    folder = directory
    while not folder.exists() and not folder.is_symlink() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                remove_empty(created)
                raise InputError(f"{label}: cannot create the folder {folder}: it exists and "
                                 "is not a folder") from None
            continue
        except OSError as exc:
            remove_empty(created)
            raise InputError(f"{label}: cannot create the folder {folder}: "
                             f"{exc.strerror or exc}") from None
        created.append(folder)
    return created


def remove_empty(created: list[Path]) -> None:
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            break  # not empty (someone else wrote there) or gone: leave it


class StagedFiles:
    """The files ``names`` of ``directory``, written piece by piece under temporary names
    (:meth:`append`) and renamed into place together by :meth:`commit`; any failure,
    or :meth:`abandon`, removes the temporary files and the folders this write created.
    An ``OSError`` (a full disk, a folder that cannot be made) is one
    :class:`InputError` naming ``label`` (default: the folder).  ``run_folder``:
    ``directory`` is the output itself, checked as a run folder (see the module
    docstring); otherwise it only holds the output."""

    def __init__(self, directory: Path, names: Sequence[str], run_folder: bool = True,
                 label: Path | None = None) -> None:
        self.directory = directory
        self.label = label or directory
        self._temporary = {name: directory / temporary_name(name) for name in names}
        self._handles: dict[str, BinaryIO] = {}
        self._created: list[Path] = []
        if run_folder:
            _check_run_folder(directory, names)
        self._created = make_folders(directory, self.label)
        if not run_folder:
            remove_stale(directory, names)
        with self._abandoning():
            for name, tmp in self._temporary.items():
                tmp.unlink(missing_ok=True)  # this pid's, left by a killed process
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                self._handles[name] = open(fd, "wb")

    @contextmanager
    def _abandoning(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            self.abandon()
            raise InputError(f"{self.label}: cannot write: {exc.strerror or exc}") from None
        except BaseException:
            self.abandon()
            raise

    def append(self, name: str, data: bytes) -> None:
        with self._abandoning():
            self._handles[name].write(data)

    def commit(self) -> None:
        with self._abandoning():
            for handle in self._handles.values():
                handle.close()
            for name, tmp in self._temporary.items():
                os.replace(tmp, self.directory / name)
        self._created = []

    def abandon(self) -> None:
        for handle in self._handles.values():
            try:
                handle.close()
            except OSError:
                pass  # already failing: the error being raised says what went wrong
        for tmp in self._temporary.values():
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        remove_empty(self._created)
        self._created = []


def write_files(directory: Path, contents: Mapping[str, str | bytes]) -> None:
    """Write every file of ``contents`` (name -> text, or its UTF-8 bytes) into the run
    folder ``directory``; all are renamed into place only after all are written."""
    staged = StagedFiles(directory, list(contents))
    for name, content in contents.items():
        staged.append(name, content.encode("utf-8") if isinstance(content, str) else content)
    staged.commit()


def _direct(path: Path, status: os.stat_result, linked: bool) -> int | None:
    """The ``open`` flags for writing ``path`` in place, or None to replace it."""
    mode = status.st_mode
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC
    if stat.S_ISREG(mode) and not linked:
        return None
    if stat.S_ISREG(mode) and _is_own_stream(status):
        return os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC
    if stat.S_ISREG(mode):
        raise InputError(f"{path}: a symbolic link to {os.readlink(path)}; sumbench replaces "
                         "only a regular file it is given: give the target's path")
    raise InputError(f"{path}: is {_kind(mode)}; give a file name")


def _is_own_stream(status: os.stat_result) -> bool:
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            own = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):
            continue
        if (own.st_dev, own.st_ino) == (status.st_dev, status.st_ino):
            return True
    return False


def write_file(path: str | Path, text: str) -> None:
    """Write one file: a new or regular file atomically (its folder is created when
    missing), a character device or FIFO in place (see the module docstring)."""
    path = Path(path)
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError(f"{str(path)!r}: not a file name")
    data = text.encode("utf-8")
    status = _lstat(path)
    linked = status is not None and stat.S_ISLNK(status.st_mode)
    if linked:
        status = _follow(path)
    flags = None if status is None else _direct(path, status, linked)
    if flags is None:
        staged = StagedFiles(path.parent, [path.name], run_folder=False, label=path)
        staged.append(path.name, data)
        staged.commit()
        return
    try:
        with open(os.open(path, flags), "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror or exc}") from None
