"""What changed between two versions of a text, word by word (difflib on word tokens).

Words keep the spaces and line breaks after them, so joining a diff's pieces gives back the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_WORD = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text that is the same in both versions, removed from the old or added."""

    kind: str  # "same", "removed" or "added"
    text: str


def _words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def word_diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn `old` into `new`: removed words before the words that replace them."""
    before, after = _words(old), _words(new)
    # Compare words without their trailing spaces, so a word moved to the end of a line matches.
    matcher = SequenceMatcher(
        None, [w.strip() for w in before], [w.strip() for w in after], autojunk=False
    )
    pieces: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(after[j1:j2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(before[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", "".join(after[j1:j2])))
    return pieces


def has_changed(old: str, new: str) -> bool:
    return (old or "").split() != (new or "").split()
