"""CNN/DailyMail ``.story`` files (Hermann et al. 2015; the format of See et al.'s
preprocessing): the article's paragraphs, then each highlight after an ``@highlight``
line.  Reads a folder of ``.story`` files or a ``.tgz`` / ``.tar.gz`` holding them.
"""

from __future__ import annotations

import tarfile
from pathlib import Path

from sumbench.eval.data.fields import FieldMap
from sumbench.eval.data.textio import decode_utf8, read_bytes
from sumbench.eval.errors import InputError
from sumbench.eval.data.records import Example

MARKER = "@highlight"


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
        elif highlights:
            # text after the first highlight that is not itself a highlight: keep in article
            paragraphs.append(line)
        else:
            paragraphs.append(line)
    if not paragraphs:
        raise InputError(f"{where}: empty article")
    if not highlights:
        raise InputError(f"{where}: no '@highlight' lines, so no reference summary")
    return Example(id=example_id, article="\n\n".join(paragraphs),
                   references=(tuple(highlights),), source=where)


class StoryReader:
    """A folder of ``.story`` files, or a tar archive (``.tgz``, ``.tar.gz``) of them."""

    name = "story"
    suffixes = (".tgz", ".tar.gz", ".tar")

    @staticmethod
    def detect_directory(path: Path) -> bool:
        return any(path.glob("*.story"))

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        path = Path(spec)
        if path.is_dir():
            files = sorted(path.rglob("*.story"))
            if not files:
                raise InputError(f"{path}: no .story files in this folder")
            return [parse_story(decode_utf8(read_bytes(f), f), f.stem, str(f)) for f in files]
        data_path = path
        read_bytes(data_path)  # uniform "no such file" / "cannot read" errors
        try:
            with tarfile.open(data_path, "r:*") as archive:
                members = sorted((m for m in archive.getmembers()
                                  if m.isfile() and m.name.endswith(".story")),
                                 key=lambda m: m.name)
                if not members:
                    raise InputError(f"{path}: no .story files in this archive")
                examples = []
                for member in members:
                    where = f"{path}!{member.name}"
                    handle = archive.extractfile(member)
                    if handle is None:
                        raise InputError(f"{where}: cannot read archive member")
                    stem = Path(member.name).stem
                    examples.append(parse_story(decode_utf8(handle.read(), where), stem, where))
                return examples
        except tarfile.TarError as exc:
            raise InputError(f"{path}: not a readable tar archive: {exc}") from None
