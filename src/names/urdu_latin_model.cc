#include "names/urdu_latin_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "names/urdu_latin_model_data.h"

namespace liaison::names {
namespace {

constexpr float kFloorLogProb = -16.0f;   // about 1e-7
constexpr float kBackoffPenalty = -1.2f;  // a backoff-only emission is less trusted
constexpr double kImpossible = -1e9;

// log(exp(a) + exp(b)), with log1p(exp(-x)) read from a table (step 1/64,
// error below 0.01 nats): exp and log1p dominated the forward pass.
struct LogAddTable {
  static constexpr int kSteps = 64;
  static constexpr int kSize = 16 * kSteps;
  float values[kSize];
  LogAddTable() {
    for (int i = 0; i < kSize; ++i) {
      values[i] = static_cast<float>(std::log1p(std::exp(-(i + 0.5) / kSteps)));
    }
  }
};

double LogAdd(double a, double b) {
  static const LogAddTable* const table = new LogAddTable();
  if (a < b) std::swap(a, b);
  if (b <= kImpossible) return a;
  const double d = a - b;
  if (d >= 16.0) return a;
  return a + table->values[static_cast<int>(d * LogAddTable::kSteps)];
}

}  // namespace

int UrduLatinModel::Code(std::string_view s) {
  if (s.size() > 3) return -1;
  for (char c : s) {
    if (c < 'a' || c > 'z') return -1;
  }
  switch (s.size()) {
    case 0:
      return 0;
    case 1:
      return 1 + (s[0] - 'a');
    case 2:
      return 27 + (s[0] - 'a') * 26 + (s[1] - 'a');
    default:
      return kCodesUpTo2 + ((s[0] - 'a') * 26 + (s[1] - 'a')) * 26 + (s[2] - 'a');
  }
}

std::string LatinOfCode(int code) {
  std::string s;
  if (code <= 0) return s;
  if (code < 27) return std::string(1, static_cast<char>('a' + code - 1));
  if (code < UrduLatinModel::kCodesUpTo2) {
    code -= 27;
    s.push_back(static_cast<char>('a' + code / 26));
    s.push_back(static_cast<char>('a' + code % 26));
    return s;
  }
  code -= UrduLatinModel::kCodesUpTo2;
  s.push_back(static_cast<char>('a' + code / 676));
  s.push_back(static_cast<char>('a' + (code / 26) % 26));
  s.push_back(static_cast<char>('a' + code % 26));
  return s;
}

bool UrduLatinModel::IsVowelCarrier(char32_t cp) {
  switch (cp) {
    case 0x0627:  // alef
    case 0x0622:  // alef madda
    case 0x0648:  // waw
    case 0x06CC:  // yeh
    case 0x06D2:  // yeh barree
    case 0x0639:  // ain
    case 0x0626:  // yeh with hamza
    case 0x0621:  // hamza
      return true;
    default:
      return false;
  }
}

int UrduLatinModel::PrevClass(std::u32string_view word, size_t i) {
  if (i == 0) return 0;
  return IsVowelCarrier(word[i - 1]) ? 1 : 2;
}

int UrduLatinModel::NextClass(std::u32string_view word, size_t i) {
  if (i + 1 >= word.size()) return 0;
  const char32_t next = word[i + 1];
  if (next == 0x06BE) return 3;  // do-chashmi he: aspiration
  return IsVowelCarrier(next) ? 1 : 2;
}

int UrduLatinModel::LetterId(char32_t cp) const {
  auto it = letter_ids_.find(cp);
  return it == letter_ids_.end() ? 0 : it->second;
}

float UrduLatinModel::EmissionLogProb(int context, int code) const {
  if (code < kCodesUpTo2) return dense_[static_cast<size_t>(context) * kCodesUpTo2 + code];
  auto it = long_.find((static_cast<uint32_t>(context) << 16) | (code - kCodesUpTo2));
  if (it != long_.end()) return it->second;
  return floor_[context];
}

absl::StatusOr<std::unique_ptr<UrduLatinModel>> UrduLatinModel::FromTable(std::string_view tsv) {
  struct Entry {
    char32_t letter;
    int prev;  // -1 for the letter-level backoff
    int next;
    int code;
    float log_prob;
  };
  std::vector<Entry> entries;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(absl::string_view(tsv.data(), tsv.size()), '\n')) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    auto bad = [&] {
      return absl::InvalidArgumentError(absl::StrCat("model table line ", line_no, " malformed"));
    };
    if (f.size() != 5) return bad();
    uint32_t cp;
    if (!absl::SimpleHexAtoi(f[0], &cp) || cp > 0x10FFFF) return bad();
    Entry e{static_cast<char32_t>(cp), -1, -1, 0, 0};
    if (f[1] != "*") {
      if (!absl::SimpleAtoi(f[1], &e.prev) || e.prev < 0 || e.prev >= kPrevClasses) return bad();
      if (!absl::SimpleAtoi(f[2], &e.next) || e.next < 0 || e.next >= kNextClasses) return bad();
    }
    e.code = Code(f[3] == "-" ? std::string_view() : std::string_view(f[3].data(), f[3].size()));
    if (e.code < 0) return bad();
    if (!absl::SimpleAtof(f[4], &e.log_prob) || !(e.log_prob <= 0)) return bad();
    entries.push_back(e);
  }
  auto model = std::unique_ptr<UrduLatinModel>(new UrduLatinModel());
  model->letters_.push_back(0);
  for (const Entry& e : entries) {
    if (!model->letter_ids_.contains(e.letter)) {
      if (model->letters_.size() >= kMaxLetters) {
        return absl::InvalidArgumentError("model table has too many letters");
      }
      model->letter_ids_[e.letter] = static_cast<int>(model->letters_.size());
      model->letters_.push_back(e.letter);
    }
  }
  const int num_letters = static_cast<int>(model->letters_.size());
  const int contexts = num_letters * kPrevClasses * kNextClasses;
  // Letter-level backoff first, then context entries override it.
  std::vector<float> backoff(static_cast<size_t>(num_letters) * kCodesUpTo2, kFloorLogProb);
  absl::flat_hash_map<uint32_t, float> backoff_long;
  for (const Entry& e : entries) {
    if (e.prev >= 0) continue;
    const int letter = model->letter_ids_[e.letter];
    if (e.code < kCodesUpTo2) {
      backoff[static_cast<size_t>(letter) * kCodesUpTo2 + e.code] = e.log_prob;
    } else {
      backoff_long[(static_cast<uint32_t>(letter) << 16) | (e.code - kCodesUpTo2)] = e.log_prob;
    }
  }
  model->dense_.assign(static_cast<size_t>(contexts) * kCodesUpTo2, kFloorLogProb);
  model->floor_.assign(contexts, kFloorLogProb);
  for (int letter = 0; letter < num_letters; ++letter) {
    for (int p = 0; p < kPrevClasses; ++p) {
      for (int n = 0; n < kNextClasses; ++n) {
        const int ctx = Context(letter, p, n);
        for (int code = 0; code < kCodesUpTo2; ++code) {
          const float b = backoff[static_cast<size_t>(letter) * kCodesUpTo2 + code];
          model->dense_[static_cast<size_t>(ctx) * kCodesUpTo2 + code] =
              std::max(kFloorLogProb, b + kBackoffPenalty);
        }
      }
    }
  }
  for (const auto& [key, lp] : backoff_long) {
    const int letter = static_cast<int>(key >> 16);
    for (int p = 0; p < kPrevClasses; ++p) {
      for (int n = 0; n < kNextClasses; ++n) {
        const uint32_t ctx = static_cast<uint32_t>(Context(letter, p, n));
        model->long_[(ctx << 16) | (key & 0xFFFF)] = std::max(kFloorLogProb, lp + kBackoffPenalty);
      }
    }
  }
  for (const Entry& e : entries) {
    if (e.prev < 0) continue;
    const int ctx = Context(model->letter_ids_[e.letter], e.prev, e.next);
    if (e.code < kCodesUpTo2) {
      model->dense_[static_cast<size_t>(ctx) * kCodesUpTo2 + e.code] = e.log_prob;
    } else {
      model->long_[(static_cast<uint32_t>(ctx) << 16) | (e.code - kCodesUpTo2)] = e.log_prob;
    }
  }
  // Candidate emissions for beam search.
  model->top_.resize(contexts);
  for (int ctx = 0; ctx < contexts; ++ctx) {
    auto& top = model->top_[ctx];
    for (int code = 0; code < kCodesUpTo2; ++code) {
      const float lp = model->dense_[static_cast<size_t>(ctx) * kCodesUpTo2 + code];
      if (lp > -7.0f) top.push_back({code, lp});
    }
  }
  for (const auto& [key, lp] : model->long_) {
    if (lp > -7.0f) model->top_[key >> 16].push_back({kCodesUpTo2 + (key & 0xFFFF), lp});
  }
  for (auto& top : model->top_) {
    std::sort(top.begin(), top.end(), [](auto& a, auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    if (top.size() > 10) top.resize(10);
  }
  return model;
}

const UrduLatinModel& UrduLatinModel::Default() {
  static const UrduLatinModel* const model = [] {
    auto m = FromTable(kUrduLatinModelTable);
    // The table is compiled in and checked by a test; an empty model keeps
    // matching working (with floor probabilities) should it ever be broken.
    if (!m.ok()) m = FromTable("");
    return m->release();
  }();
  return *model;
}

double UrduLatinModel::LogProb(std::u32string_view urdu, std::string_view latin_in) const {
  char latin[kMaxLatin];
  size_t m = 0;
  for (char c : latin_in) {
    if (c >= 'a' && c <= 'z' && m < kMaxLatin) latin[m++] = c;
  }
  if (urdu.size() > kMaxUrdu) urdu = urdu.substr(0, kMaxUrdu);
  const size_t n = urdu.size();
  if (n == 0) return m == 0 ? 0.0 : kImpossible;
  // alpha[j] over Latin prefix length, rolled over Urdu positions.
  double alpha[kMaxLatin + 1];
  double next[kMaxLatin + 1];
  std::fill(alpha, alpha + m + 1, kImpossible);
  alpha[0] = 0;
  for (size_t i = 0; i < n; ++i) {
    std::fill(next, next + m + 1, kImpossible);
    const int ctx = Context(LetterId(urdu[i]), PrevClass(urdu, i), NextClass(urdu, i));
    const float* dense = &dense_[static_cast<size_t>(ctx) * kCodesUpTo2];
    for (size_t j = 0; j <= m; ++j) {
      const double a = alpha[j];
      if (a <= kImpossible) continue;
      next[j] = LogAdd(next[j], a + dense[0]);
      if (j + 1 <= m) {
        const int c1 = latin[j] - 'a';
        next[j + 1] = LogAdd(next[j + 1], a + dense[1 + c1]);
        if (j + 2 <= m) {
          const int c2 = latin[j + 1] - 'a';
          next[j + 2] = LogAdd(next[j + 2], a + dense[27 + c1 * 26 + c2]);
          if (j + 3 <= m) {
            const int c3 = latin[j + 2] - 'a';
            next[j + 3] = LogAdd(next[j + 3],
                                 a + EmissionLogProb(ctx, kCodesUpTo2 + (c1 * 26 + c2) * 26 + c3));
          }
        }
      }
    }
    std::copy(next, next + m + 1, alpha);
  }
  return alpha[m];
}

std::vector<UrduLatinModel::Romanisation> UrduLatinModel::Romanise(std::u32string_view urdu,
                                                                   int n) const {
  // Beam search over fixed-size hypotheses: no allocation per expansion.
  constexpr size_t kBeam = 8;
  constexpr size_t kExpand = 6;  // emissions tried per letter
  struct Hyp {
    char text[kMaxLatin];
    uint8_t len;
    double log_prob;
    uint64_t hash;
  };
  if (urdu.size() > kMaxUrdu) urdu = urdu.substr(0, kMaxUrdu);
  std::array<Hyp, kBeam> beam_storage;
  std::array<Hyp, kBeam * kExpand> grown;
  size_t beam_size = 1;
  beam_storage[0].len = 0;
  beam_storage[0].log_prob = 0;
  beam_storage[0].hash = 1469598103934665603ULL;
  for (size_t i = 0; i < urdu.size(); ++i) {
    const int ctx = Context(LetterId(urdu[i]), PrevClass(urdu, i), NextClass(urdu, i));
    const auto& emissions = top_[ctx];
    const size_t ne = std::min(emissions.size(), kExpand);
    if (ne == 0) continue;  // a letter the model cannot read: skip it
    size_t count = 0;
    for (size_t b = 0; b < beam_size; ++b) {
      const Hyp& h = beam_storage[b];
      for (size_t e = 0; e < ne; ++e) {
        const auto [code, lp] = emissions[e];
        char emitted[3];
        int elen = 0;
        if (code > 0) {
          if (code < 27) {
            emitted[elen++] = static_cast<char>('a' + code - 1);
          } else if (code < kCodesUpTo2) {
            emitted[elen++] = static_cast<char>('a' + (code - 27) / 26);
            emitted[elen++] = static_cast<char>('a' + (code - 27) % 26);
          } else {
            const int c = code - kCodesUpTo2;
            emitted[elen++] = static_cast<char>('a' + c / 676);
            emitted[elen++] = static_cast<char>('a' + (c / 26) % 26);
            emitted[elen++] = static_cast<char>('a' + c % 26);
          }
        }
        if (h.len + elen > static_cast<int>(kMaxLatin)) continue;
        Hyp g;
        std::memcpy(g.text, h.text, h.len);
        uint64_t hash = h.hash;
        for (int k = 0; k < elen; ++k) {
          g.text[h.len + k] = emitted[k];
          hash = (hash ^ static_cast<uint8_t>(emitted[k])) * 1099511628211ULL;
        }
        g.len = static_cast<uint8_t>(h.len + elen);
        g.hash = hash;
        g.log_prob = h.log_prob + lp;
        // Different cuts can spell the same string: sum them.
        bool merged = false;
        for (size_t k = 0; k < count; ++k) {
          Hyp& o = grown[k];
          if (o.hash == g.hash && o.len == g.len && std::memcmp(o.text, g.text, g.len) == 0) {
            o.log_prob = LogAdd(o.log_prob, g.log_prob);
            merged = true;
            break;
          }
        }
        if (!merged) grown[count++] = g;
      }
    }
    const size_t keep = std::min(count, kBeam);
    std::partial_sort(grown.begin(), grown.begin() + keep, grown.begin() + count,
                      [](const Hyp& a, const Hyp& b) { return a.log_prob > b.log_prob; });
    std::copy(grown.begin(), grown.begin() + keep, beam_storage.begin());
    beam_size = keep;
  }
  std::vector<Romanisation> out;
  const size_t want = std::min(beam_size, static_cast<size_t>(std::max(n, 0)));
  out.reserve(want);
  for (size_t k = 0; k < want; ++k) {
    out.push_back(
        {std::string(beam_storage[k].text, beam_storage[k].len), beam_storage[k].log_prob});
  }
  return out;
}

}  // namespace liaison::names
