// Reads the Dakshina Urdu romanisation lexicon (CC BY-SA 4.0, Roark et al.
// 2020) and splits it into the words used to train the Urdu->Latin model and
// the 2,500 words set aside for evaluation, which nothing is ever tuned on.
//
// The split is by hash: each distinct Urdu word (its UTF-8 bytes, as in the
// file) is hashed with 64-bit FNV-1a; the 2,500 words with the smallest
// (hash, word) are held out. The rule needs nothing but the word, so it is
// stable and can be recomputed by anyone.
//
// Thread-safety: plain functions and values.
#ifndef LIAISON_TOOLS_DAKSHINA_DAKSHINA_LEXICON_H_
#define LIAISON_TOOLS_DAKSHINA_DAKSHINA_LEXICON_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace liaison::dakshina {

inline constexpr size_t kHeldOutWords = 2500;

struct Romanisation {
  std::string latin;  // lowercase a-z only
  int count = 0;      // annotators who wrote it
};

struct Word {
  std::string urdu;  // as in the file
  std::vector<Romanisation> romanisations;
};

struct Lexicon {
  std::vector<Word> train;
  std::vector<Word> held_out;
};

uint64_t Fnv1a64(std::string_view bytes);

// Reads `path` (TSV: urdu, latin, count). Romanisations with characters other
// than letters are lowercased and stripped to a-z; empty ones are dropped.
// Returns NotFound / InvalidArgument with the line on error.
absl::StatusOr<Lexicon> ReadLexicon(const std::string& path);

// The lexicon file under the shared data directory.
std::string DefaultLexiconPath(std::string_view shared_data_dir);

}  // namespace liaison::dakshina

#endif  // LIAISON_TOOLS_DAKSHINA_DAKSHINA_LEXICON_H_
