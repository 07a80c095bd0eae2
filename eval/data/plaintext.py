"""The client's plain-text article format (see ``fixtures/README.md``)::

    Headline on the first line
    - first bullet point
    - second bullet point
    Body of the article, one or more paragraphs...

A folder of such ``.txt`` files is a reference set; the file stem is the example id.
"""

from __future__ import annotations

from pathlib import Path

from .fields import FieldMap
from .textio import iter_files, read_text
from sumbench.common.errors import InputError
from .records import Example

BULLET = "- "
SUFFIX = ".txt"


def parse_article_file(text: str, example_id: str, where: str) -> Example:
    """Parse one file of the client's format."""
    lines = text.split("\n")
    title = lines[0].strip() if lines else ""
    if not title:
        raise InputError(f"{where}:1: the first line must be the headline")
    bullets: list[str] = []
    number = 1
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith(BULLET):
            bullet = " ".join(line[len(BULLET):].split())
            if not bullet:
                raise InputError(f"{where}:{number}: empty bullet point")
            bullets.append(bullet)
        elif line.strip() or bullets:
            break
    else:
        number += 1
    if not bullets:
        raise InputError(f"{where}:2: expected bullet points (lines starting with '- ') "
                         "after the headline")
    body = "\n".join(lines[number - 1:]).strip()
    if not body:
        raise InputError(f"{where}: empty article (no body after the bullet points)")
    return Example(id=example_id, article=body, references=(tuple(bullets),),
                   title=title, source=where)


class PlainTextReader:
    """A folder of ``.txt`` files in the client's format (or one such file)."""

    name = "plaintext"
    suffixes = (".txt",)

    @staticmethod
    def detect_directory(path: Path) -> bool:
        return next(iter_files(path, SUFFIX, recursive=False), None) is not None

    def read(self, spec: str, fields: FieldMap) -> list[Example]:
        path = Path(spec)
        if path.is_dir():
            files = sorted(iter_files(path, SUFFIX, recursive=False))
            if not files:
                raise InputError(f"{path}: no .txt files in this folder")
        else:
            files = [path]
        return [parse_article_file(read_text(f), f.stem, str(f)) for f in files]
