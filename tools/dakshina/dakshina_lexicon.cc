#include "dakshina/dakshina_lexicon.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <tuple>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace liaison::dakshina {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string DefaultLexiconPath(std::string_view shared_data_dir) {
  return absl::StrCat(std::string(shared_data_dir),
                      "/dakshina_ur_train/ur.translit.sampled.train.tsv");
}

absl::StatusOr<Lexicon> ReadLexicon(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::map<std::string, std::map<std::string, int>> words;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    int count = 1;
    if (f.size() != 3 || !absl::SimpleAtoi(f[2], &count)) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", line_no, ": expected 3 fields"));
    }
    std::string latin;
    for (char c : f[1]) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c >= 'a' && c <= 'z') latin.push_back(c);
    }
    if (latin.empty()) continue;
    words[std::string(f[0].data(), f[0].size())][latin] += std::max(count, 1);
  }
  std::vector<std::tuple<uint64_t, std::string>> order;
  for (const auto& [urdu, _] : words) order.emplace_back(Fnv1a64(urdu), urdu);
  std::sort(order.begin(), order.end());
  Lexicon lex;
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& urdu = std::get<1>(order[i]);
    Word w{urdu, {}};
    for (const auto& [latin, count] : words[urdu]) w.romanisations.push_back({latin, count});
    (i < kHeldOutWords ? lex.held_out : lex.train).push_back(std::move(w));
  }
  return lex;
}

}  // namespace liaison::dakshina
