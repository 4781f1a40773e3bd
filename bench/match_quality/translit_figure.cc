#include "translit_figure.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "dakshina/dakshina_lexicon.h"
#include "names/name_token.h"
#include "names/script_fold.h"
#include "names/string_metrics.h"
#include "names/urdu_latin_model.h"
#include "names/utf8.h"
#include "unicode/translit.h"
#include "unicode/unistr.h"

namespace liaison::bench {
namespace {

struct Task {
  std::vector<std::u32string> urdu;  // folded letters
  std::vector<std::string> urdu_raw;
  std::vector<std::string> candidates;            // distinct Latin forms
  std::vector<absl::flat_hash_set<int>> correct;  // per word, candidate indices
};

// Ranks every candidate for every word with `score` (higher is better) and
// counts how often a correct one is first / in the first five. Ties are
// broken against the word (a correct candidate must beat every wrong one).
RankingFigure Rank(
    const Task& task, const std::string& name, int threads,
    const std::function<std::unique_ptr<std::function<double(size_t, size_t)>>()>& make_scorer) {
  std::vector<int> rank_of_best(task.urdu.size(), 0);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto score = make_scorer();
      std::vector<double> s(task.candidates.size());
      for (size_t w = t; w < task.urdu.size(); w += threads) {
        double best_correct = -1e300;
        for (size_t c = 0; c < task.candidates.size(); ++c) {
          s[c] = (*score)(w, c);
          if (task.correct[w].contains(static_cast<int>(c)))
            best_correct = std::max(best_correct, s[c]);
        }
        int better = 0;
        for (size_t c = 0; c < task.candidates.size(); ++c) {
          if (!task.correct[w].contains(static_cast<int>(c)) && s[c] >= best_correct) ++better;
        }
        rank_of_best[w] = better;
      }
    });
  }
  for (auto& th : pool) th.join();
  RankingFigure f;
  f.system = name;
  f.words = task.urdu.size();
  f.candidates = task.candidates.size();
  size_t top1 = 0, top5 = 0;
  for (int r : rank_of_best) {
    top1 += r == 0;
    top5 += r < 5;
  }
  f.top1 = static_cast<double>(top1) / f.words;
  f.top5 = static_cast<double>(top5) / f.words;
  return f;
}

}  // namespace

absl::StatusOr<TranslitFigures> MeasureTranslit(const std::string& shared_data_dir, int threads,
                                                bool dev) {
  auto lex = dakshina::ReadLexicon(dakshina::DefaultLexiconPath(shared_data_dir));
  if (!lex.ok()) return lex.status();
  // The development set: 2,500 training words (the first in hash order
  // after the held-out ones), for choosing matcher settings without ever
  // looking at the held-out words. The model has seen these words, so its
  // own figure on them is optimistic.
  std::vector<dakshina::Word> dev_words;
  if (dev) {
    dev_words.assign(lex->train.begin(),
                     lex->train.begin() + std::min(lex->train.size(), dakshina::kHeldOutWords));
  }
  const std::vector<dakshina::Word>& words = dev ? dev_words : lex->held_out;
  Task task;
  absl::flat_hash_map<std::string, int> candidate_index;
  for (const auto& word : words) {
    auto folded = names::FoldName(word.urdu);
    if (!folded.ok()) return folded.status();
    std::u32string u;
    for (char32_t cp : *folded) {
      if (names::IsArabicLetter(cp)) u.push_back(cp);
    }
    absl::flat_hash_set<int> correct;
    for (const auto& r : word.romanisations) {
      auto [it, inserted] =
          candidate_index.try_emplace(r.latin, static_cast<int>(task.candidates.size()));
      if (inserted) task.candidates.push_back(r.latin);
      correct.insert(it->second);
    }
    task.urdu.push_back(std::move(u));
    task.urdu_raw.push_back(word.urdu);
    task.correct.push_back(std::move(correct));
  }
  TranslitFigures out;
  const names::UrduLatinModel& model = names::UrduLatinModel::Default();
  if (!dev)
    out.liaison_model = Rank(task, "liaison pair model (log P(latin | urdu))", threads, [&] {
      return std::make_unique<std::function<double(size_t, size_t)>>(
          [&](size_t w, size_t c) { return model.LogProb(task.urdu[w], task.candidates[c]); });
    });

  // Token similarity of the person matcher: prepare both sides once.
  {
    std::vector<names::TokenForms> urdu_forms(task.urdu.size()), cands(task.candidates.size());
    for (size_t w = 0; w < task.urdu.size(); ++w) {
      urdu_forms[w] = names::TokenForms::FromUrdu(task.urdu[w], model);
    }
    for (size_t c = 0; c < task.candidates.size(); ++c) {
      cands[c] = names::TokenForms::FromLatin(task.candidates[c]);
    }
    out.liaison_matcher = Rank(task, "liaison matcher token similarity", threads, [&] {
      return std::make_unique<std::function<double(size_t, size_t)>>([&](size_t w, size_t c) {
        return names::TokenSimilarity(urdu_forms[w], cands[c], &model);
      });
    });
  }

  if (dev) return out;
  // Peer: ICU Any-Latin on the Urdu word, Jaro-Winkler against each form;
  // also with Latin-ASCII after it (the candidates have no diacritics).
  std::vector<std::u32string> cand32(task.candidates.size());
  for (size_t c = 0; c < task.candidates.size(); ++c) {
    cand32[c] = std::u32string(task.candidates[c].begin(), task.candidates[c].end());
  }
  for (const bool ascii : {false, true}) {
    std::vector<std::u32string> peer_latin(task.urdu.size());
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> any_latin(icu::Transliterator::createInstance(
        ascii ? "Any-Latin; Latin-ASCII" : "Any-Latin", UTRANS_FORWARD, status));
    if (U_FAILURE(status)) return absl::InternalError("ICU Any-Latin unavailable");
    for (size_t w = 0; w < task.urdu.size(); ++w) {
      icu::UnicodeString s = icu::UnicodeString::fromUTF8(task.urdu_raw[w]);
      any_latin->transliterate(s);
      s.toLower();
      std::string utf8;
      s.toUTF8String(utf8);
      (void)names::DecodeUtf8(utf8, &peer_latin[w]);
    }
    RankingFigure f = Rank(
        task,
        ascii ? "peer: ICU Any-Latin; Latin-ASCII + Jaro-Winkler"
              : "peer: ICU Any-Latin + Jaro-Winkler",
        threads, [&] {
          return std::make_unique<std::function<double(size_t, size_t)>>([&](size_t w, size_t c) {
            return names::JaroWinklerSimilarity(peer_latin[w], cand32[c]);
          });
        });
    (ascii ? out.peer_ascii : out.peer) = f;
  }
  return out;
}

}  // namespace liaison::bench
