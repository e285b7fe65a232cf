"""A file built in the request, sent as a download (the record PDF, the impact report PDF)."""

from __future__ import annotations

from flask import Response


def pdf_download(data: bytes, filename: str) -> Response:
    """`data` as a PDF to save, named `filename` (kept to ASCII letters, digits, "-", "_", ".")."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{safe_filename(filename)}"'},
    )


def safe_filename(name: str) -> str:
    return "".join(c for c in name if c.isascii() and (c.isalnum() or c in "-_.")) or "download.pdf"
