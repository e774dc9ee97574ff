#include <gtest/gtest.h>

#include "runtime/search_text.hpp"

using namespace hirehub;

TEST(search_text, english_passes_through_for_the_english_configuration) {
  EXPECT_EQ(search_text::index_terms("Senior Backend Engineer (C++)"), "Senior Backend Engineer (C++)");
  EXPECT_EQ(search_text::query_terms("kafka engineers"), "kafka engineers");
}

TEST(search_text, hangul_words_are_indexed_whole_and_as_bigrams) {
  EXPECT_EQ(search_text::index_terms("백엔드 개발자"), " 백엔드 백엔 엔드   개발자 개발 발자 ");
  EXPECT_EQ(search_text::index_terms("서울"), " 서울 ");
  // Mixed scripts split at the boundary.
  EXPECT_EQ(search_text::index_terms("Java개발자"), "Java 개발자 개발 발자 ");
}

TEST(search_text, hangul_queries_ask_for_every_bigram) {
  EXPECT_EQ(search_text::query_terms("개발자"), " 개발 발자 ");
  EXPECT_EQ(search_text::query_terms("개발"), " 개발 ");
  EXPECT_EQ(search_text::query_terms("서울 Kafka"), " 서울  Kafka");
}

TEST(search_text, invalid_utf8_becomes_a_separator) {
  std::string bad =
      "abc\xff\xfe"
      "def";
  EXPECT_EQ(search_text::index_terms(bad), "abc  def");
  std::string truncated = "개\xEB";
  EXPECT_EQ(search_text::index_terms(truncated), " 개  ");
}
