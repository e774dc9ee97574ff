// The renderings of a generated resume: plain text, DOCX (libzip; the contact block
// as a table) and PDF (cairo with Debian's Nanum fonts, so Korean survives extraction).
#include <stdexcept>

#include <cairo-pdf.h>
#include <cairo.h>
#include <zip.h>

#include "tools/corpus/corpus.hpp"

namespace hirehub::resume::corpus {

std::string render_text(const generated& r) {
  return r.text();
}

namespace {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string paragraph(const std::string& text, bool bold = false) {
  std::string rpr = bold ? "<w:rPr><w:b/></w:rPr>" : "";
  return "<w:p><w:r>" + rpr + "<w:t xml:space=\"preserve\">" + xml_escape(text) + "</w:t></w:r></w:p>";
}

}  // namespace

std::string render_docx(const generated& r) {
  std::string body;
  if (!r.lines.empty())
    body += paragraph(r.lines[0], true);
  if (!r.contact_table.empty()) {
    body += "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>";
    for (const auto& row : r.contact_table) {
      body += "<w:tr>";
      for (const auto& cell : row)
        body += "<w:tc>" + paragraph(cell) + "</w:tc>";
      body += "</w:tr>";
    }
    body += "</w:tbl>";
  }
  for (size_t i = 1; i < r.lines.size(); ++i)
    body += paragraph(r.lines[i]);
  std::vector<std::pair<std::string, std::string>> files = {
      {"[Content_Types].xml",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
       R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
       R"(<Default Extension="xml" ContentType="application/xml"/>)"
       R"(<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>)"
       R"(</Types>)"},
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
       R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>)"
       R"(</Relationships>)"},
      {"word/document.xml",
       R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
       R"(<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>)" +
           body + R"(<w:sectPr/></w:body></w:document>)"},
  };
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  if (!src)
    throw std::runtime_error("docx: cannot create a buffer");
  zip_t* za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  if (!za) {
    zip_source_free(src);
    throw std::runtime_error("docx: cannot open an archive");
  }
  zip_source_keep(src);
  for (const auto& [name, data] : files) {
    zip_source_t* fs = zip_source_buffer(za, data.data(), data.size(), 0);
    if (!fs || zip_file_add(za, name.c_str(), fs, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(fs);
      zip_discard(za);
      zip_source_free(src);
      throw std::runtime_error("docx: cannot add " + name);
    }
  }
  if (zip_close(za) != 0) {
    zip_discard(za);
    zip_source_free(src);
    throw std::runtime_error("docx: cannot write the archive");
  }
  std::string out;
  if (zip_source_open(src) == 0) {
    zip_source_seek(src, 0, SEEK_END);
    auto size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    out.resize(static_cast<size_t>(size));
    auto got = zip_source_read(src, out.data(), out.size());
    out.resize(got > 0 ? static_cast<size_t>(got) : 0);
    zip_source_close(src);
  }
  zip_source_free(src);
  zip_error_fini(&err);
  return out;
}

std::string render_pdf(const generated& r) {
  std::string out;
  auto write = [](void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  };
  const double width = 595, height = 842, margin = 50, size = 9.5, leading = 14;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(write, &out, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_select_font_face(cr, "NanumGothic", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  double y = margin;
  auto text_lines = [&] {
    std::vector<std::string> v;
    auto t = r.text();
    size_t p = 0;
    while (p < t.size()) {
      auto q = t.find('\n', p);
      if (q == std::string::npos)
        q = t.size();
      v.push_back(t.substr(p, q - p));
      p = q + 1;
    }
    return v;
  }();
  auto show = [&](const std::string& line) {
    if (y > height - margin) {
      cairo_show_page(cr);
      y = margin;
    }
    cairo_move_to(cr, margin, y);
    cairo_show_text(cr, line.c_str());
    y += leading;
  };
  for (const auto& line : text_lines) {
    // Wrap at spaces to the text width.
    std::string rest = line;
    while (true) {
      cairo_text_extents_t ext;
      cairo_text_extents(cr, rest.c_str(), &ext);
      if (ext.x_advance <= width - 2 * margin)
        break;
      size_t cut = rest.size();
      std::string head;
      while (cut != std::string::npos && cut > 0) {
        cut = rest.rfind(' ', cut - 1);
        if (cut == std::string::npos)
          break;
        head = rest.substr(0, cut);
        cairo_text_extents(cr, head.c_str(), &ext);
        if (ext.x_advance <= width - 2 * margin)
          break;
      }
      if (cut == std::string::npos || cut == 0)
        break;
      show(head);
      rest = rest.substr(cut + 1);
    }
    show(rest);
  }
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace hirehub::resume::corpus
