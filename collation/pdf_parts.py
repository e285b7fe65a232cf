"""A long PDF written in parts of bounded size, then joined: memory stays flat at any length.

ReportLab keeps every page of a document in memory until it is saved. Writing the body as
parts of at most `PAGES_PER_PART` pages, each a plain `Canvas` saved to its own temporary file,
bounds that; pikepdf (qpdf) then joins the parts into one file, copying the page streams as
they are (no decoding, no recompressing) and adding the outline.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf
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
    paths: list[Path], out: BinaryIO, outline: list[OutlineEntry], *, title: str, author: str
) -> None:
    """Join PDF files into one, in order, with an outline (two levels) and the document's title."""
    joined = pikepdf.Pdf.new()
    opened = []
    try:
        # Each part's pages go under a page-tree node of their own. Appending pages one by one
        # (`pages.extend`) costs time in proportion to the pages already there: 50,000 pages
        # took over twenty minutes; this takes seconds.
        root = joined.Root.Pages
        nodes = []
        for path in paths:
            part = pikepdf.Pdf.open(path)
            opened.append(part)
            node = joined.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Parent=root))
            kids = []
            for page in part.Root.Pages.Kids:
                copied = joined.copy_foreign(page)
                copied.Parent = node
                kids.append(copied)
            node.Kids = pikepdf.Array(kids)
            node.Count = len(kids)
            nodes.append(node)
        root.Kids = pikepdf.Array(nodes)
        root.Count = sum(int(node.Count) for node in nodes)
        with joined.open_outline() as pdf_outline:
            parent = None
            for entry in outline:
                item = pikepdf.OutlineItem(
                    entry.title[:200],
                    entry.page - 1,
                    pikepdf.PageLocation.XYZ,
                    top=entry.top,
                )
                item.is_closed = entry.closed
                if entry.level == 0 or parent is None:
                    pdf_outline.root.append(item)
                    parent = item
                else:
                    parent.children.append(item)
        joined.Root.PageMode = pikepdf.Name.UseOutlines
        joined.docinfo["/Title"] = title
        joined.docinfo["/Author"] = author
        joined.save(
            out,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,  # streams copied as they are
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
        )
    finally:
        for part in opened:
            part.close()
        joined.close()


def temporary_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="collated-pdf-")
