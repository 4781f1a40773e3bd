// Estimates the Urdu->Latin channel model (names/urdu_latin_model.h) from the
// training part of the Dakshina lexicon and writes it as a table.
//
//   train_urdu_latin <shared data dir> <output.tsv>
//
// Expectation-maximisation over all ways of cutting each romanisation into
// per-letter emissions of 0..3 Latin letters, started from a one-letter
// guess per Urdu letter. The held-out words (tools/dakshina) are never read
// into the counts.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "dakshina/dakshina_lexicon.h"
#include "names/script_fold.h"
#include "names/urdu_latin_model.h"

namespace liaison {
namespace {

using names::UrduLatinModel;

constexpr int kIterations = 8;
constexpr double kFloor = 1e-7;
constexpr double kContextWeight = 20.0;  // pseudo-count pulling a context to its letter

struct Pair {
  std::vector<int> contexts;  // per Urdu letter
  std::vector<int> letters;
  std::string latin;
  double weight;
};

// A first guess so that EM starts from sensible cuts.
const std::map<char32_t, std::string>& Seeds() {
  static const auto* seeds = new std::map<char32_t, std::string>{
      {0x0627, "a"}, {0x0622, "a"},  {0x0628, "b"},  {0x067E, "p"}, {0x062A, "t"},  {0x0679, "t"},
      {0x062B, "s"}, {0x062C, "j"},  {0x0686, "ch"}, {0x062D, "h"}, {0x062E, "kh"}, {0x062F, "d"},
      {0x0688, "d"}, {0x0630, "z"},  {0x0631, "r"},  {0x0691, "r"}, {0x0632, "z"},  {0x0698, "zh"},
      {0x0633, "s"}, {0x0634, "sh"}, {0x0635, "s"},  {0x0636, "z"}, {0x0637, "t"},  {0x0638, "z"},
      {0x0639, "a"}, {0x063A, "gh"}, {0x0641, "f"},  {0x0642, "q"}, {0x06A9, "k"},  {0x06AF, "g"},
      {0x0644, "l"}, {0x0645, "m"},  {0x0646, "n"},  {0x06BA, "n"}, {0x0648, "o"},  {0x06C1, "h"},
      {0x06BE, "h"}, {0x0621, ""},   {0x06CC, "i"},  {0x06D2, "e"}, {0x0626, "i"},
  };
  return *seeds;
}

bool IsVowelString(const std::string& s) {
  for (char c : s) {
    if (std::string_view("aeiouy").find(c) == std::string_view::npos) return false;
  }
  return true;
}

class Trainer {
 public:
  explicit Trainer(int num_letters) : num_letters_(num_letters) {}

  double Emission(int ctx, int code) const {
    if (first_) return Initial(ctx, code);
    auto it = prob_.find(Key(ctx, code));
    return it == prob_.end() ? kFloor : it->second;
  }

  void SetSeeds(std::vector<std::string> seed_of_letter) { seed_ = std::move(seed_of_letter); }

  void Accumulate(const Pair& p) {
    const size_t n = p.contexts.size();
    const size_t m = p.latin.size();
    std::vector<double> alpha((n + 1) * (m + 1), 0.0), beta((n + 1) * (m + 1), 0.0);
    auto A = [&](size_t i, size_t j) -> double& { return alpha[i * (m + 1) + j]; };
    auto B = [&](size_t i, size_t j) -> double& { return beta[i * (m + 1) + j]; };
    A(0, 0) = 1.0;
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j <= m; ++j) {
        if (A(i, j) == 0) continue;
        for (size_t k = 0; k <= 3 && j + k <= m; ++k) {
          A(i + 1, j + k) += A(i, j) * Emission(p.contexts[i], Code(p.latin, j, k));
        }
      }
    }
    const double z = A(n, m);
    if (!(z > 0)) return;
    log_likelihood_ += p.weight * std::log(z);
    B(n, m) = 1.0;
    for (size_t i = n; i-- > 0;) {
      for (size_t j = 0; j <= m; ++j) {
        double b = 0;
        for (size_t k = 0; k <= 3 && j + k <= m; ++k) {
          b += Emission(p.contexts[i], Code(p.latin, j, k)) * B(i + 1, j + k);
        }
        B(i, j) = b;
      }
    }
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j <= m; ++j) {
        if (A(i, j) == 0) continue;
        for (size_t k = 0; k <= 3 && j + k <= m; ++k) {
          const int code = Code(p.latin, j, k);
          const double post = A(i, j) * Emission(p.contexts[i], code) * B(i + 1, j + k) / z;
          if (post < 1e-9) continue;
          counts_[Key(p.contexts[i], code)] += post * p.weight;
        }
      }
    }
  }

  // M-step: context estimates interpolated with their letter's estimate.
  void Maximise() {
    absl::flat_hash_map<int, double> ctx_total, letter_total;
    absl::flat_hash_map<int, int> ctx_types;
    absl::flat_hash_map<uint64_t, double> letter_counts;
    for (const auto& [key, c] : counts_) {
      const int ctx = static_cast<int>(key >> 32);
      const int code = static_cast<int>(key & 0xFFFFFFFF);
      const int letter = LetterOf(ctx);
      ctx_total[ctx] += c;
      ctx_types[ctx] += 1;
      letter_total[letter] += c;
      letter_counts[Key(letter, code)] += c;
    }
    letter_prob_.clear();
    for (const auto& [key, c] : letter_counts) {
      letter_prob_[key] = c / letter_total[static_cast<int>(key >> 32)];
    }
    prob_.clear();
    // Every (context, code) seen for the context's letter gets a smoothed value.
    for (int letter = 0; letter < num_letters_; ++letter) {
      for (int pc = 0; pc < UrduLatinModel::kPrevClasses; ++pc) {
        for (int nc = 0; nc < UrduLatinModel::kNextClasses; ++nc) {
          const int ctx = UrduLatinModel::Context(letter, pc, nc);
          const double total = ctx_total.contains(ctx) ? ctx_total[ctx] : 0.0;
          const double lambda = total / (total + kContextWeight);
          for (const auto& [key, lp] : letter_prob_) {
            if (static_cast<int>(key >> 32) != letter) continue;
            const int code = static_cast<int>(key & 0xFFFFFFFF);
            auto it = counts_.find(Key(ctx, code));
            const double pc_hat = total > 0 && it != counts_.end() ? it->second / total : 0.0;
            const double p = lambda * pc_hat + (1 - lambda) * lp;
            if (p > kFloor) prob_[Key(ctx, code)] = p;
          }
        }
      }
    }
    counts_.clear();
    first_ = false;
  }

  double TakeLogLikelihood() {
    const double l = log_likelihood_;
    log_likelihood_ = 0;
    return l;
  }

  void Write(std::FILE* out, const std::vector<char32_t>& letters) const {
    std::map<std::tuple<int, int, int, int>, double> sorted;
    for (const auto& [key, p] : prob_) {
      const int ctx = static_cast<int>(key >> 32);
      const int code = static_cast<int>(key & 0xFFFFFFFF);
      if (p < 1e-4) continue;
      const int letter = LetterOf(ctx);
      const int rest = ctx % (UrduLatinModel::kPrevClasses * UrduLatinModel::kNextClasses);
      sorted[{letter, rest / UrduLatinModel::kNextClasses, rest % UrduLatinModel::kNextClasses,
              code}] = p;
    }
    for (const auto& [key, p] : letter_prob_) {
      if (p < 1e-5) continue;
      sorted[{static_cast<int>(key >> 32), -1, -1, static_cast<int>(key & 0xFFFFFFFF)}] = p;
    }
    for (const auto& [k, p] : sorted) {
      const auto [letter, pc, nc, code] = k;
      if (letter == 0) continue;
      const std::string latin = names::LatinOfCode(code);
      if (pc < 0) {
        absl::FPrintF(out, "%04X\t*\t*\t%s\t%.4f\n", static_cast<uint32_t>(letters[letter]),
                      latin.empty() ? "-" : latin, std::log(p));
      } else {
        absl::FPrintF(out, "%04X\t%d\t%d\t%s\t%.4f\n", static_cast<uint32_t>(letters[letter]), pc,
                      nc, latin.empty() ? "-" : latin, std::log(p));
      }
    }
  }

 private:
  static uint64_t Key(int ctx, int code) {
    return (static_cast<uint64_t>(ctx) << 32) | static_cast<uint32_t>(code);
  }
  static int LetterOf(int ctx) {
    return ctx / (UrduLatinModel::kPrevClasses * UrduLatinModel::kNextClasses);
  }
  static int Code(const std::string& s, size_t j, size_t k) {
    return UrduLatinModel::Code(std::string_view(s).substr(j, k));
  }
  double Initial(int ctx, int code) const {
    const std::string s = names::LatinOfCode(code);
    const std::string& seed = seed_[LetterOf(ctx)];
    if (s.empty()) return seed.empty() ? 0.2 : 0.01;
    if (!seed.empty() && s.compare(0, seed.size(), seed) == 0 &&
        IsVowelString(s.substr(seed.size()))) {
      return s.size() == seed.size() ? 0.3 : 0.05;
    }
    if (IsVowelString(s)) return 0.02;
    return 1e-4;
  }

  int num_letters_;
  bool first_ = true;
  std::vector<std::string> seed_;
  absl::flat_hash_map<uint64_t, double> counts_;
  absl::flat_hash_map<uint64_t, double> prob_;
  absl::flat_hash_map<uint64_t, double> letter_prob_;
  double log_likelihood_ = 0;
};

int Run(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: train_urdu_latin <shared data dir> <output.tsv>\n");
    return 2;
  }
  auto lex = dakshina::ReadLexicon(dakshina::DefaultLexiconPath(argv[1]));
  if (!lex.ok()) {
    std::fprintf(stderr, "train_urdu_latin: %s\n", lex.status().ToString().c_str());
    return 1;
  }
  std::vector<char32_t> letters{0};
  absl::flat_hash_map<char32_t, int> letter_ids;
  std::vector<Pair> pairs;
  for (const auto& word : lex->train) {
    auto folded = names::FoldName(word.urdu);
    if (!folded.ok()) continue;
    std::u32string u;
    for (char32_t cp : *folded) {
      if (names::IsArabicLetter(cp)) u.push_back(cp);
    }
    if (u.empty() || u.size() > UrduLatinModel::kMaxUrdu) continue;
    Pair base;
    for (size_t i = 0; i < u.size(); ++i) {
      auto [it, inserted] = letter_ids.try_emplace(u[i], static_cast<int>(letters.size()));
      if (inserted) letters.push_back(u[i]);
      base.letters.push_back(it->second);
      base.contexts.push_back(UrduLatinModel::Context(it->second, UrduLatinModel::PrevClass(u, i),
                                                      UrduLatinModel::NextClass(u, i)));
    }
    for (const auto& r : word.romanisations) {
      if (r.latin.size() > UrduLatinModel::kMaxLatin || r.latin.size() > 3 * u.size()) continue;
      Pair p = base;
      p.latin = r.latin;
      p.weight = r.count;
      pairs.push_back(std::move(p));
    }
  }
  if (letters.size() > UrduLatinModel::kMaxLetters) {
    std::fprintf(stderr, "train_urdu_latin: too many distinct letters\n");
    return 1;
  }
  Trainer trainer(static_cast<int>(letters.size()));
  std::vector<std::string> seeds(letters.size());
  for (size_t i = 1; i < letters.size(); ++i) {
    auto it = Seeds().find(letters[i]);
    if (it != Seeds().end()) seeds[i] = it->second;
  }
  trainer.SetSeeds(seeds);
  for (int iter = 0; iter < kIterations; ++iter) {
    for (const Pair& p : pairs) trainer.Accumulate(p);
    std::fprintf(stderr, "iteration %d: log-likelihood %.1f over %zu pairs\n", iter,
                 trainer.TakeLogLikelihood(), pairs.size());
    trainer.Maximise();
  }
  std::FILE* out = std::fopen(argv[2], "w");
  if (out == nullptr) {
    std::fprintf(stderr, "train_urdu_latin: cannot write %s\n", argv[2]);
    return 1;
  }
  std::fprintf(out,
               "# Urdu->Latin emission model for liaison (names/urdu_latin_model.h).\n"
               "# Generated by tools/train_urdu_latin from the training part of the Dakshina\n"
               "# Urdu lexicon (Roark et al., LREC 2020), licensed CC BY-SA 4.0; this table is\n"
               "# a derived work under the same licence. Held-out words excluded.\n"
               "# letter(hex)\tprev_class\tnext_class\tlatin\tln_prob\n");
  trainer.Write(out, letters);
  std::fclose(out);
  return 0;
}

}  // namespace
}  // namespace liaison

int main(int argc, char** argv) { return liaison::Run(argc, argv); }
