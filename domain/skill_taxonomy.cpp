#include "domain/skill_taxonomy.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "runtime/text_util.hpp"

using namespace hirehub::text;  // UTF-8 and ASCII helpers

namespace hirehub::domain {
namespace {

struct entry {
  const char* name;
  const char* category;
  std::vector<const char*> aliases;  ///< lower-case; the canonical name is always an alias
  bool ambiguous = false;            ///< also an everyday word ("go", "spring"): in prose only as written canonically
};

// The canonical names of the first block are the seeded skill_tags (migration 3);
// the rest are added to skill_tags by the resume migration.
const std::vector<entry>& entries() {
  static const std::vector<entry> all = {
      {"C++", "language", {"cpp", "c++11", "c++14", "c++17", "c++20", "씨플플"}},
      {"C", "language", {}, true},
      {"Java", "language", {"자바", "java8", "jdk"}},
      {"Kotlin", "language", {"코틀린"}},
      {"Python", "language", {"python3", "python2", "py", "파이썬"}},
      {"Go", "language", {"golang", "고랭", "go언어", "go lang"}, true},
      {"Rust", "language", {"러스트"}, true},
      {"JavaScript", "language", {"js", "ecmascript", "es6", "자바스크립트", "javascript(es6)"}},
      {"TypeScript", "language", {"ts", "타입스크립트"}},
      {"Swift", "language", {"스위프트"}, true},
      {"Scala", "language", {"스칼라"}},
      {"Ruby", "language", {"루비"}, true},
      {"PHP", "language", {}},
      {"C#", "language", {"csharp", "c sharp"}},
      {"SQL", "language", {"t-sql", "pl/sql", "plsql"}},
      {"Spring", "framework", {"spring framework", "스프링", "spring mvc"}, true},
      {"Spring Boot", "framework", {"springboot", "스프링부트", "스프링 부트"}},
      {"Django", "framework", {"장고"}},
      {"FastAPI", "framework", {"fast api"}},
      {"Flask", "framework", {"플라스크"}, true},
      {"React", "framework", {"react.js", "reactjs", "리액트"}, true},
      {"Vue.js", "framework", {"vue", "vuejs", "vue 3", "뷰"}},
      {"Next.js", "framework", {"nextjs", "next"}},
      {"Node.js", "framework", {"node", "nodejs", "node js", "노드"}},
      {"Express", "framework", {"express.js", "expressjs"}, true},
      {"NestJS", "framework", {"nest.js", "nest"}},
      {"Flutter", "framework", {"플러터"}},
      {"React Native", "framework", {"react-native", "rn", "리액트 네이티브"}},
      {".NET", "framework", {"dotnet", "net core", ".net core", "asp.net", "asp.net core"}},
      {"Boost", "framework", {"boost c++"}, true},
      {"gRPC", "framework", {"grpc"}},
      {"GraphQL", "framework", {"graph ql"}},
      {"PyTorch", "framework", {"torch", "파이토치"}},
      {"TensorFlow", "framework", {"tf", "tensorflow2", "텐서플로"}},
      {"PostgreSQL", "database", {"postgres", "postgre", "psql", "pgsql", "포스트그레스"}},
      {"MySQL", "database", {"my sql", "mariadb"}},
      {"Oracle", "database", {"oracle db", "oracle database"}, true},
      {"MongoDB", "database", {"mongo", "몽고db"}},
      {"Redis", "database", {"레디스"}},
      {"Elasticsearch", "database", {"elastic search", "es", "elk", "엘라스틱서치"}},
      {"OpenSearch", "database", {"open search"}},
      {"Cassandra", "database", {}},
      {"DynamoDB", "database", {"dynamo", "dynamo db"}},
      {"Kafka", "infrastructure", {"apache kafka", "카프카", "msk"}},
      {"RabbitMQ", "infrastructure", {"rabbit mq", "rabbit"}},
      {"Docker", "infrastructure", {"도커", "docker compose", "docker-compose"}},
      {"Kubernetes", "infrastructure", {"k8s", "kube", "쿠버네티스", "eks", "gke", "aks"}},
      {"Terraform", "infrastructure", {"테라폼"}},
      {"Linux", "infrastructure", {"리눅스", "ubuntu", "centos", "debian"}},
      {"Nginx", "infrastructure", {"엔진엑스"}},
      {"Jenkins", "infrastructure", {"젠킨스"}},
      {"GitHub Actions", "infrastructure", {"github action", "gh actions"}},
      {"AWS", "cloud", {"amazon web services", "아마존 웹 서비스", "ec2", "s3"}},
      {"GCP", "cloud", {"google cloud", "google cloud platform"}},
      {"Azure", "cloud", {"microsoft azure", "애저"}},
      {"Machine Learning", "data", {"ml", "머신러닝", "기계학습"}},
      {"Deep Learning", "data", {"dl", "딥러닝"}},
      {"NLP", "data", {"natural language processing", "자연어처리", "자연어 처리"}},
      {"LLM", "data", {"llms", "large language models", "large language model"}},
      {"Spark", "data", {"apache spark", "pyspark", "spark sql", "스파크"}, true},
      {"Airflow", "data", {"apache airflow"}},
      {"Hadoop", "data", {"hdfs", "하둡"}},
      {"Figma", "design", {"피그마"}},
      {"iOS", "platform", {"ios"}},
      {"Android", "platform", {"안드로이드"}},
      {"Embedded", "platform", {"embedded systems", "임베디드"}},
      {"Unity", "platform", {"unity3d", "유니티"}, true},
      {"Unreal Engine", "platform", {"unreal", "ue4", "ue5", "언리얼"}},
      // Added by the resume migration.
      {"Git", "tool", {"github", "gitlab", "깃"}},
      {"Jira", "tool", {"지라"}},
      {"Excel", "tool", {"ms excel", "microsoft excel", "엑셀"}},
      {"Photoshop", "design", {"adobe photoshop", "포토샵"}},
      {"Illustrator", "design", {"adobe illustrator", "일러스트레이터"}},
      {"Sketch", "design", {}, true},
      {"After Effects", "design", {"adobe after effects", "애프터이펙트"}},
      {"SEO", "marketing", {"search engine optimization", "검색엔진최적화"}},
      {"Google Analytics", "marketing", {"ga", "ga4", "구글 애널리틱스"}},
      {"Google Ads", "marketing", {"adwords", "구글 애즈"}},
      {"Tableau", "data", {"태블로"}},
      {"Pandas", "data", {"판다스"}},
      {"NumPy", "data", {"numpy"}},
      {"scikit-learn", "data", {"sklearn", "scikit learn"}},
      {"R", "language", {}, true},
      {"MATLAB", "language", {"매트랩"}},
      {"Angular", "framework", {"angularjs", "angular.js"}},
      {"HTML", "language", {"html5"}},
      {"CSS", "language", {"css3", "scss", "sass"}},
      {"jQuery", "framework", {"jquery"}},
      {"Redux", "framework", {"redux toolkit"}},
      {"Ansible", "infrastructure", {"앤서블"}},
      {"Prometheus", "infrastructure", {"프로메테우스"}},
      {"Grafana", "infrastructure", {"그라파나"}},
      {"Helm", "infrastructure", {"helm chart", "helm charts"}},
      {"Argo CD", "infrastructure", {"argocd", "argo"}},
      {"Istio", "infrastructure", {}},
      {"Objective-C", "language", {"objc", "objective c"}},
      {"Dart", "language", {}},
      {"Bash", "language", {"shell", "shell script", "쉘 스크립트"}},
      {"Elixir", "language", {}},
      {"Flink", "data", {"apache flink"}},
      {"BigQuery", "data", {"big query"}},
      {"Snowflake", "data", {}},
      {"Redshift", "data", {"aws redshift"}},
      {"SQLite", "database", {}},
      {"Firebase", "cloud", {"파이어베이스"}},
      {"Laravel", "framework", {}},
      {"Ruby on Rails", "framework", {"rails", "ror"}},
      {"JPA", "framework", {"hibernate", "spring data jpa"}},
      {"MyBatis", "framework", {"mybatis", "ibatis"}},
      {"Celery", "framework", {}},
      {"JUnit", "tool", {"junit5"}},
      {"pytest", "tool", {}},
      {"Selenium", "tool", {}},
      {"Jest", "tool", {}},
      {"Webpack", "tool", {}},
      {"CI/CD", "practice", {"cicd", "ci cd", "ci / cd"}},
      {"Microservices", "practice", {"msa", "microservice", "micro services", "마이크로서비스"}},
  };
  return all;
}

struct index {
  std::unordered_map<std::string, size_t> by_alias;  // lower-case alias -> entry
  size_t max_words = 1;
};

size_t words_in(const std::string& s) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), ' ')) + 1;
}

const index& the_index() {
  static const index idx = [] {
    index i;
    const auto& es = entries();
    for (size_t e = 0; e < es.size(); ++e) {
      auto add = [&](const std::string& alias) {
        i.by_alias.emplace(alias, e);
        i.max_words = std::max(i.max_words, words_in(alias));
      };
      add(ascii_lower(es[e].name));
      for (const auto* a : es[e].aliases)
        add(ascii_lower(a));
    }
    return i;
  }();
  return idx;
}

skill to_skill(const entry& e) {
  return {e.name, e.category};
}

// A trailing version ("python 3", "java 17", "vue 3.2") or punctuation.
std::string strip_version(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ',' || s.back() == ';' || s.back() == ':'))
    s.pop_back();
  auto sp = s.find_last_of(' ');
  if (sp != std::string::npos && sp + 1 < s.size()) {
    bool version = true;
    for (size_t k = sp + 1; k < s.size(); ++k)
      if (!(std::isdigit(static_cast<unsigned char>(s[k])) || s[k] == '.' || s[k] == 'x'))
        version = false;
    if (version)
      s.resize(sp);
  }
  return s;
}

// Korean particles that may follow a skill written in Hangul or Latin
// ("파이썬을", "Kubernetes를", "Go로").
const std::vector<std::string>& particles() {
  static const std::vector<std::string> p = {"으로", "에서", "와", "과", "을", "를", "이", "가",  "은",
                                             "는",   "로",   "의", "및", "에", "도", "만", "기반"};
  return p;
}

// Whether [start, end) stands between list separators (or line ends).
bool in_list(std::string_view text, size_t start, size_t end) {
  auto sep = [](char c) {
    return c == ',' || c == '/' || c == '|' || c == '\n' || c == '(' || c == ')' || c == ':' || c == ';';
  };
  size_t b = start;
  while (b > 0 && text[b - 1] == ' ')
    --b;
  size_t a = end;
  while (a < text.size() && text[a] == ' ')
    ++a;
  bool before = b == 0 || sep(text[b - 1]) || (b >= 2 && text.substr(b - 2, 2) == "\xc2\xb7");
  bool after = a == text.size() || sep(text[a]) || text.substr(a, 2) == "\xc2\xb7";
  return before && after;
}

}  // namespace

const std::vector<skill>& all_skills() {
  static const std::vector<skill> all = [] {
    std::vector<skill> v;
    for (const auto& e : entries())
      v.push_back(to_skill(e));
    return v;
  }();
  return all;
}

std::optional<skill> canonical_skill(std::string_view text) {
  auto s = strip_version(collapse_spaces(ascii_lower(trim(text))));
  const auto& idx = the_index();
  auto it = idx.by_alias.find(s);
  if (it == idx.by_alias.end())
    return std::nullopt;
  return to_skill(entries()[it->second]);
}

std::vector<std::string> skills_in_text(std::string_view text) {
  // Tokens: runs of letters, digits and the characters skills are spelt with.
  struct token {
    std::string_view raw;
    std::string lower;
    size_t start, end;
  };
  std::vector<token> toks;
  auto is_tok = [](char32_t c) {
    return (c < 128 && (std::isalnum(static_cast<int>(c)) || c == '+' || c == '#' || c == '.' || c == '-' || c == '/' ||
                        c == '_')) ||
           is_hangul_syllable(c);
  };
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    char32_t c = decode_utf8(text, i);
    if (!is_tok(c))
      continue;
    size_t end = i;
    while (end < text.size()) {
      size_t j = end;
      if (!is_tok(decode_utf8(text, j)))
        break;
      end = j;
    }
    auto raw = text.substr(start, end - start);
    // Sentence punctuation stuck to a word: "Go." / "(Kafka" / "k8s/".
    while (!raw.empty() && (raw.back() == '.' || raw.back() == '/' || raw.back() == '-'))
      raw.remove_suffix(1);
    while (!raw.empty() && (raw.front() == '/' || raw.front() == '-'))
      raw.remove_prefix(1);
    if (!raw.empty())
      toks.push_back({raw, ascii_lower(raw), static_cast<size_t>(raw.data() - text.data()),
                      static_cast<size_t>(raw.data() - text.data()) + raw.size()});
    i = end;
  }

  const auto& idx = the_index();
  const auto& es = entries();
  std::vector<std::string> found;
  std::unordered_set<size_t> seen;
  auto take = [&](size_t e) {
    if (seen.insert(e).second)
      found.push_back(es[e].name);
  };
  for (size_t t = 0; t < toks.size();) {
    size_t matched_words = 0;
    for (size_t n = std::min(idx.max_words, toks.size() - t); n > 0 && matched_words == 0; --n) {
      std::string phrase = toks[t].lower;
      std::string raw_phrase(toks[t].raw);
      for (size_t k = 1; k < n; ++k) {
        phrase += ' ' + toks[t + k].lower;
        raw_phrase += ' ' + std::string(toks[t + k].raw);
      }
      auto try_phrase = [&](const std::string& p, const std::string& raw) {
        auto it = idx.by_alias.find(p);
        if (it == idx.by_alias.end())
          return false;
        const auto& e = es[it->second];
        // Everyday words count only as the skill is written ("Go", "Spring", "C").
        if (e.ambiguous && p == ascii_lower(e.name) && raw != e.name)
          return false;
        // One-letter languages ("C", "R") only as an item of a list: not "R&D", "Plan C".
        if (std::string_view(e.name).size() == 1 && !in_list(text, toks[t].start, toks[t].end))
          return false;
        take(it->second);
        return true;
      };
      if (try_phrase(phrase, raw_phrase)) {
        matched_words = n;
        break;
      }
      // A particle after the last word: "파이썬을", "Kubernetes를".
      {
        for (const auto& p : particles()) {
          if (phrase.size() > p.size() && phrase.compare(phrase.size() - p.size(), p.size(), p) == 0) {
            auto stem = phrase.substr(0, phrase.size() - p.size());
            auto raw_stem = raw_phrase.substr(0, raw_phrase.size() - p.size());
            if (try_phrase(stem, raw_stem)) {
              matched_words = n;
              break;
            }
          }
        }
      }
    }
    // Slash lists inside one token ("Go/Python/k8s"): look at each part.
    if (matched_words == 0 && toks[t].lower.find('/') != std::string::npos && toks[t].lower != "ci/cd") {
      std::string_view raw = toks[t].raw;
      size_t p = 0;
      while (p <= raw.size()) {
        auto q = raw.find('/', p);
        if (q == std::string_view::npos)
          q = raw.size();
        auto part = raw.substr(p, q - p);
        if (!part.empty()) {
          auto it = idx.by_alias.find(ascii_lower(part));
          if (it != idx.by_alias.end() && (!es[it->second].ambiguous || it->first != ascii_lower(es[it->second].name) ||
                                           part == es[it->second].name))
            take(it->second);
        }
        p = q + 1;
      }
    }
    t += matched_words ? matched_words : 1;
  }
  return found;
}

}  // namespace hirehub::domain
