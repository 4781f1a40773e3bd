#include "names/name_parser.h"

#include <utility>

#include "absl/hash/hash.h"
#include "names/arabic_script_rules_data.h"
#include "names/utf8.h"
#include "unicode/translit.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"

namespace liaison::names {
namespace {

struct RawToken {
  std::u32string text;
  Script script = Script::kNone;
  bool slash_after = false;
};

constexpr const char* kLatinTitles[] = {
    "ch",       "chaudhry",  "chaudhary", "choudhry",  "chaudhri",   "chowdhury", "choudhary",
    "chaudary", "chaudhari", "chowdhry",  "mian",      "malik",      "rana",      "syed",
    "sayed",    "sayyid",    "syyed",     "sayyed",    "sheikh",     "shaikh",    "shaykh",
    "sheik",    "hafiz",     "hafez",     "haji",      "hajji",      "alhaj",     "alhajj",
    "dr",       "doctor",    "sig",       "signor",    "signora",    "sigra",     "signorina",
    "dott",     "dottor",    "dottore",   "dottssa",   "dottoressa", "mr",        "mrs",
    "ms",       "miss",      "mst",       "mussammat", "musammat",   "mohtarma",  "begum",
    "sahib",    "sahab",     "janab",     "mirza",     "khawaja",    "khwaja",    "pir",
    "maulana",  "molana",    "maulvi",    "mufti",     "qazi",       "qari",      "sardar",
    "nawab",    "avv",       "ing",       "prof",      "sr",         "jr",        "sra",
    "srta"};

// Urdu forms of titles, folded at construction.
constexpr const char* kArabicTitles[] = {
    "چوہدری", "چودھری", "چوھدری", "چودہری", "میاں",  "ملک",    "رانا", "سید",   "شیخ",  "حافظ",
    "حاجی",   "الحاج",  "ڈاکٹر",  "مسماۃ",  "مسمات", "محترمہ", "بیگم", "صاحب",  "جناب", "مرزا",
    "خواجہ",  "پیر",    "مولانا", "مولوی",  "مفتی",  "قاضی",   "قاری", "سردار", "نواب"};

constexpr std::pair<const char*, Relation> kArabicRelations[] = {
    {"ولد", Relation::kSonOf},   {"ولدیت", Relation::kSonOf},    {"بن", Relation::kChildOf},
    {"ابن", Relation::kChildOf}, {"بنت", Relation::kDaughterOf}, {"دختر", Relation::kDaughterOf},
    {"زوجہ", Relation::kWifeOf}, {"بیوہ", Relation::kWifeOf}};

// Second halves of Arabic compounds that attach to the previous token.
constexpr const char* kArabicCompoundTails[] = {"الدین",  "الحق",    "اللہ",  "الرحمن",
                                                "الرحیم", "الاسلام", "النبی", "الرسول"};

// One spelling per title, so that "Ch." and "Chaudhary" agree.
std::string_view CanonicalTitle(std::string_view t) {
  static constexpr std::pair<std::string_view, std::string_view> kCanonical[] = {
      {"ch", "chaudhry"},       {"chaudhary", "chaudhry"}, {"choudhry", "chaudhry"},
      {"chaudhri", "chaudhry"}, {"chowdhury", "chaudhry"}, {"choudhary", "chaudhry"},
      {"chaudary", "chaudhry"}, {"chaudhari", "chaudhry"}, {"chowdhry", "chaudhry"},
      {"sayed", "syed"},        {"sayyid", "syed"},        {"syyed", "syed"},
      {"sayyed", "syed"},       {"shaikh", "sheikh"},      {"shaykh", "sheikh"},
      {"sheik", "sheikh"},      {"hafez", "hafiz"},        {"hajji", "haji"},
      {"alhaj", "haji"},        {"alhajj", "haji"},        {"doctor", "dr"},
      {"signor", "sig"},        {"signora", "sigra"},      {"dottor", "dott"},
      {"dottore", "dott"},      {"dottoressa", "dottssa"}, {"mussammat", "mst"},
      {"musammat", "mst"},      {"khwaja", "khawaja"},     {"molana", "maulana"},
      {"sahab", "sahib"}};
  for (const auto& [from, to] : kCanonical) {
    if (t == from) return to;
  }
  return t;
}

bool IsItalianParticle(std::string_view t) {
  return t == "de" || t == "del" || t == "della" || t == "dello" || t == "dei" || t == "degli" ||
         t == "delle" || t == "di" || t == "da" || t == "dal" || t == "dalla" || t == "dalle" ||
         t == "lo" || t == "la" || t == "li" || t == "van" || t == "von" || t == "der" ||
         t == "mc" || t == "mac" || t == "dos" || t == "das" || t == "do";
}

bool IsArabicInfix(std::string_view t) {
  return t == "ul" || t == "ud" || t == "ur" || t == "us" || t == "un" || t == "uz" || t == "ad" ||
         t == "ed" || t == "ush" || t == "ut";
}

bool IsAbdPrefix(std::string_view t) {
  return t == "abd" || t == "abdul" || t == "abdur" || t == "abdus" || t == "abdun" ||
         t == "abdel" || t == "abdal" || t == "abdil" || t == "abdu" || t == "abduz" ||
         t == "abdush" || t == "abdulla";
}

bool IsArticle(std::string_view t) {
  return t == "al" || t == "el" || t == "ul" || t == "ar" || t == "ur" || t == "as" || t == "us" ||
         t == "ad" || t == "ud" || t == "an" || t == "un" || t == "az" || t == "uz" || t == "at";
}

bool IsJoiningTail(std::string_view t) {
  return t == "uddin" || t == "udin" || t == "ullah" || t == "ulla" || t == "ulhaq" ||
         t == "ulhassan" || t == "urrehman" || t == "urrahman" || t == "uddeen" || t == "ulhaque";
}

std::string Ascii(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c >= 'a' && c <= 'z') out.push_back(static_cast<char>(c));
  }
  return out;
}

std::u32string FoldLiteral(const char* utf8) {
  auto f = FoldName(utf8);
  std::u32string out;
  if (!f.ok()) return out;
  for (char32_t c : *f) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

bool StartsWithAl(std::u32string_view t) {
  return t.size() > 2 && t[0] == 0x0627 && t[1] == 0x0644;
}

}  // namespace

std::string_view RelationName(Relation r) {
  switch (r) {
    case Relation::kNone:
      return "";
    case Relation::kSonOf:
      return "son of";
    case Relation::kDaughterOf:
      return "daughter of";
    case Relation::kWifeOf:
      return "wife of";
    case Relation::kChildOf:
      return "child of";
  }
  return "";
}

NameParser::NameParser() : NameParser(&UrduLatinModel::Default()) {}

NameParser::NameParser(const UrduLatinModel* model, NameParserOptions options)
    : model_(model), options_(options) {
  for (const char* t : kLatinTitles) latin_titles_.insert(t);
  for (const char* t : kArabicTitles) arabic_titles_.insert(FoldLiteral(t));
  for (const auto& [word, rel] : kArabicRelations) arabic_relations_[FoldLiteral(word)] = rel;
  for (const char* t : kArabicCompoundTails) arabic_compound_tails_.insert(FoldLiteral(t));
}

NameParser::~NameParser() = default;

std::string NameParser::RomaniseOtherScript(std::u32string_view token) const {
  absl::MutexLock lock(&icu_mutex_);
  if (any_latin_ == nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    any_latin_.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower",
                                                         UTRANS_FORWARD, status));
    if (U_FAILURE(status)) {
      any_latin_.reset();
      return "";
    }
  }
  icu::UnicodeString s;
  for (char32_t c : token) s.append(static_cast<UChar32>(c));
  any_latin_->transliterate(s);
  std::string utf8;
  s.toUTF8String(utf8);
  std::string out;
  for (char c : utf8) {
    if (c >= 'a' && c <= 'z') out.push_back(c);
  }
  return out;
}

TokenForms NameParser::RomaniseUrdu(std::u32string_view letters) const {
  if (options_.token_cache_capacity == 0) return TokenForms::FromUrdu(letters, *model_);
  const size_t h = absl::HashOf(letters);
  CacheShard& shard = cache_[h % kCacheShards];
  const std::u32string key(letters);
  {
    absl::MutexLock lock(&shard.mutex);
    auto it = shard.forms.find(key);
    if (it != shard.forms.end()) return it->second;
  }
  TokenForms forms = TokenForms::FromUrdu(letters, *model_);
  absl::MutexLock lock(&shard.mutex);
  if (shard.forms.size() < options_.token_cache_capacity / kCacheShards) {
    shard.forms.emplace(key, forms);
  }
  return forms;
}

std::u32string NameParser::FoldToUrduLetters(std::u32string_view letters) const {
  absl::MutexLock lock(&icu_mutex_);
  if (to_urdu_ == nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    to_urdu_.reset(icu::Transliterator::createFromRules(
        "liaison-ArabicScript-Urdu", icu::UnicodeString::fromUTF8(kArabicScriptToUrduRules),
        UTRANS_FORWARD, parse_error, status));
    if (U_FAILURE(status)) {
      to_urdu_.reset();
      return std::u32string(letters);
    }
  }
  icu::UnicodeString s;
  for (char32_t c : letters) s.append(static_cast<UChar32>(c));
  to_urdu_->transliterate(s);
  std::u32string out;
  for (int32_t i = 0; i < s.length();) {
    const UChar32 c = s.char32At(i);
    if (IsArabicLetter(static_cast<char32_t>(c))) out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

ParsedToken NameParser::PrepareToken(std::u32string_view folded) const {
  ParsedToken t;
  t.text = EncodeUtf8(folded);
  Script script = Script::kNone;
  for (char32_t c : folded) {
    const Script s = ScriptOf(c);
    if (s != Script::kNone) {
      script = s;
      break;
    }
  }
  t.script = script == Script::kNone ? Script::kLatin : script;
  if (t.script == Script::kArabic) {
    std::u32string letters;
    for (char32_t c : folded) {
      if (IsArabicLetter(c)) letters.push_back(c);
    }
    bool unknown = false;
    for (char32_t c : letters) unknown |= model_->LetterId(c) == 0;
    t.forms = RomaniseUrdu(unknown ? FoldToUrduLetters(letters) : letters);
  } else if (t.script == Script::kLatin) {
    t.forms = TokenForms::FromLatin(Ascii(folded));
  } else {
    t.forms = TokenForms::FromLatin(RomaniseOtherScript(folded));
  }
  return t;
}

absl::StatusOr<ParsedName> NameParser::Parse(std::string_view text) const {
  auto folded_or = FoldName(text);
  if (!folded_or.ok()) return folded_or.status();
  const std::u32string& folded = *folded_or;

  // 1. Raw tokens.
  std::vector<RawToken> raw;
  RawToken cur;
  auto flush = [&](bool slash) {
    if (!cur.text.empty()) {
      cur.slash_after = slash;
      raw.push_back(std::move(cur));
    } else if (slash && !raw.empty()) {
      raw.back().slash_after = true;
    }
    cur = RawToken();
  };
  for (char32_t c : folded) {
    if (c == ' ' || c == ',' || c == '.' || c == '-' || c == '/') {
      flush(c == '/');
      continue;
    }
    if (c == '\'') continue;  // joins the word
    Script s = ScriptOf(c);
    if (s == Script::kNone) {
      if (c >= '0' && c <= '9') {
        flush(false);
        continue;
      }
      // Combining marks of other scripts stay with their letter.
      if (!cur.text.empty()) cur.text.push_back(c);
      continue;
    }
    if (!cur.text.empty() && cur.script != s) flush(false);
    cur.script = s;
    cur.text.push_back(c);
  }
  flush(false);

  // "Sig.ra", "Dott.ssa": the dot split a title from its feminine ending.
  for (size_t i = 0; i + 1 < raw.size(); ++i) {
    const std::string a = Ascii(raw[i].text), b = Ascii(raw[i + 1].text);
    if ((a == "sig" && (b == "ra" || b == "na")) || (a == "dott" && b == "ssa")) {
      raw[i].text += raw[i + 1].text;
      raw.erase(raw.begin() + static_cast<long>(i) + 1);
    }
  }

  // 2. Words as strings: Latin ASCII, others kept as code points.
  struct Word {
    std::u32string text;
    std::string latin;  // for Latin tokens
    Script script;
    bool slash_after;
  };
  std::vector<Word> words;
  for (auto& r : raw) {
    Word w{std::move(r.text), "", r.script, r.slash_after};
    if (w.script == Script::kLatin) w.latin = Ascii(w.text);
    words.push_back(std::move(w));
  }

  // 3. Relation: split own name from the relative's.
  ParsedName out;
  size_t own_end = words.size();
  size_t rel_begin = words.size();
  for (size_t i = 0; i < words.size() && own_end == words.size(); ++i) {
    const Word& w = words[i];
    const std::string& t = w.latin;
    const std::string next = i + 1 < words.size() ? words[i + 1].latin : "";
    Relation rel = Relation::kNone;
    size_t skip = 1;
    if (w.script == Script::kLatin) {
      if ((t == "s" || t == "d" || t == "w") && w.slash_after && next == "o") {
        rel = t == "s" ? Relation::kSonOf : t == "d" ? Relation::kDaughterOf : Relation::kWifeOf;
        skip = 2;
      } else if (next == "of" && (t == "son" || t == "daughter" || t == "wife" || t == "widow")) {
        rel = t == "son"        ? Relation::kSonOf
              : t == "daughter" ? Relation::kDaughterOf
                                : Relation::kWifeOf;
        skip = 2;
      } else if (i > 0 && (t == "bin" || t == "ibn" || t == "fu")) {
        rel = Relation::kChildOf;
      } else if (i > 0 && (t == "bint" || t == "binti")) {
        rel = Relation::kDaughterOf;
      }
    } else if (w.script == Script::kArabic && i > 0) {
      auto it = arabic_relations_.find(w.text);
      if (it != arabic_relations_.end()) rel = it->second;
    }
    if (rel != Relation::kNone) {
      out.relation = rel;
      own_end = i;
      rel_begin = i + skip;
    }
  }

  // 4. Compounds, particles, titles, initials for each part.
  auto build = [&](size_t begin, size_t end, std::vector<ParsedToken>* dst) {
    std::vector<Word> part(words.begin() + begin, words.begin() + end);
    std::vector<Word> merged;
    for (size_t i = 0; i < part.size(); ++i) {
      Word w = part[i];
      if (w.script == Script::kLatin) {
        const bool has_next = i + 1 < part.size() && part[i + 1].script == Script::kLatin;
        if (IsAbdPrefix(w.latin) && has_next) {
          size_t j = i + 1;
          if (IsArticle(part[j].latin) && j + 1 < part.size()) ++j;
          w.latin = "abdul" + part[j].latin;
          i = j;
        } else if (IsItalianParticle(w.latin) && has_next && part.size() > 1) {
          // Join a particle to the next word, and chains like "de la".
          std::string joined = w.latin;
          size_t j = i + 1;
          while (j < part.size() && part[j].script == Script::kLatin &&
                 IsItalianParticle(part[j].latin) && j + 1 < part.size()) {
            joined += part[j].latin;
            ++j;
          }
          w.latin = joined + part[j].latin;
          i = j;
        } else if ((w.latin == "al" || w.latin == "el") && has_next) {
          w.latin += part[i + 1].latin;
          ++i;
        } else if (!merged.empty() && merged.back().script == Script::kLatin &&
                   IsArabicInfix(w.latin) && has_next) {
          merged.back().latin += w.latin + part[i + 1].latin;
          ++i;
          continue;
        } else if (!merged.empty() && merged.back().script == Script::kLatin &&
                   IsJoiningTail(w.latin)) {
          merged.back().latin += w.latin;
          continue;
        }
        if (w.latin == "mohd" || w.latin == "muhd" || w.latin == "md" || w.latin == "mhd") {
          w.latin = "muhammad";
        }
        merged.push_back(std::move(w));
      } else if (w.script == Script::kArabic) {
        static constexpr char32_t kAbd[] = {0x0639, 0x0628, 0x062F, 0};
        if (w.text == kAbd && i + 1 < part.size() && part[i + 1].script == Script::kArabic) {
          w.text += part[i + 1].text;
          ++i;
        } else if (!merged.empty() && merged.back().script == Script::kArabic &&
                   StartsWithAl(w.text)) {
          if (arabic_compound_tails_.contains(w.text)) {
            merged.back().text += w.text;
            continue;
          }
        }
        merged.push_back(std::move(w));
      } else {
        merged.push_back(std::move(w));
      }
    }
    size_t names = 0;
    std::vector<ParsedToken> tokens;
    for (const Word& w : merged) {
      ParsedToken t;
      if (w.script == Script::kLatin) {
        const bool title = latin_titles_.contains(w.latin);
        const std::string_view spelled = title ? CanonicalTitle(w.latin) : w.latin;
        std::u32string latin32(spelled.begin(), spelled.end());
        t = PrepareToken(latin32);
        if (title) {
          t.role = TokenRole::kTitle;
        } else if (w.latin.size() == 1) {
          t.role = TokenRole::kInitial;
        }
      } else {
        t = PrepareToken(w.text);
        if (w.script == Script::kArabic && arabic_titles_.contains(w.text)) {
          t.role = TokenRole::kTitle;
        }
      }
      if (t.forms.num_forms == 0 || t.forms.keys[0].empty()) continue;
      names += t.role == TokenRole::kName;
      tokens.push_back(std::move(t));
    }
    // A name made only of title words (e.g. "Malik Rana") is a name.
    if (names == 0) {
      for (auto& t : tokens) {
        if (t.role == TokenRole::kTitle) t.role = TokenRole::kName;
      }
    }
    if (tokens.size() > kMaxNameTokens) {
      tokens.resize(kMaxNameTokens);
      out.truncated = true;
    }
    *dst = std::move(tokens);
  };
  build(0, own_end, &out.tokens);
  if (rel_begin < words.size()) build(rel_begin, words.size(), &out.relative);
  return out;
}

}  // namespace liaison::names
