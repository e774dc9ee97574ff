#pragma once
/// Text for PostgreSQL full-text search that works for Korean as well as
/// English. English words go to the `english` configuration as they are
/// (stemmed there). Korean is written without spaces between many morphemes
/// (개발자 = 개발 + 자, 서울에서 = 서울 + 에서), so, like Lucene's CJK bigram
/// filter, every Hangul word is indexed whole and as overlapping two-syllable
/// pieces, and a query word of three or more syllables asks for all of its
/// pieces: "개발" finds "백엔드 개발자", "개발자" does not find "개발팀".

#include <string>
#include <string_view>

namespace hirehub::search_text {

/// The text to index: Hangul words expanded into the word plus its bigrams.
std::string index_terms(std::string_view text);

/// The text of a query (for plainto_tsquery, which ANDs the words): Hangul
/// words of three or more syllables become their bigrams.
std::string query_terms(std::string_view text);

/// True for a Hangul syllable or jamo code point.
bool is_hangul(char32_t c);

}  // namespace hirehub::search_text
