#include "actors/resume/extract.hpp"

#include <memory>
#include <mutex>
#include <vector>

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <pugixml.hpp>
#include <zip.h>

#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::resume {

const char* to_string(file_kind k) {
  switch (k) {
    case file_kind::pdf: return "pdf";
    case file_kind::docx: return "docx";
    case file_kind::text: return "txt";
    default: return "unsupported";
  }
}

const char* mime_type(file_kind k) {
  switch (k) {
    case file_kind::pdf: return "application/pdf";
    case file_kind::docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    case file_kind::text: return "text/plain; charset=utf-8";
    default: return "application/octet-stream";
  }
}

const char* to_string(extract_errc e) {
  switch (e) {
    case extract_errc::empty: return "empty";
    case extract_errc::encrypted: return "encrypted";
    case extract_errc::corrupt: return "corrupt";
    default: return "unsupported";
  }
}

namespace {

constexpr std::string_view ole_magic{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8};

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// A ZIP archive opened from memory; closed (and discarded) on scope exit.
struct zip_archive {
  zip_t* z = nullptr;
  explicit zip_archive(std::string_view bytes) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &err);
    if (src) {
      z = zip_open_from_source(src, ZIP_RDONLY, &err);
      if (!z)
        zip_source_free(src);
    }
    zip_error_fini(&err);
  }
  ~zip_archive() {
    if (z)
      zip_discard(z);
  }
  zip_archive(const zip_archive&) = delete;
  zip_archive& operator=(const zip_archive&) = delete;
};

std::string read_entry(zip_t* z, const char* name, size_t max_bytes, bool& found) {
  found = false;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat(z, name, 0, &st) != 0)
    return {};
  found = true;
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
    throw extract_error(extract_errc::encrypted, "the DOCX file is password-protected");
  if ((st.valid & ZIP_STAT_SIZE) && st.size > max_bytes)
    throw extract_error(extract_errc::corrupt, "the DOCX document is too large once unpacked");
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> f(zip_fopen(z, name, 0), zip_fclose);
  if (!f)
    throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (its document part cannot be read)");
  std::string out;
  char buf[64 * 1024];
  for (;;) {
    auto n = zip_fread(f.get(), buf, sizeof buf);
    if (n < 0)
      throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (its document part cannot be unpacked)");
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
    // The size in the directory may lie: count what actually inflates.
    if (out.size() > max_bytes)
      throw extract_error(extract_errc::corrupt, "the DOCX document is too large once unpacked");
  }
  return out;
}

// Text of a paragraph-level element: w:t runs, tabs and breaks, in order.
void paragraph_text(const pugi::xml_node& p, std::string& out) {
  // Iterative walk: a fuzzed document may nest deeply.
  std::vector<pugi::xml_node> stack{p};
  std::vector<pugi::xml_node> order;
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    std::string_view name = n.name();
    if (name == "w:t") {
      out += n.text().get();
      continue;
    }
    if (name == "w:tab") {
      out += '\t';
      continue;
    }
    if (name == "w:br" || name == "w:cr") {
      out += '\n';
      continue;
    }
    if (name == "w:delText" || name == "w:instrText")
      continue;
    // Push children in reverse so they pop in document order.
    order.clear();
    for (auto c = n.first_child(); c; c = c.next_sibling())
      order.push_back(c);
    for (auto it = order.rbegin(); it != order.rend(); ++it)
      stack.push_back(*it);
  }
}

void docx_body_text(const pugi::xml_node& body, std::string& out, size_t max_bytes) {
  // Blocks in document order; a table row becomes one line, cells joined by " | ".
  std::vector<pugi::xml_node> stack;
  for (auto c = body.last_child(); c; c = c.previous_sibling())
    stack.push_back(c);
  while (!stack.empty()) {
    auto n = stack.back();
    stack.pop_back();
    std::string_view name = n.name();
    if (name == "w:p") {
      paragraph_text(n, out);
      out += '\n';
    } else if (name == "w:tr") {
      bool first = true;
      for (auto tc = n.child("w:tc"); tc; tc = tc.next_sibling("w:tc")) {
        std::string cell;
        for (auto p = tc.first_child(); p; p = p.next_sibling())
          if (std::string_view(p.name()) == "w:p") {
            if (!cell.empty())
              cell += ' ';
            paragraph_text(p, cell);
          }
        if (!first)
          out += " | ";
        out += std::string(trim(cell));
        first = false;
      }
      out += '\n';
    } else {
      // w:tbl, w:sdt, w:sdtContent, w:customXml, ...: descend.
      for (auto c = n.last_child(); c; c = c.previous_sibling())
        stack.push_back(c);
    }
    if (out.size() > max_bytes)
      throw extract_error(extract_errc::corrupt, "the document holds more text than a resume can");
  }
}

extracted extract_docx(std::string_view bytes, const extract_limits& limits) {
  zip_archive a(bytes);
  if (!a.z)
    throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (not a readable ZIP archive)");
  bool found = false;
  auto xml = read_entry(a.z, "word/document.xml", limits.max_docx_xml_bytes, found);
  if (!found)
    throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (no word/document.xml)");
  pugi::xml_document doc;
  auto res = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!res)
    throw extract_error(extract_errc::corrupt,
                        std::string("the DOCX file is damaged (document.xml: ") + res.description() + ")");
  auto body = doc.child("w:document").child("w:body");
  if (!body)
    throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (document.xml has no body)");
  extracted out;
  out.kind = file_kind::docx;
  out.pages = 1;
  docx_body_text(body, out.text, limits.max_text_bytes);
  if (!valid_utf8(out.text))
    throw extract_error(extract_errc::corrupt, "the DOCX file is damaged (its text is not valid UTF-8)");
  return out;
}

void quiet_poppler() {
  static std::once_flag once;
  std::call_once(once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

extracted extract_pdf(std::string_view bytes, const extract_limits& limits) {
  quiet_poppler();
  // poppler reads the buffer for the document's life: `bytes` outlives `doc`.
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
  if (!doc)
    throw extract_error(extract_errc::corrupt, "the PDF file is damaged and cannot be read");
  if (doc->is_locked())
    throw extract_error(extract_errc::encrypted, "the PDF file is password-protected");
  extracted out;
  out.kind = file_kind::pdf;
  out.pages = doc->pages();
  if (out.pages <= 0)
    throw extract_error(extract_errc::corrupt, "the PDF file is damaged (it has no pages)");
  if (out.pages > limits.max_pdf_pages)
    throw extract_error(extract_errc::corrupt, "the PDF has " + std::to_string(out.pages) +
                                                   " pages; a resume may have at most " +
                                                   std::to_string(limits.max_pdf_pages));
  for (int i = 0; i < out.pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    if (!page)
      continue;
    auto utf8 = page->text(poppler::rectf(), poppler::page::non_raw_non_physical_layout).to_utf8();
    if (i > 0)
      out.text += '\f';
    out.text.append(utf8.data(), utf8.size());
    if (out.text.size() > limits.max_text_bytes)
      throw extract_error(extract_errc::corrupt, "the PDF holds more text than a resume can");
  }
  if (!valid_utf8(out.text))
    throw extract_error(extract_errc::corrupt, "the PDF file is damaged (its text is not valid UTF-8)");
  return out;
}

extracted extract_text(std::string_view bytes, const extract_limits& limits) {
  if (starts_with(bytes, "\xEF\xBB\xBF"))
    bytes.remove_prefix(3);
  if (!valid_utf8(bytes))
    throw extract_error(extract_errc::corrupt, "the text file is not valid UTF-8");
  if (bytes.size() > limits.max_text_bytes)
    throw extract_error(extract_errc::corrupt, "the text file is longer than a resume can be");
  extracted out;
  out.kind = file_kind::text;
  out.pages = 1;
  out.text.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\r') {
      out.text += '\n';
      if (i + 1 < bytes.size() && bytes[i + 1] == '\n')
        ++i;
    } else {
      out.text += bytes[i];
    }
  }
  return out;
}

}  // namespace

file_kind sniff(std::string_view bytes) {
  // PDF: "%PDF-" within the first KiB (the spec allows leading garbage).
  if (bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos)
    return file_kind::pdf;
  if (starts_with(bytes, "PK\x03\x04")) {
    zip_archive a(bytes);
    if (a.z)
      return zip_name_locate(a.z, "word/document.xml", 0) >= 0 ? file_kind::docx : file_kind::unsupported;
    // An archive too damaged to open: a DOCX if its first entries name Word parts.
    return bytes.substr(0, 65536).find("word/") != std::string_view::npos ? file_kind::docx : file_kind::unsupported;
  }
  if (starts_with(bytes, ole_magic))
    return file_kind::unsupported;  // legacy .doc, or an encrypted OOXML container (see extract)
  if (bytes.empty())
    return file_kind::text;
  auto head = utf8_prefix(bytes.substr(0, 8192), 8192);
  if (head.find('\0') != std::string_view::npos)
    return file_kind::unsupported;
  // Allow a code point cut at the end of the sample.
  size_t cut = head.size();
  if (bytes.size() > head.size())
    while (cut > 0 && (static_cast<unsigned char>(head[cut - 1]) & 0x80))
      --cut;
  if (!valid_utf8(head.substr(0, cut)))
    return file_kind::unsupported;
  size_t control = 0;
  for (unsigned char c : head)
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
      ++control;
  return control * 100 > head.size() ? file_kind::unsupported : file_kind::text;
}

extracted extract(std::string_view bytes, const extract_limits& limits) {
  if (bytes.empty())
    throw extract_error(extract_errc::empty, "the file is empty");
  // Office's password protection wraps the DOCX in an OLE container with an
  // EncryptionInfo stream (its directory name is UTF-16).
  if (starts_with(bytes, ole_magic)) {
    static const std::string enc_name = [] {
      std::string s;
      for (char c : std::string("EncryptionInfo")) {
        s += c;
        s += '\0';
      }
      return s;
    }();
    if (bytes.find(enc_name) != std::string_view::npos)
      throw extract_error(extract_errc::encrypted, "the document is password-protected");
    throw extract_error(extract_errc::unsupported,
                        "legacy Word (.doc) files are not supported; save it as DOCX or PDF");
  }
  extracted out;
  switch (sniff(bytes)) {
    case file_kind::pdf: out = extract_pdf(bytes, limits); break;
    case file_kind::docx: out = extract_docx(bytes, limits); break;
    case file_kind::text: out = extract_text(bytes, limits); break;
    default: throw extract_error(extract_errc::unsupported, "only PDF, DOCX and plain-text resumes are accepted");
  }
  if (trim(out.text).empty())
    throw extract_error(extract_errc::empty,
                        out.kind == file_kind::pdf
                            ? "the PDF has no text (a scanned image? text recognition is not supported)"
                            : "the file has no text");
  return out;
}

}  // namespace hirehub::resume
