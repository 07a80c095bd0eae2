"""CNN/DailyMail ``.story`` files (Hermann et al. 2015; the format of See et al.'s
preprocessing): the article's paragraphs, then each highlight after an ``@highlight``
line.  Reads a folder of ``.story`` files (sub-folders included) or a tar archive
(``.tgz``, ``.tar.gz``, ``.tar``, also bzip2 or xz compressed) holding them.

Archives come from elsewhere, so reading one is bounded: a member (or file) larger than
``max_member_bytes`` and stories adding up to more than ``max_archive_bytes`` stop the
read with an error before the bytes are read, and tar headers (GNU long names, pax
records) larger than the member limit are refused before ``tarfile`` loads them; a
decompression bomb therefore costs at most those bytes of memory.  Members are read in
archive order, one at a time, and their headers are not kept.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zlib
from pathlib import Path
from typing import IO, Any, Mapping

from sumbench.common.options import Option
from .fields import FieldMap
from .records import Example
from .textio import decode_utf8, iter_files, read_bytes
from sumbench.common.errors import InputError

MARKER = "@highlight"
SUFFIX = ".story"
MIB = 1 << 20
_SLACK = 64 * 1024  # tar header blocks read along with a member's bytes


def parse_story(text: str, example_id: str, where: str) -> Example:
    """One ``.story`` text -> :class:`Example` (paragraphs joined by blank lines)."""
    paragraphs: list[str] = []
    highlights: list[str] = []
    expect_highlight = False
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        if line == MARKER:
            expect_highlight = True
        elif expect_highlight:
            highlights.append(line)
            expect_highlight = False
        else:
            # text after the first highlight that is not itself a highlight stays in the article
            paragraphs.append(line)
    if not paragraphs:
        raise InputError(f"{where}: empty article")
    if not highlights:
        raise InputError(f"{where}: no '@highlight' lines, so no reference summary")
    return Example(id=example_id, article="\n\n".join(paragraphs),
                   references=(tuple(highlights),), source=where)


class _Budget:
    """The byte limits of one read: per member and in total."""

    def __init__(self, member: int, total: int) -> None:
        self.member, self.total, self.used = member, total, 0

    def check_member(self, size: int, where: str) -> None:
        if size > self.member:
            raise InputError(f"{where}: {size} bytes, more than "
                             f"--max-member-bytes {self.member}; raise it if this is expected")

    def take(self, size: int, where: str) -> None:
        self.check_member(size, where)
        self.used += size
        if self.used > self.total:
            raise InputError(f"{where}: the stories read so far add up to more than "
                             f"--max-archive-bytes {self.total}; raise it if this is expected")


class _BoundedReads:
    """A file object for ``tarfile`` that refuses any single read larger than the member
    limit: ``tarfile`` reads a GNU long name or a pax header in one call of its declared
    size, before any member is returned."""

    def __init__(self, raw: IO[bytes], limit: int, where: str) -> None:
        self._raw, self._limit, self._where = raw, limit, where

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0 or size > self._limit + _SLACK:
            raise InputError(f"{self._where}: a tar header or member declares "
                             f"{'an unbounded' if size is None or size < 0 else size} bytes, "
                             f"more than --max-member-bytes {self._limit}")
        return self._raw.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()


def _decompressed(path: Path) -> IO[bytes]:
    """The archive's tar stream: gzip, bzip2 and xz are recognised by their magic bytes
    (seekable forwards, in bounded memory); anything else is read as a plain tar."""
    with open(path, "rb") as probe:
        magic = probe.read(6)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic[:3] == b"BZh":
        return bz2.open(path, "rb")
    if magic == b"\xfd7zXZ\x00":
        return lzma.open(path, "rb")
    return open(path, "rb")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class StoryReader:
    """A folder of ``.story`` files, or a tar archive (``.tgz``, ``.tar.gz``) of them."""

    name = "story"
    suffixes = (".tgz", ".tar.gz", ".tar", ".tar.bz2", ".tar.xz")
    options = (
        Option("max_member_bytes", "int", 16 * MIB, "the largest .story file, archive "
               "member or tar header read, in bytes (a bound against decompression bombs)",
               minimum=1),
        Option("max_archive_bytes", "int", 4096 * MIB, "the most bytes of .story text read "
               "from one folder or archive", minimum=1),
    )

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        values = {o.name: o.default for o in self.options}
        values.update({k: v for k, v in (settings or {}).items() if v is not None})
        self.max_member_bytes = int(values["max_member_bytes"])
        self.max_archive_bytes = int(values["max_archive_bytes"])

    @staticmethod
    def detect_directory(path: Path) -> bool:
        """A folder with a ``.story`` file anywhere in its tree (as :meth:`read` reads it)."""
        return next(iter_files(path, SUFFIX, recursive=True), None) is not None

    def _budget(self) -> _Budget:
        return _Budget(self.max_member_bytes, self.max_archive_bytes)

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        path = Path(spec)
        if path.is_dir():
            return self._read_folder(path)
        if not path.exists():
            read_bytes(path)  # the uniform "no such file" error
        try:
            return self._read_archive(path)
        except (tarfile.TarError, EOFError, zlib.error, lzma.LZMAError, OSError) as exc:
            raise InputError(f"{path}: not a readable tar archive: {_first_line(exc)}") from None

    def _read_folder(self, path: Path) -> list[Example]:
        files = sorted(iter_files(path, SUFFIX, recursive=True))
        if not files:
            raise InputError(f"{path}: no .story files in this folder")
        budget = self._budget()
        examples = []
        for file in files:
            try:
                size = file.stat().st_size
            except OSError as exc:
                raise InputError(f"{file}: cannot read: {exc.strerror or exc}") from None
            budget.take(size, str(file))
            examples.append(parse_story(decode_utf8(read_bytes(file), file), file.stem, str(file)))
        return examples

    def _read_archive(self, path: Path) -> list[Example]:
        budget = self._budget()
        examples: list[Example] = []
        with _decompressed(path) as stream:
            bounded = _BoundedReads(stream, self.max_member_bytes, str(path))
            with tarfile.open(fileobj=bounded, mode="r:") as archive:  # type: ignore[arg-type]
                while (member := archive.next()) is not None:
                    archive.members.clear()  # headers are not needed once read
                    if not member.isfile():
                        continue
                    where = f"{path}!{member.name}"
                    if not member.name.endswith(SUFFIX):
                        budget.check_member(member.size, where)  # before skipping its bytes
                        continue
                    budget.take(member.size, where)
                    handle = archive.extractfile(member)
                    if handle is None:
                        raise InputError(f"{where}: cannot read archive member")
                    data = handle.read(member.size)
                    if len(data) != member.size:
                        raise InputError(f"{where}: the archive ends inside this member "
                                         "(truncated)")
                    stem = Path(member.name).stem
                    examples.append(parse_story(decode_utf8(data, where), stem, where))
        if not examples:
            raise InputError(f"{path}: no .story files in this archive")
        return sorted(examples, key=lambda e: e.source or "")
