#include "match/matcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "names/string_metrics.h"

namespace liaison::match {
namespace {

using names::TokenRole;
using namespace points;  // NOLINT(google-build-using-namespace): the model's constants

// Points are log-odds units. The constants below are the whole scoring
// model; docs/matching.md explains each.
constexpr double kPairMin = 0.80;   // below this, two tokens do not pair
constexpr double kSimFloor = 0.80;  // f(sim) = (sim - floor) / span, clamped to [0, 1]
constexpr double kSimSpan = 0.14;
constexpr double kConflictFactor = 0.55;  // both sides have a token, they differ
constexpr double kMissingFactor = 0.15;
constexpr double kDobNeedsName =
    2.0;  // name points below which date points shrink   // one side has an extra token
constexpr double kNoNameMatch = -8.0;
constexpr double kFatherMin = -3.0;
constexpr size_t kMaxTokens = names::kMaxNameTokens;
constexpr size_t kMaxNamePairs = 16;

double SimFactor(double sim) { return std::clamp((sim - kSimFloor) / kSimSpan, 0.0, 1.0); }

double DatePoints(names::DateAgreement d) {
  using names::DateAgreement;
  switch (d) {
    case DateAgreement::kUnknown:
      return 0;
    case DateAgreement::kExact:
      return kDobMax;
    case DateAgreement::kSameYearMonth:
      return 3.5;
    case DateAgreement::kSameYear:
      return 2.0;
    case DateAgreement::kPlaceholderSameYear:
      return 2.0;
    case DateAgreement::kDayMonthSwapped:
      return 3.5;
    case DateAgreement::kYearDigitsSwapped:
      return 2.5;
    case DateAgreement::kDayDiffers:
      return 1.0;
    case DateAgreement::kOffByOneYear:
      return 3.0;
    case DateAgreement::kYearOffByOne:
      return 0.3;
    case DateAgreement::kMonthDiffers:
      return kDobMonthDiffers;
    case DateAgreement::kNearYear:
      return kDobNearYear;
    case DateAgreement::kConflict:
      return kDobConflict;
  }
  return 0;
}

std::string FormatDate(const names::BirthDate& d) {
  if (d.empty()) return "";
  if (d.month == 0) return absl::StrFormat("%04d", d.year);
  if (d.day == 0) return absl::StrFormat("%04d-%02d", d.year, d.month);
  return absl::StrFormat("%04d-%02d-%02d", d.year, d.month, d.day);
}

bool IsLatinKeyPrefix(const names::TokenForms& initial, const names::TokenForms& t) {
  if (initial.num_forms == 0 || initial.keys[0].empty()) return false;
  const char c = initial.keys[0].view()[0];
  for (int i = 0; i < t.num_forms; ++i) {
    if (!t.keys[i].empty() && t.keys[i].view()[0] == c) return true;
  }
  return false;
}

// True when two identity numbers differ by one edit (a typo).
bool WithinOneEdit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (a.size() == b.size()) {
    if (i == a.size()) return true;
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  return a.substr(i) == b.substr(i + 1);  // insertion
}

// What token comparisons need: the Urdu model, and optionally a memo of
// similarities already computed for this query.
struct Sim {
  const names::UrduLatinModel* model = nullptr;
  SimilarityCache* cache = nullptr;
};

double ComputeSimilarity(const PreparedToken& a, const PreparedToken& b,
                         const names::UrduLatinModel* model, double at_least) {
  const bool ia = a->role == TokenRole::kInitial, ib = b->role == TokenRole::kInitial;
  if (ia || ib) {
    if (ia && ib) return a->forms.keys[0] == b->forms.keys[0] ? 0.9 : 0.0;
    return ia ? (IsLatinKeyPrefix(a->forms, b->forms) ? 0.9 : 0.0)
              : (IsLatinKeyPrefix(b->forms, a->forms) ? 0.9 : 0.0);
  }
  double s = names::TokenSimilarityAtLeast(a->forms, b->forms, at_least, model);
  if (a->forms.from_arabic_script && b->forms.from_arabic_script) {
    s = std::max(s, names::JaroWinklerSimilarity(a->forms.arabic, b->forms.arabic));
  }
  return s;
}

// Similarity of two tokens; below `at_least` the value is only known to be
// below it.
double PairSimilarity(const PreparedToken& a, const PreparedToken& b, const Sim& sim,
                      double at_least = 0.0) {
  if (sim.cache == nullptr) return ComputeSimilarity(a, b, sim.model, at_least);
  return sim.cache->Get(a.get(), b.get(), static_cast<float>(at_least), [&] {
    return static_cast<float>(ComputeSimilarity(a, b, sim.model, at_least));
  });
}

std::string HowMatched(const PreparedToken& a, const PreparedToken& b, double sim) {
  if (a->role == TokenRole::kInitial || b->role == TokenRole::kInitial) return "initial";
  if (a->role == TokenRole::kTitle && b->role == TokenRole::kTitle) return "title";
  if (a->forms.from_arabic_script != b->forms.from_arabic_script) return "transliteration";
  if (sim >= 0.999) return "exact";
  return a->forms.from_arabic_script ? "Urdu spelling variant" : "spelling variant";
}

struct NameOutcome {
  double points = 0;
};

// Scores the own-name tokens of two names. `other_relative_*` are the
// father's/husband's name tokens of the other side, which Pakistani records
// often write into the name itself.
double NamePoints(const std::vector<PreparedToken>& A, const std::vector<PreparedToken>& B,
                  const std::vector<PreparedToken>& relative_of_b,
                  const std::vector<PreparedToken>& relative_of_a, const Sim& model,
                  MatchExplanation* ex) {
  const size_t n = std::min(A.size(), kMaxTokens);
  const size_t m = std::min(B.size(), kMaxTokens);
  if (n == 0 || m == 0) return kNoNameMatch;
  std::array<std::array<float, kMaxTokens>, kMaxTokens> sim;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < m; ++j) {
      sim[i][j] = static_cast<float>(PairSimilarity(A[i], B[j], model, kPairMin));
    }
  }
  std::array<bool, kMaxTokens> used_a{}, used_b{};
  double points = 0;
  int name_pairs = 0;
  // Greedy pairing, most similar first; heavier tokens win ties.
  while (true) {
    double best = kPairMin;
    size_t bi = n, bj = m;
    for (size_t i = 0; i < n; ++i) {
      if (used_a[i]) continue;
      for (size_t j = 0; j < m; ++j) {
        if (used_b[j]) continue;
        const double s = sim[i][j] + 1e-4 * std::min(A[i]->weight, B[j]->weight);
        if (s > best) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi == n) break;
    used_a[bi] = used_b[bj] = true;
    const PreparedToken& ta = A[bi];
    const PreparedToken& tb = B[bj];
    const double s = sim[bi][bj];
    double p;
    if (ta->role == TokenRole::kInitial || tb->role == TokenRole::kInitial) {
      p = kInitialPoints;
    } else if (ta->role == TokenRole::kTitle || tb->role == TokenRole::kTitle) {
      p = ta->role == tb->role ? kTitlePoints
                               : kNameScale * std::min(ta->weight, tb->weight) * SimFactor(s) * 0.5;
    } else {
      p = kNameScale * std::min(ta->weight, tb->weight) * SimFactor(s);
      ++name_pairs;
    }
    points += p;
    if (ex != nullptr) ex->tokens.push_back({ta->text, tb->text, s, HowMatched(ta, tb, s), p});
  }
  // Unpaired own-name tokens: the other's father's name written in the name,
  // a joined compound, a conflict, or a missing part.
  auto relative_bonus = [&](const PreparedToken& t, const std::vector<PreparedToken>& relative,
                            bool a_side) {
    for (const PreparedToken& r : relative) {
      const double s = PairSimilarity(t, r, model, 0.88);
      if (s >= 0.88) {
        const double p = kRelativeInName * kNameScale * std::min(t->weight, r->weight);
        if (ex != nullptr) {
          ex->tokens.push_back({a_side ? t->text : r->text, a_side ? r->text : t->text, s,
                                "father's name in the name", p});
        }
        return p;
      }
    }
    return -1.0;
  };
  std::array<bool, kMaxTokens> done_a{}, done_b{};
  // Only worth looking when the names agree somewhere and the side whose
  // token is unpaired has no father's name of its own.
  if (name_pairs > 0) {
    if (relative_of_a.empty()) {
      for (size_t i = 0; i < n; ++i) {
        if (used_a[i] || A[i]->role != TokenRole::kName) continue;
        const double p = relative_bonus(A[i], relative_of_b, true);
        if (p >= 0) {
          points += p;
          done_a[i] = true;
        }
      }
    }
    if (relative_of_b.empty()) {
      for (size_t j = 0; j < m; ++j) {
        if (used_b[j] || B[j]->role != TokenRole::kName) continue;
        const double p = relative_bonus(B[j], relative_of_a, false);
        if (p >= 0) {
          points += p;
          done_b[j] = true;
        }
      }
    }
  }
  // Joined compounds: one token on one side equal to two adjacent on the other.
  auto try_join = [&](const std::vector<PreparedToken>& X, std::array<bool, kMaxTokens>& ux,
                      std::array<bool, kMaxTokens>& dx, size_t nx,
                      const std::vector<PreparedToken>& Y, std::array<bool, kMaxTokens>& uy,
                      std::array<bool, kMaxTokens>& dy, size_t ny, bool x_is_a) {
    for (size_t i = 0; i < nx; ++i) {
      if (ux[i] || dx[i] || X[i]->role != TokenRole::kName || X[i]->forms.from_arabic_script)
        continue;
      for (size_t j = 0; j + 1 < ny; ++j) {
        if (uy[j] || uy[j + 1] || dy[j] || dy[j + 1] || Y[j]->forms.from_arabic_script ||
            Y[j + 1]->forms.from_arabic_script) {
          continue;
        }
        const std::string_view y1 = Y[j]->forms.keys[0].view();
        const std::string_view y2 = Y[j + 1]->forms.keys[0].view();
        const std::string_view x = X[i]->forms.keys[0].view();
        // Cheap necessary conditions before building the joined form.
        if (y1.empty() || x.empty() || x[0] != y1[0] || x.size() + 2 < y1.size() + y2.size()) {
          continue;
        }
        std::string joined(y1);
        joined += y2;
        const names::TokenForms jf = names::TokenForms::FromLatin(joined);
        const double s = names::TokenSimilarity(X[i]->forms, jf, model.model);
        if (s < 0.92) continue;
        const double p = kNameScale * X[i]->weight * SimFactor(s);
        points += p;
        dx[i] = dy[j] = dy[j + 1] = true;
        ++name_pairs;
        if (ex != nullptr) {
          const std::string y = Y[j]->text + " " + Y[j + 1]->text;
          ex->tokens.push_back({x_is_a ? X[i]->text : y, x_is_a ? y : X[i]->text, s, "joined", p});
        }
        break;
      }
    }
  };
  bool any_a = false, any_b = false;
  for (size_t i = 0; i < n; ++i)
    any_a |= !used_a[i] && !done_a[i] && A[i]->role == TokenRole::kName;
  for (size_t j = 0; j < m; ++j)
    any_b |= !used_b[j] && !done_b[j] && B[j]->role == TokenRole::kName;
  if (any_a && any_b && (name_pairs > 0 || n == 1 || m == 1)) {
    try_join(A, used_a, done_a, n, B, used_b, done_b, m, true);
    try_join(B, used_b, done_b, m, A, used_a, done_a, n, false);
  }
  // Remaining unpaired name tokens: pair them up as conflicts (both sides
  // name someone differently), the rest are missing parts.
  std::array<float, kMaxTokens> left_a{}, left_b{};
  size_t na = 0, nb = 0;
  for (size_t i = 0; i < n; ++i) {
    if (used_a[i] || done_a[i] || A[i]->role != TokenRole::kName) continue;
    left_a[na++] = A[i]->weight;
    if (ex != nullptr) ex->unmatched_a.push_back(A[i]->text);
  }
  for (size_t j = 0; j < m; ++j) {
    if (used_b[j] || done_b[j] || B[j]->role != TokenRole::kName) continue;
    left_b[nb++] = B[j]->weight;
    if (ex != nullptr) ex->unmatched_b.push_back(B[j]->text);
  }
  if (na > 1) std::sort(left_a.begin(), left_a.begin() + na, std::greater<float>());
  if (nb > 1) std::sort(left_b.begin(), left_b.begin() + nb, std::greater<float>());
  const size_t conflicts = std::min(na, nb);
  double penalty = 0;
  for (size_t k = 0; k < conflicts; ++k) {
    penalty += kConflictFactor * kNameScale * std::min(left_a[k], left_b[k]);
  }
  for (size_t k = conflicts; k < na; ++k) penalty += kMissingFactor * kNameScale * left_a[k];
  for (size_t k = conflicts; k < nb; ++k) penalty += kMissingFactor * kNameScale * left_b[k];
  points -= penalty;
  if (name_pairs == 0) points = std::min(points, 0.0) + kNoNameMatch;
  return points;
}

// Father's or husband's names: the same token pairing, bounded.
double RelativePoints(const std::vector<PreparedToken>& a, const std::vector<PreparedToken>& b,
                      const Sim& model, MatchExplanation* ex, std::string* detail) {
  MatchExplanation local;
  double p = NamePoints(a, b, {}, {}, model, ex != nullptr ? &local : nullptr);
  p = std::clamp(kRelativeScale * p, kFatherMin, kFatherMax);
  if (ex != nullptr) {
    std::vector<std::string> parts;
    for (const auto& t : local.tokens) {
      parts.push_back(absl::StrFormat("%s%s%s", t.a, t.similarity >= 0.999 ? "=" : "~", t.b));
    }
    for (const auto& u : local.unmatched_a) parts.push_back(u + "≠");
    for (const auto& u : local.unmatched_b) parts.push_back("≠" + u);
    *detail = absl::StrJoin(parts, " ");
  }
  return p;
}

char GenderOf(const std::string& g) {
  const std::string s = absl::AsciiStrToUpper(g);
  if (s == "M" || s == "MALE") return 'M';
  if (s == "F" || s == "FEMALE") return 'F';
  return 0;
}

}  // namespace

Matcher::Matcher() : Matcher(MatcherOptions()) {}
Matcher::Matcher(MatcherOptions options)
    : Matcher(options, NameFrequencyTable::BuiltIn(), &names::UrduLatinModel::Default()) {}
Matcher::Matcher(MatcherOptions options, NameFrequencyTable frequencies,
                 const names::UrduLatinModel* model)
    : options_(options),
      frequencies_(std::move(frequencies)),
      parser_(std::make_unique<names::NameParser>(model)) {}
Matcher::~Matcher() = default;

float Matcher::WeightOf(const names::TokenForms& forms, TokenRole role) const {
  float w = frequencies_.unknown_weight();
  for (int i = 0; i < forms.num_forms; ++i) {
    w = std::min(w, frequencies_.Weight(forms.keys[i].view()));
  }
  if (role == TokenRole::kInitial) w = 1.0f;
  if (role == TokenRole::kTitle) w = std::min(w, 2.0f);
  return w;
}

PreparedToken Matcher::PrepareToken(const names::ParsedToken& t) const {
  auto p = std::make_shared<TokenData>();
  p->forms = t.forms;
  p->role = t.role;
  p->text = t.text;
  p->weight = WeightOf(t.forms, t.role);
  if (!t.forms.from_arabic_script && t.forms.num_forms > 0) {
    const std::string s = names::CodiceFiscaleSurnameCode(t.text);
    const std::string g = names::CodiceFiscaleNameCode(t.text);
    std::copy_n(s.data(), 3, p->cf_surname);
    std::copy_n(g.data(), 3, p->cf_name);
  }
  return p;
}

PreparedToken Matcher::Reweigh(const PreparedToken& t) const {
  const float w = WeightOf(t->forms, t->role);
  if (w == t->weight) return t;
  auto p = std::make_shared<TokenData>(*t);
  p->weight = w;
  return p;
}

absl::StatusOr<std::vector<PreparedToken>> Matcher::PrepareTokens(
    const std::vector<names::ParsedToken>& tokens) const {
  std::vector<PreparedToken> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(PrepareToken(t));
  return out;
}

absl::StatusOr<PreparedPerson> Matcher::Prepare(const PersonInput& in) const {
  PreparedPerson p;
  for (size_t i = 0; i < in.names.size() && p.names.size() < kMaxNamesPerPerson; ++i) {
    auto parsed = parser_->Parse(in.names[i]);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(i == 0 ? "name" : absl::StrCat("alias ", i),
                                                     ": ", parsed.status().message()));
    }
    if (parsed->tokens.empty()) continue;
    PreparedName name;
    name.relation = parsed->relation;
    auto own = PrepareTokens(parsed->tokens);
    auto rel = PrepareTokens(parsed->relative);
    name.tokens = *std::move(own);
    name.relative = *std::move(rel);
    if (p.names.empty() && !name.relative.empty()) {
      if (name.relation == names::Relation::kWifeOf) {
        p.spouse = name.relative;
      } else {
        p.father = name.relative;
      }
    }
    p.names.push_back(std::move(name));
  }
  if (p.names.empty()) return absl::InvalidArgumentError("name: no usable name token");
  if (!in.father_name.empty()) {
    auto parsed = parser_->Parse(in.father_name);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("father_name: ", parsed.status().message()));
    }
    if (!parsed->tokens.empty()) p.father = *PrepareTokens(parsed->tokens);
  }
  auto dob = names::ParseBirthDate(in.dob);
  if (!dob.ok()) return absl::InvalidArgumentError(absl::StrCat("dob: ", dob.status().message()));
  p.dob = *dob;
  p.gender = GenderOf(in.gender);
  for (const auto& n : in.nationalities) {
    if (p.nationalities.size() >= kMaxNationalities) break;
    std::string c = absl::AsciiStrToUpper(n);
    if (!c.empty()) p.nationalities.push_back(std::move(c));
  }
  std::sort(p.nationalities.begin(), p.nationalities.end());
  for (const auto& id : in.id_numbers) {
    if (p.ids.size() >= kMaxIdsPerPerson) break;
    PreparedId pid;
    pid.scheme = names::CanonicalIdScheme(id.scheme);
    pid.value = names::CanonicalIdValue(pid.scheme, id.value);
    if (pid.value.empty() || pid.value.size() > 32) continue;
    if (pid.scheme == "codice_fiscale" && !p.codice_fiscale) {
      auto cf = names::DecodeCodiceFiscale(pid.value);
      if (cf.ok()) {
        p.codice_fiscale = *cf;
        p.id_sex = cf->sex;
      }
    }
    if (pid.scheme == "cnic" && p.id_sex == 0) {
      if (auto s = names::CnicSex(pid.value)) p.id_sex = *s;
    }
    p.ids.push_back(std::move(pid));
  }
  return p;
}

double Matcher::Evaluate(const PreparedPerson& a, const PreparedPerson& b, MatchExplanation* ex,
                         SimilarityCache* cache) const {
  const Sim model{&parser_->model(), cache};
  double total = kBias;
  // Names: the best pairing over primary names and aliases.
  double best_name = -1e9;
  size_t best_i = 0, best_j = 0;
  size_t pairs = 0;
  for (size_t i = 0; i < a.names.size(); ++i) {
    for (size_t j = 0; j < b.names.size() && pairs < kMaxNamePairs; ++j, ++pairs) {
      const double p =
          NamePoints(a.names[i].tokens, b.names[j].tokens, b.father, a.father, model, nullptr);
      if (p > best_name) {
        best_name = p;
        best_i = i;
        best_j = j;
      }
    }
  }
  if (ex != nullptr) {
    ex->bias = kBias;
    ex->name_a = best_i;
    ex->name_b = best_j;
    ex->name_points =
        NamePoints(a.names[best_i].tokens, b.names[best_j].tokens, b.father, a.father, model, ex);
  }
  total += best_name;
  auto add = [&](const char* feature, std::string detail, double points) {
    total += points;
    if (ex != nullptr) ex->features.push_back({feature, std::move(detail), points});
  };
  // Father's and husband's names.
  if (!a.father.empty() && !b.father.empty()) {
    std::string detail;
    const double p = RelativePoints(a.father, b.father, model, ex, &detail);
    add("father", std::move(detail), p);
  }
  if (!a.spouse.empty() && !b.spouse.empty()) {
    std::string detail;
    const double p = RelativePoints(a.spouse, b.spouse, model, ex, &detail);
    add("spouse", std::move(detail), p);
  }
  // Date of birth.
  const names::DateAgreement date = names::CompareBirthDates(a.dob, b.dob);
  if (date != names::DateAgreement::kUnknown) {
    std::string detail;
    if (ex != nullptr) {
      detail = date == names::DateAgreement::kExact
                   ? std::string(names::DateAgreementName(date))
                   : absl::StrCat(std::string(names::DateAgreementName(date)), " (",
                                  FormatDate(a.dob), " vs ", FormatDate(b.dob), ")");
    }
    // A date confirms a name; it does not make one: with little name
    // agreement, agreeing dates count for proportionally less (in a large
    // list, hundreds of people share any birth date).
    double p = DatePoints(date);
    if (p > 0 && best_name < kDobNeedsName) {
      p *= std::clamp(best_name / kDobNeedsName, 0.0, 1.0);
      if (ex != nullptr) absl::StrAppend(&detail, ", names agree too little to count it fully");
    }
    add("dob", std::move(detail), p);
  }
  // Gender, from the record or implied by an identity number.
  const char ga = a.gender ? a.gender : a.id_sex;
  const char gb = b.gender ? b.gender : b.id_sex;
  if (ga && gb) {
    if (ga == gb) {
      add("gender", "same", 0.1);
    } else {
      add("gender",
          ex ? absl::StrCat("differs (", std::string(1, ga), " vs ", std::string(1, gb), ")") : "",
          -4.5);
    }
  }
  // Nationality.
  if (!a.nationalities.empty() && !b.nationalities.empty()) {
    bool shared = false;
    for (const auto& x : a.nationalities) {
      for (const auto& y : b.nationalities) shared |= x == y;
    }
    if (shared) {
      add("nationality", "shared", 0.1);
    } else {
      add("nationality",
          ex ? absl::StrCat("none shared (", absl::StrJoin(a.nationalities, "|"), " vs ",
                            absl::StrJoin(b.nationalities, "|"), ")")
             : "",
          -0.6);
    }
  }
  // Identity numbers of the same scheme.
  for (const PreparedId& x : a.ids) {
    for (const PreparedId& y : b.ids) {
      if (x.scheme != y.scheme) continue;
      const std::string feature = "id:" + x.scheme;
      if (x.value == y.value) {
        add("id", ex ? absl::StrCat(x.scheme, " ", x.value, " identical") : "", kIdIdentical);
      } else if (WithinOneEdit(x.value, y.value)) {
        add("id",
            ex ? absl::StrCat(x.scheme, " differs by one character (", x.value, " vs ", y.value,
                              ")")
               : "",
            kIdOneEdit);
      } else {
        const bool unique_per_person = x.scheme == "cnic" || x.scheme == "codice_fiscale";
        add("id", ex ? absl::StrCat(x.scheme, " differs (", x.value, " vs ", y.value, ")") : "",
            unique_per_person ? -6.0 : -0.8);
      }
    }
  }
  // A codice fiscale on one side checked against the other's name, date, sex.
  auto cf_check = [&](const PreparedPerson& holder, const PreparedPerson& other) {
    if (!holder.codice_fiscale || other.codice_fiscale) return;
    const names::CodiceFiscale& cf = *holder.codice_fiscale;
    // The date it encodes stands in for a missing date of birth; when the
    // holder's record has a date, that date was compared already.
    if (holder.dob.empty() && !other.dob.empty()) {
      names::BirthDate cf_date{other.dob.year - other.dob.year % 100 + cf.birth_year_2,
                               cf.birth_month, cf.birth_day};
      if (cf_date.year > other.dob.year + 50) cf_date.year -= 100;
      if (cf_date.year < other.dob.year - 50) cf_date.year += 100;
      const names::DateAgreement d = names::CompareBirthDates(cf_date, other.dob);
      if (d != names::DateAgreement::kUnknown) {
        add("codice_fiscale",
            ex ? absl::StrCat(
                     "birth date in the codice fiscale: ", std::string(names::DateAgreementName(d)),
                     " (", FormatDate(cf_date), " vs ", FormatDate(other.dob), ")")
               : "",
            DatePoints(d));
      }
    }
    bool surname = false, given = false;
    for (const auto& t : other.names[0].tokens) {
      if (t->cf_surname[0] == 0) continue;
      surname |= std::equal(t->cf_surname, t->cf_surname + 3, cf.surname_code.begin());
      given |= std::equal(t->cf_name, t->cf_name + 3, cf.name_code.begin());
    }
    bool latin = false;
    for (const auto& t : other.names[0].tokens) latin |= t->cf_surname[0] != 0;
    if (latin) {
      if (surname && given) {
        add("codice_fiscale", ex ? "name letters agree with the codice fiscale" : "", 0.1);
      } else if (!surname && !given) {
        add("codice_fiscale", ex ? "name letters contradict the codice fiscale" : "", -1.5);
      }
    }
  };
  cf_check(a, b);
  cf_check(b, a);
  if (ex != nullptr) ex->total_points = total;
  return total;
}

double Matcher::EvidenceBound(const PreparedPerson& a, const PreparedPerson& b) {
  double total = 0;
  // Date of birth, before a weak name shrinks it.
  total += DatePoints(names::CompareBirthDates(a.dob, b.dob));
  const char ga = a.gender ? a.gender : a.id_sex;
  const char gb = b.gender ? b.gender : b.id_sex;
  if (ga && gb) total += ga == gb ? 0.1 : -4.5;
  if (!a.nationalities.empty() && !b.nationalities.empty()) {
    bool shared = false;
    for (const auto& x : a.nationalities) {
      for (const auto& y : b.nationalities) shared |= x == y;
    }
    total += shared ? 0.1 : -0.6;
  }
  for (const PreparedId& x : a.ids) {
    for (const PreparedId& y : b.ids) {
      if (x.scheme == y.scheme) total += IdPairPoints(x.scheme, x.value, y.value);
    }
  }
  // A codice fiscale held by one side only: its date and letters.
  auto cf_most = [](const PreparedPerson& holder, const PreparedPerson& other) {
    if (!holder.codice_fiscale || other.codice_fiscale) return 0.0;
    return (holder.dob.empty() && !other.dob.empty() ? kDobMax : 0.0) + 0.1;
  };
  total += cf_most(a, b) + cf_most(b, a);
  return total;
}

double Matcher::IdPairPoints(std::string_view scheme, std::string_view a, std::string_view b) {
  if (a == b) return kIdIdentical;
  if (WithinOneEdit(a, b)) return kIdOneEdit;
  return scheme == "cnic" || scheme == "codice_fiscale" ? -6.0 : -0.8;
}

double Matcher::DateOfBirthPoints(const names::BirthDate& a, const names::BirthDate& b) {
  return DatePoints(names::CompareBirthDates(a, b));
}

double Matcher::SimilarityShare(double similarity) { return SimFactor(similarity); }

bool Matcher::NameTokensMayPair(const names::TokenSketch& a, const names::TokenSketch& b) {
  // TokenSimilarity compares with the parser's Urdu model (always present).
  return names::SimilarityMayReach(a, b, kPairMin, /*with_model=*/true);
}

double Matcher::TokenSimilarity(const PreparedToken& a, const PreparedToken& b,
                                SimilarityCache* cache) const {
  return PairSimilarity(a, b, Sim{&parser_->model(), cache}, kPairMin);
}

double Matcher::Score(const PreparedPerson& a, const PreparedPerson& b) const {
  return 1.0 / (1.0 + std::exp(-Evaluate(a, b, nullptr, nullptr)));
}

double Matcher::Score(const PreparedPerson& a, const PreparedPerson& b,
                      SimilarityCache* cache) const {
  return 1.0 / (1.0 + std::exp(-Evaluate(a, b, nullptr, cache)));
}

MatchResult Matcher::Compare(const PreparedPerson& a, const PreparedPerson& b) const {
  MatchResult r;
  const double total = Evaluate(a, b, &r.explanation, nullptr);
  r.score = 1.0 / (1.0 + std::exp(-total));
  r.match = r.score >= options_.threshold;
  const MatchExplanation& ex = r.explanation;
  std::vector<std::string> parts;
  std::vector<std::string> toks;
  for (const auto& t : ex.tokens) {
    toks.push_back(absl::StrFormat("%s%s%s%s", t.a, t.similarity >= 0.999 ? "=" : "~", t.b,
                                   t.how == "exact" ? "" : absl::StrCat(" (", t.how, ")")));
  }
  for (const auto& u : ex.unmatched_a) toks.push_back(absl::StrCat(u, " unmatched"));
  for (const auto& u : ex.unmatched_b) toks.push_back(absl::StrCat("unmatched ", u));
  parts.push_back(absl::StrFormat("name %+.1f [%s]", ex.name_points, absl::StrJoin(toks, ", ")));
  for (const auto& f : ex.features) {
    parts.push_back(absl::StrFormat("%s %s %+.1f", f.feature, f.detail, f.points));
  }
  r.summary = absl::StrJoin(parts, "; ");
  return r;
}

void Matcher::TokenKeys(const PreparedToken& t, std::vector<std::string>* keys) {
  if (t->role != TokenRole::kName) return;
  auto add = [keys](std::string k) {
    if (std::find(keys->begin(), keys->end(), k) == keys->end()) keys->push_back(std::move(k));
  };
  for (int i = 0; i < t->forms.num_forms; ++i) {
    // The skeleton without its h: romanisations of one Urdu name differ by
    // an aspiration or digraph the skeleton keeps (gulam, ghulam).
    std::string unaspirated(t->forms.skeletons[i].view());
    unaspirated.erase(std::remove(unaspirated.begin(), unaspirated.end(), 'h'), unaspirated.end());
    if (!unaspirated.empty()) add(absl::StrCat("s:", unaspirated));
    // A name spelt with or without an initial vowel (ashref, sharif).
    if (unaspirated.size() >= 3 && unaspirated[0] == 'a') {
      add(absl::StrCat("s:", unaspirated.substr(1)));
    }
    const std::string_view k = t->forms.keys[i].view();
    if (!k.empty()) add(absl::StrCat("p:", std::string(k.substr(0, 3))));
    // Typos the two keys above miss: swapped consonants ("cotsa", "costa")
    // share the sorted skeleton; a changed beginning ("dellarosa",
    // "larosa") shares the ending.
    std::string sorted(t->forms.skeletons[i].view());
    if (sorted.size() >= 3) {
      std::sort(sorted.begin(), sorted.end());
      add(absl::StrCat("q:", sorted));
    }
    if (k.size() >= 6) add(absl::StrCat("e:", std::string(k.substr(k.size() - 4))));
  }
}

std::string Matcher::IdKey(const PreparedId& id) {
  return absl::StrCat("id:", id.scheme, ":", id.value);
}

std::vector<BlockingKey> Matcher::BlockingKeys(const PreparedPerson& p) const {
  std::vector<BlockingKey> keys;
  auto add = [&](std::string k, float w) {
    for (auto& existing : keys) {
      if (existing.key == k) {
        existing.weight = std::max(existing.weight, w);
        return;
      }
    }
    keys.push_back({std::move(k), w});
  };
  std::vector<std::string> token_keys;
  for (const PreparedName& n : p.names) {
    for (const PreparedToken& t : n.tokens) {
      token_keys.clear();
      TokenKeys(t, &token_keys);
      for (std::string& k : token_keys) add(std::move(k), t->weight);
    }
  }
  for (const PreparedId& id : p.ids) add(IdKey(id), kMaxWeight);
  return keys;
}

void Matcher::AddTokens(const PreparedPerson& p, NameFrequencyBuilder* builder) {
  for (const PreparedName& n : p.names) {
    for (const PreparedToken& t : n.tokens) {
      if (t->role == TokenRole::kName && t->forms.num_forms > 0)
        builder->Add(t->forms.keys[0].view());
    }
  }
  for (const PreparedToken& t : p.father) {
    if (t->role == TokenRole::kName && t->forms.num_forms > 0)
      builder->Add(t->forms.keys[0].view());
  }
}

}  // namespace liaison::match
