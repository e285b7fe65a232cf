"""A long PDF written in parts of bounded size, then joined: memory stays flat at any length.

ReportLab keeps every page of a document in memory until it is saved. Writing the body as
parts of at most `PAGES_PER_PART` pages, each a plain `Canvas` saved to its own temporary file,
bounds that. The parts are then joined into one file part by part (pikepdf reads each, and its
pages and what they use are written out renumbered, streams copied as they are), with the
outline, so the join too holds one part at a time.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf
from reportlab import rl_config
from reportlab.pdfgen.canvas import Canvas

PAGES_PER_PART = 1000


@dataclass(frozen=True)
class OutlineEntry:
    level: int  # 0 for an area, 1 for a key point under it
    title: str
    page: int  # counted from 1, as printed in the footer
    top: float  # the height of the heading on its page, in points
    closed: bool = False


class PartWriter:
    """Hands out canvases: a new one (and a new file) every `pages_per_part` pages."""

    def __init__(self, folder: Path, *, pagesize, pages_per_part: int | None = None):
        # Page streams compressed and left binary: ReportLab's default wraps them in ASCII85
        # text as well, a quarter larger (its documented setting, rl_settings.useA85).
        rl_config.useA85 = 0
        self.folder, self.pagesize = folder, pagesize
        self.pages_per_part = pages_per_part or PAGES_PER_PART
        self.paths: list[Path] = []
        self._pages_in_part = 0
        self.canvas = self._new_canvas()

    def _new_canvas(self) -> Canvas:
        path = self.folder / f"part-{len(self.paths):05d}.pdf"
        self.paths.append(path)
        self._pages_in_part = 0
        return Canvas(str(path), pagesize=self.pagesize, pageCompression=1)

    def after_page(self, canvas: Canvas, page_number: int) -> Canvas:
        """Called as each page ends: the canvas for the next page."""
        self._pages_in_part += 1
        if self._pages_in_part < self.pages_per_part:
            return canvas
        canvas.save()
        self.canvas = self._new_canvas()
        return self.canvas

    def finish(self) -> list[Path]:
        """Save the last part; the parts' files in order (an empty last part is dropped)."""
        if self._pages_in_part:
            self.canvas.save()
        else:
            self.paths.pop()
        return self.paths


def join_parts(
    paths: list, out: BinaryIO, outline: list[OutlineEntry], *, title: str, author: str
) -> None:
    """Join PDF files into one, in order, with an outline (two levels) and the document's title.

    Streamed: each part is opened in turn (pikepdf reads it), its pages and what they use are
    written to `out` with their objects renumbered, and the part is closed before the next is
    opened, so memory holds one part at a time whatever the length. Streams are copied as they
    are (no decoding, no recompressing). What is kept to the end is one number a page and the
    place of each object in the file, for the page tree, the outline and the cross-reference
    table.
    """
    writer = _StreamingWriter(out)
    catalog, pages_root, info = writer.reserve(), writer.reserve(), writer.reserve()
    page_objects: list[int] = []
    part_nodes: list[int] = []
    for path in paths:
        with pikepdf.Pdf.open(path) as part:
            node = writer.reserve()
            kids = writer.copy_pages(part, parent=node)
            writer.write_object(
                node,
                b"<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d >>"
                % (pages_root, _references(kids), len(kids)),
            )
            part_nodes.append(node)
            page_objects += kids
    writer.write_object(
        pages_root,
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (_references(part_nodes), len(page_objects)),
    )
    outlines = _write_outline(writer, outline, page_objects)
    writer.write_object(
        catalog,
        b"<< /Type /Catalog /Pages %d 0 R%s >>"
        % (pages_root, b" /Outlines %d 0 R /PageMode /UseOutlines" % outlines if outlines else b""),
    )
    writer.write_object(
        info,
        b"<< /Title %s /Author %s /Producer %s >>"
        % (_text(title), _text(author), _text("pikepdf, from ReportLab parts")),
    )
    writer.finish(root=catalog, info=info)


def _references(numbers: list[int]) -> bytes:
    return b" ".join(b"%d 0 R" % number for number in numbers)


def _text(value: str) -> bytes:
    """A PDF text string: PDFDocEncoding where it can be, else UTF-16 (pikepdf decides)."""
    return pikepdf.String(value).unparse()


# Page attributes a page may inherit from the page-tree nodes above it.
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class _StreamingWriter:
    """Writes a PDF object by object to a file: numbers handed out as needed, each object's
    place recorded for the cross-reference table."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.position = 0
        self.offsets: dict[int, int] = {}
        self.next_number = 1
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def reserve(self) -> int:
        number = self.next_number
        self.next_number += 1
        return number

    def write_object(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number] = self.position
        self._write(b"%d 0 obj\n" % number)
        self._write(body)
        if stream is not None:
            self._write(b"\nstream\n")
            self._write(stream)
            self._write(b"\nendstream")
        self._write(b"\nendobj\n")

    def copy_pages(self, part: pikepdf.Pdf, *, parent: int) -> list[int]:
        """Write a part's pages, and every object they use, under the page-tree node `parent`.
        The page objects' new numbers, in order."""
        numbers: dict[tuple[int, int], int] = {}  # this part's objects: old number, new number
        queue: list = []

        def reference(obj) -> bytes:
            key = obj.objgen
            if key not in numbers:
                numbers[key] = self.reserve()
                queue.append(obj)
            return b"%d 0 R" % numbers[key]

        def value(item) -> bytes:
            if isinstance(item, pikepdf.Object):
                return reference(item) if item.is_indirect else container(item)
            if item is None:
                return b"null"
            if isinstance(item, bool):
                return b"true" if item else b"false"
            if isinstance(item, int):
                return b"%d" % item
            return format(item, "f").encode()  # Decimal or float: never an exponent

        def container(item, *, leave_out=(), add=b"") -> bytes:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                entries = item.stream_dict if isinstance(item, pikepdf.Stream) else item
                return (
                    b"<<"
                    + b"".join(
                        pikepdf.Name(key).unparse() + b" " + value(entry) + b" "
                        for key, entry in entries.items()
                        if key not in leave_out
                    )
                    + add
                    + b">>"
                )
            if isinstance(item, pikepdf.Array):
                return b"[" + b" ".join(value(entry) for entry in item) + b"]"
            return item.unparse(resolved=True)

        page_objects = [page.obj for page in part.pages]
        for page_object in page_objects:  # numbered first: written below, never from the queue
            numbers[page_object.objgen] = self.reserve()
        written = []
        for page_object in page_objects:
            number = numbers[page_object.objgen]
            written.append(number)
            inherited = b"".join(
                pikepdf.Name(key).unparse() + b" " + value(found) + b" "
                for key in INHERITED
                if key not in page_object and (found := _inherited(page_object, key)) is not None
            )
            body = container(page_object, leave_out=("/Parent",), add=inherited)
            self.write_object(number, body[:-2] + b"/Parent %d 0 R>>" % parent)
            while queue:
                obj = queue.pop()
                if isinstance(obj, pikepdf.Stream):
                    raw = obj.read_raw_bytes()
                    body = container(obj, leave_out=("/Length",), add=b"/Length %d" % len(raw))
                    self.write_object(numbers[obj.objgen], body, raw)
                else:
                    self.write_object(numbers[obj.objgen], container(obj))
        return written

    def finish(self, *, root: int, info: int) -> None:
        start = self.position
        size = self.next_number
        lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
        for number in range(1, size):
            offset = self.offsets.get(number)
            lines.append(
                b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n"
            )
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, root, info, start)
        )


def _inherited(page, key: str):
    """An attribute a page takes from the page-tree nodes above it, if it has none of its own."""
    node = page.get("/Parent")
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _write_outline(
    writer: _StreamingWriter, outline: list[OutlineEntry], page_objects: list[int]
) -> int | None:
    """The outline (bookmarks), two levels: areas, and the key points under each. Its root's
    number, or None when there is none."""
    if not outline:
        return None
    root = writer.reserve()
    tops: list[tuple[int, OutlineEntry, list]] = []  # number, entry, children (number, entry)
    for entry in outline:
        if entry.level == 0 or not tops:
            tops.append((writer.reserve(), entry, []))
        else:
            tops[-1][2].append((writer.reserve(), entry))

    def item(number, entry, parent, before, after, children=()) -> None:
        page = page_objects[min(max(entry.page - 1, 0), len(page_objects) - 1)]
        body = [
            b"<< /Title %s /Parent %d 0 R" % (_text(entry.title[:200]), parent),
            b" /Dest [%d 0 R /XYZ null %s null]" % (page, format(float(entry.top), ".2f").encode()),
        ]
        if before:
            body.append(b" /Prev %d 0 R" % before)
        if after:
            body.append(b" /Next %d 0 R" % after)
        if children:
            count = -len(children) if entry.closed else len(children)
            body.append(
                b" /First %d 0 R /Last %d 0 R /Count %d" % (children[0][0], children[-1][0], count)
            )
        writer.write_object(number, b"".join(body) + b" >>")

    for index, (number, entry, children) in enumerate(tops):
        before = tops[index - 1][0] if index else None
        after = tops[index + 1][0] if index + 1 < len(tops) else None
        item(number, entry, root, before, after, children)
        for position, (child, child_entry) in enumerate(children):
            child_before = children[position - 1][0] if position else None
            child_after = children[position + 1][0] if position + 1 < len(children) else None
            item(child, child_entry, number, child_before, child_after)
    visible = len(tops) + sum(len(children) for _, entry, children in tops if not entry.closed)
    writer.write_object(
        root,
        b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
        % (tops[0][0], tops[-1][0], visible),
    )
    return root


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="collated-pdf-")
