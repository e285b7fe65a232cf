"""A ReportLab canvas for documents of tens of thousands of pages, in bounded memory.

ReportLab keeps every page's drawing operators as text until the document is saved, then
formats the whole file in memory and writes it at once: a 50,000-page collation held well over
a gigabyte. This canvas compresses each page as it ends, and its save writes each PDF object to
the file as it is formatted. The bytes written are those ReportLab would write (less its
optional ASCII85 layer, which only makes page streams a quarter larger).
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFCrossReferenceTable,
    PDFDocument,
    PDFFile,
    PDFIndirectObject,
    PDFName,
    PDFStream,
    PDFTrailer,
    PDFZCompress,
)
from reportlab.pdfgen.canvas import Canvas


class _FileWriter(PDFFile):
    """ReportLab's output collector, writing to the file instead of collecting."""

    def __init__(self, out, pdf_version):
        self.out = out
        self.strings = []
        self.write = out.write
        self.offset = 0
        header = PDFFile(pdf_version)
        self.add(b"".join(header.strings))

    def format(self, document):
        return b""  # everything is written already


class _StreamedDocument(PDFDocument):
    """ReportLab's PDFDocument.format (ReportLab 4 and 5), writing to `self.streamed_to`."""

    streamed_to = None

    def format(self):
        if self.streamed_to is None:
            return super().format()
        self.encrypt.prepare(self)
        catalog, info = self.Catalog, self.info
        self.Reference(catalog)
        self.Reference(info)
        encrypt_info = self.encrypt.info()
        encrypt_reference = self.Reference(encrypt_info) if encrypt_info else None
        counter, ids = 0, []
        self.__accum__ = output = _FileWriter(self.streamed_to, self._pdfVersion)
        while True:
            counter += 1
            if counter not in self.numberToId:
                break
            oid = self.numberToId[counter]
            formatted = PDFIndirectObject(oid, self.idToObject[oid]).format(self)
            self.idToOffset[oid] = output.add(formatted)
            ids.append(oid)
        del self.__accum__
        if counter - 1 != len(self.numberToId):
            raise ValueError("PDF objects were numbered out of order")
        xref = PDFCrossReferenceTable()
        xref.addsection(0, ids)
        xref_offset = output.add(xref.format(self))
        trailer = PDFTrailer(
            startxref=xref_offset,
            Size=len(self.numberToId) + 1,
            Root=self.Reference(catalog),
            Info=self.Reference(info),
            Encrypt=encrypt_reference,
            ID=self.ID(),
        )
        output.add(trailer.format(self))
        return b""


class CompactCanvas(Canvas):
    """Writes to a binary file object `out`; pages are compressed as they end."""

    def __init__(self, out, **options):
        super().__init__(out, **options)
        self._doc.__class__ = _StreamedDocument
        self._doc.streamed_to = out

    def showPage(self):
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if page.compression and page.stream and not page.Contents:
            stream = PDFStream(content=PDFZCompress.encode(page.stream))
            stream.dictionary["Filter"] = PDFArray([PDFName(PDFZCompress.pdfname)])
            stream.__Comment__ = "page stream"
            page.Contents = stream
            page.stream = None
