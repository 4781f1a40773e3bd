// Parses a person's name, in Latin or Arabic script, into tokens with roles,
// the relation it states (s/o, d/o, w/o, bin, ولد, ...) and the relative's
// name that follows it.
//
// What the parser does, in order:
// 1. FoldName (script_fold.h): NFKC, case, Arabic-script and Latin folding.
// 2. Tokenises at spaces, commas, dots, hyphens and slashes; an apostrophe
//    inside a word joins it (D'Angelo → dangelo, Ma'sood → masood); "s/o",
//    "d/o", "w/o" are one token; a token mixing scripts is split.
// 3. Relations: "s/o", "d/o", "w/o", "son of", "daughter of", "wife of",
//    "widow of", "bin", "bint", "ibn", Italian "fu"; ولد بن ابن بنت دختر
//    زوجہ بیوہ. Everything after the first relation is the relative's name.
// 4. Titles and honorifics (Ch., Chaudhry, Mian, Malik, Rana, Syed, Sheikh,
//    Hafiz, Haji, Dr., Mst., Sig., Dott., ... and their Urdu forms) get the
//    role kTitle: they may or may not be part of the name.
// 5. Compounds are joined into one token: Abdul/Abdur/Abd al + X (always
//    spelt "abdul" + X), X ul/ud/ur/us/un Y (Zia ul Haq → ziaulhaq), X +
//    uddin/ullah, Urdu عبد + ال…; Italian particles join the next token (De
//    Luca → deluca, Della Rosa → dellarosa).
// 6. Abbreviations are expanded (Mohd, Md → muhammad); single letters become
//    initials. Arabic-script tokens are romanised by the UrduLatinModel,
//    after letters of Pashto, Sindhi and other languages are folded to Urdu
//    ones by the project's ICU rules (rules/arabic_script_to_urdu.txt);
//    tokens in other scripts by ICU's Any-Latin transliterator.
//
// Thread-safety: NameParser is immutable after construction except for the
// ICU fallback transliterator and the token cache, which are guarded by
// mutexes; Parse may be called from many threads at once.
#ifndef LIAISON_NAMES_NAME_PARSER_H_
#define LIAISON_NAMES_NAME_PARSER_H_

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "names/name_token.h"
#include "names/script_fold.h"
#include "names/urdu_latin_model.h"
#include "unicode/translit.h"

namespace liaison::names {

// At most this many tokens are kept per name (own name and relative each);
// the rest are dropped and ParsedName::truncated is set.
inline constexpr size_t kMaxNameTokens = 12;

enum class TokenRole : uint8_t { kName, kTitle, kInitial };

enum class Relation : uint8_t { kNone, kSonOf, kDaughterOf, kWifeOf, kChildOf };

std::string_view RelationName(Relation r);

struct ParsedToken {
  std::string text;  // the folded token as written (UTF-8), for explanations
  TokenRole role = TokenRole::kName;
  Script script = Script::kLatin;
  TokenForms forms;  // matching keys
};

struct ParsedName {
  std::vector<ParsedToken> tokens;  // the person's own name
  Relation relation = Relation::kNone;
  std::vector<ParsedToken> relative;  // father's or husband's name, if stated
  bool truncated = false;
};

struct NameParserOptions {
  // Romanising an Urdu token is the costly step of parsing; tokens repeat a
  // lot in real lists (names are Zipf-distributed), so the parser remembers
  // up to this many romanised tokens. 0 disables the cache.
  size_t token_cache_capacity = 1 << 15;
};

class NameParser {
 public:
  // Uses UrduLatinModel::Default().
  NameParser();
  explicit NameParser(const UrduLatinModel* model, NameParserOptions options = {});
  ~NameParser();
  NameParser(const NameParser&) = delete;
  NameParser& operator=(const NameParser&) = delete;

  // Parses `text`. Returns InvalidArgument for invalid UTF-8 or text longer
  // than kMaxNameBytes. An empty or all-punctuation name parses to no tokens.
  absl::StatusOr<ParsedName> Parse(std::string_view text) const;

  // Prepares one bare token (no titles, relations or compounds), e.g. for a
  // name given in parts.
  ParsedToken PrepareToken(std::u32string_view folded_token) const;

  const UrduLatinModel& model() const { return *model_; }

 private:
  std::string RomaniseOtherScript(std::u32string_view token) const;
  // Folds letters the Urdu model does not know (Pashto, Sindhi, ...) with
  // the project's ICU rules (rules/arabic_script_to_urdu.txt).
  std::u32string FoldToUrduLetters(std::u32string_view letters) const;

  TokenForms RomaniseUrdu(std::u32string_view letters) const;

  static constexpr size_t kCacheShards = 16;
  struct CacheShard {
    absl::Mutex mutex;
    absl::flat_hash_map<std::u32string, TokenForms> forms ABSL_GUARDED_BY(mutex);
  };

  const UrduLatinModel* model_;
  NameParserOptions options_;
  mutable std::array<CacheShard, kCacheShards> cache_;
  absl::flat_hash_set<std::string> latin_titles_;
  absl::flat_hash_set<std::u32string> arabic_titles_;
  absl::flat_hash_map<std::u32string, Relation> arabic_relations_;
  absl::flat_hash_set<std::u32string> arabic_compound_tails_;
  mutable absl::Mutex icu_mutex_;
  mutable std::unique_ptr<icu::Transliterator> any_latin_ ABSL_GUARDED_BY(icu_mutex_);
  mutable std::unique_ptr<icu::Transliterator> to_urdu_ ABSL_GUARDED_BY(icu_mutex_);
};

}  // namespace liaison::names

#endif  // LIAISON_NAMES_NAME_PARSER_H_
