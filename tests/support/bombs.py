#!/usr/bin/env python3
"""Writes files built to exhaust a resume reader into DIR (tests/integration/hardening_test.cpp):

  flate.pdf     a page whose content stream inflates from ~1 MiB to ~1 GiB of text operators
  xobjects.pdf  form XObjects that draw the next level ten times, twelve levels deep (10^12 draws)
  zip.docx      word/document.xml that inflates from ~100 KiB to 256 MiB
  nested.docx   a DOCX whose document.xml nests elements a million deep

Usage: bombs.py DIR
"""
import io
import os
import sys
import zipfile
import zlib


def pdf(objects):
    """A PDF with a correct cross-reference table; objects are bytes bodies numbered from 1."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def stream(data, extra=b""):
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def flate_pdf():
    ops = b"BT /F1 12 Tf 72 720 Td (AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj ET\n"
    comp = zlib.compressobj(9)
    chunk = ops * (1 << 14)  # ~1 MiB
    parts = [comp.compress(chunk) for _ in range(1024)]  # ~1 GiB inflated
    parts.append(comp.flush())
    data = b"".join(parts)
    return pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(data, b"/Filter /FlateDecode "),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def xobject_pdf(levels=12, fan=10):
    # Objects: 1 catalog, 2 pages, 3 page, 4 page content, 5 font, 6.. the XObjects (X0 draws X1 ...).
    first = 6
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /X0 %d 0 R >> >> >>" % first,
        stream(b"q /X0 Do Q\n"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for level in range(levels):
        if level + 1 < levels:
            body = b"".join(b"q /X%d Do Q\n" % (level + 1) for _ in range(fan))
            res = b"/Resources << /Font << /F1 5 0 R >> /XObject << /X%d %d 0 R >> >>" % (level + 1, first + level + 1)
        else:
            body = b"BT /F1 12 Tf 72 720 Td (leaf) Tj ET\n"
            res = b"/Resources << /Font << /F1 5 0 R >> >>"
        objects.append(stream(body, b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] " + res + b" "))
    return pdf(objects)


def docx(document_xml, compress=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr(zipfile.ZipInfo("word/document.xml"), document_xml, compress_type=compress)
    return out.getvalue()


def zip_docx():
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
    return docx(head + b"A" * (256 << 20) + b"</w:t></w:r></w:p></w:body></w:document>")


def nested_docx(depth=400_000):
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    return docx(head + b"<w:p>" * depth + b"</w:p>" * depth + b"</w:body></w:document>")


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, make in (("flate.pdf", flate_pdf), ("xobjects.pdf", xobject_pdf), ("zip.docx", zip_docx),
                       ("nested.docx", nested_docx)):
        with open(os.path.join(d, name), "wb") as f:
            f.write(make())


if __name__ == "__main__":
    main()
