#include "person_generator.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "names/identity_number.h"

namespace liaison::synth {
namespace {

constexpr const char* kMuhammadLatin[] = {"Muhammad", "Mohammad", "Mohammed",
                                          "Muhammed", "Mohd",     "M."};
constexpr double kMuhammadWeights[] = {0.45, 0.2, 0.15, 0.08, 0.07, 0.05};
constexpr const char* kMuhammadUrdu = "محمد";

struct Title {
  const char* latin;
  const char* urdu;
};
constexpr Title kMaleTitles[] = {{"Ch.", "چوہدری"}, {"Mian", "میاں"}, {"Malik", "ملک"},
                                 {"Rana", "رانا"},  {"Syed", "سید"},  {"Sheikh", "شیخ"},
                                 {"Hafiz", "حافظ"}, {"Haji", "حاجی"}, {"Dr.", "ڈاکٹر"}};
constexpr const char* kItalianPlaces[] = {"H501", "F205", "F839", "L219", "G273", "A662", "D612"};

std::string Upper(const std::string& s) { return absl::AsciiStrToUpper(s); }

}  // namespace

PersonGenerator::PersonGenerator(uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(options) {}

double PersonGenerator::Uniform() {
  // 53 random bits: identical on every platform, unlike std distributions.
  return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
}
bool PersonGenerator::Chance(double p) { return Uniform() < p; }
int PersonGenerator::Int(int lo, int hi) {
  return lo + static_cast<int>(Uniform() * (hi - lo + 1));
}

const PoolName* PersonGenerator::Draw(std::span<const PoolName> pool) {
  double total = 0;
  for (const auto& n : pool) total += n.frequency;
  double r = Uniform() * total;
  for (const auto& n : pool) {
    r -= n.frequency;
    if (r < 0) return &n;
  }
  return &pool.back();
}

const PoolName* PersonGenerator::DrawItalianSurname() {
  if (options_.italian_surname_tail <= 0 || !Chance(options_.italian_surname_tail)) {
    return Draw(ItalianSurnames());
  }
  const std::span<const double> cdf = ItalianSurnameTailCdf();
  const size_t i = std::upper_bound(cdf.begin(), cdf.end(), Uniform()) - cdf.begin();
  return &ItalianSurnameTail()[std::min(i, cdf.size() - 1)];
}

void PersonGenerator::FillIdentifiers(Identity* id) {
  if (id->pakistani) {
    std::string cnic = absl::StrCat(Int(1, 6), Int(1000, 9999));
    for (int i = 0; i < 7; ++i) cnic += static_cast<char>('0' + Int(0, 9));
    int last = Int(0, 4) * 2 + (id->gender == 'M' ? 1 : 0);
    cnic += static_cast<char>('0' + last);
    id->cnic = cnic;
    id->passport = Chance(0.4) ? absl::StrFormat("%c%c%07d", 'A' + Int(0, 25), 'A' + Int(0, 25),
                                                 Int(0, 9999999))
                               : "";
  } else {
    id->place_code = kItalianPlaces[Int(0, 6)];
    std::string surname, given;
    if (id->family != nullptr) surname = std::string(id->family->latin[0]);
    given = std::string(id->given[0]->latin[0]);
    // Accented letters count as their base letter in the codice fiscale.
    auto ascii = [](std::string s) {
      std::string out;
      for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = s[i];
        if (c < 0x80) {
          out.push_back(static_cast<char>(c));
        } else if (c == 0xC3 && i + 1 < s.size()) {
          out.push_back('o');  // ò, the only accent in the pools
          ++i;
        }
      }
      return out;
    };
    std::string cf = names::CodiceFiscaleSurnameCode(ascii(surname)) +
                     names::CodiceFiscaleNameCode(ascii(given)) +
                     absl::StrFormat("%02d%c%02d", id->year % 100, "ABCDEHLMPRST"[id->month - 1],
                                     id -> day + (id->gender == 'F' ? 40 : 0)) +
                     id->place_code;
    cf += names::CodiceFiscaleCheckCharacter(cf);
    id->codice_fiscale = cf;
    id->passport = Chance(0.3) ? absl::StrFormat("Y%c%07d", 'A' + Int(0, 25), Int(0, 9999999)) : "";
  }
}

Identity PersonGenerator::NewIdentity() {
  Identity id;
  id.pakistani = Chance(options_.pakistani_share);
  id.gender = Chance(0.8) ? 'M' : 'F';  // police records: mostly men
  id.year = Int(1950, 2005);
  id.month = Int(1, 12);
  id.day = Int(1, 28);
  if (id.pakistani) {
    auto pool = id.gender == 'M' ? PakistaniMaleNames() : PakistaniFemaleNames();
    id.muhammad = id.gender == 'M' && Chance(0.45);
    id.given.push_back(Draw(pool));
    if (Chance(0.3)) {
      const PoolName* second = Draw(PakistaniMaleNames());
      if (second != id.given[0]) id.given.push_back(second);
    }
    id.family = Chance(0.6) ? Draw(PakistaniFamilyNames()) : nullptr;
    id.father.push_back(Draw(PakistaniMaleNames()));
    if (Chance(0.5)) id.father.push_back(Draw(PakistaniMaleNames()));
    id.father_family = id.family;
  } else {
    auto pool = id.gender == 'M' ? ItalianMaleNames() : ItalianFemaleNames();
    id.given.push_back(Draw(pool));
    if (Chance(0.1)) {
      const PoolName* second = Draw(pool);
      if (second != id.given[0]) id.given.push_back(second);
    }
    id.family = DrawItalianSurname();
    id.father.push_back(Draw(ItalianMaleNames()));
    id.father_family = id.family;
  }
  FillIdentifiers(&id);
  return id;
}

Identity PersonGenerator::HardNegativeOf(const Identity& base, std::string* kind) {
  Identity n = base;
  const double r = Uniform();
  auto new_dob = [&](int min_gap, int max_gap) {
    n.year = std::clamp(base.year + (Chance(0.5) ? 1 : -1) * Int(min_gap, max_gap), 1940, 2010);
    n.month = Int(1, 12);
    n.day = Int(1, 28);
  };
  auto given_pool = [&] {
    if (base.pakistani) return n.gender == 'M' ? PakistaniMaleNames() : PakistaniFemaleNames();
    return n.gender == 'M' ? ItalianMaleNames() : ItalianFemaleNames();
  };
  if (r < 0.3) {
    // Same given names, another family and father.
    *kind = "hard:same-given";
    if (base.pakistani) {
      const PoolName* f = Draw(PakistaniFamilyNames());
      n.family = f == base.family ? nullptr : f;
      n.father = {Draw(PakistaniMaleNames())};
    } else {
      if (options_.italian_surname_tail > 0) {
        const PoolName* f = DrawItalianSurname();
        for (int tries = 0; f == base.family && tries < 8; ++tries) f = DrawItalianSurname();
        n.family = f;
      } else {
        const PoolName* f = Draw(ItalianSurnames());
        n.family =
            f == base.family
                ? &ItalianSurnames()[(f - &ItalianSurnames()[0] + 1) % ItalianSurnames().size()]
                : f;
      }
      n.father = {Draw(ItalianMaleNames())};
    }
    n.father_family = n.family;
    new_dob(0, 15);
  } else if (r < 0.55) {
    // A sibling: same father and family, another given name, a few years apart.
    *kind = "hard:sibling";
    if (Chance(0.3)) n.gender = n.gender == 'M' ? 'F' : 'M';
    n.muhammad = n.gender == 'M' && base.muhammad;
    n.given = {Draw(given_pool())};
    if (n.given[0] == base.given[0]) n.given = {Draw(given_pool())};
    new_dob(1, 10);
  } else if (r < 0.8) {
    // A namesake: same full name, different father and date of birth.
    *kind = "hard:namesake";
    n.father = {Draw(base.pakistani ? PakistaniMaleNames() : ItalianMaleNames())};
    new_dob(0, 20);
  } else {
    // Shares only the family name or Muhammad.
    *kind = "hard:shared-token";
    n.given = {Draw(given_pool())};
    n.father = {Draw(base.pakistani ? PakistaniMaleNames() : ItalianMaleNames())};
    new_dob(0, 20);
  }
  FillIdentifiers(&n);
  return n;
}

std::string PersonGenerator::Spell(const PoolName& n, bool variant) {
  if (!variant || n.latin.size() == 1 || Chance(0.45)) return std::string(n.latin[0]);
  return std::string(n.latin[Int(1, static_cast<int>(n.latin.size()) - 1)]);
}

std::string PersonGenerator::Typo(const std::string& s) {
  if (s.size() < 4) return s;
  for (unsigned char c : s) {
    if (c >= 0x80) return s;  // keep UTF-8 sequences whole
  }
  std::string t = s;
  const int pos = Int(1, static_cast<int>(s.size()) - 2);
  switch (Int(0, 3)) {
    case 0:
      t.erase(pos, 1);
      break;
    case 1:
      t.insert(t.begin() + pos, t[pos]);
      break;
    case 2:
      std::swap(t[pos], t[pos + 1]);
      break;
    default: {
      const char* vowels = "aeiou";
      if (std::strchr(vowels, t[pos]) != nullptr) t[pos] = vowels[Int(0, 4)];
      break;
    }
  }
  return t;
}

std::string PersonGenerator::Dob(const Identity& id, bool variant) {
  int y = id.year, m = id.month, d = id.day;
  if (!variant) {
    if (Chance(0.05)) return "";
    return absl::StrFormat("%04d-%02d-%02d", y, m, d);
  }
  const double r = Uniform();
  if (r < 0.15) return "";
  if (r < 0.23) return absl::StrFormat("%04d", y);
  if (r < 0.28) return absl::StrFormat("%04d-%02d", y, m);
  if (r < 0.32 && d <= 12 && d != m)
    std::swap(m, d);
  else if (r < 0.36)
    y += Chance(0.5) ? 1 : -1;
  else if (r < 0.40)
    m = d = 1;
  return absl::StrFormat("%04d-%02d-%02d", y, m, d);
}

match::PersonInput PersonGenerator::Record(const Identity& id, bool variant, bool urdu) {
  match::PersonInput p;
  urdu = urdu && id.pakistani;
  std::vector<std::string> parts;
  if (id.pakistani) {
    if (variant && id.gender == 'M' && Chance(0.12)) {
      const Title& t = kMaleTitles[Int(0, 8)];
      parts.push_back(urdu ? t.urdu : t.latin);
    } else if (variant && id.gender == 'F' && Chance(0.1)) {
      parts.push_back(urdu ? "مسماۃ" : "Mst.");
    }
    std::vector<std::string> own;
    if (id.muhammad && !(variant && Chance(0.12))) {
      if (urdu) {
        own.push_back(kMuhammadUrdu);
      } else if (!variant) {
        own.push_back("Muhammad");
      } else {
        double r = Uniform();
        size_t k = 0;
        while (k + 1 < std::size(kMuhammadWeights) && r >= kMuhammadWeights[k]) {
          r -= kMuhammadWeights[k];
          ++k;
        }
        own.push_back(kMuhammadLatin[k]);
      }
    }
    for (size_t i = 0; i < id.given.size(); ++i) {
      if (variant && i > 0 && Chance(0.25)) continue;  // middle name missing
      own.push_back(urdu ? std::string(id.given[i]->urdu) : Spell(*id.given[i], variant));
    }
    if (id.family != nullptr && !(variant && Chance(0.15))) {
      own.push_back(urdu ? std::string(id.family->urdu) : Spell(*id.family, variant));
    }
    if (variant && !urdu && Chance(0.1)) {
      const int k = Int(0, static_cast<int>(own.size()) - 1);
      own[k] = Typo(own[k]);
    }
    if (variant && own.size() > 1 && Chance(0.2)) {
      // Family or last name first, as in many forms.
      std::rotate(own.rbegin(), own.rbegin() + 1, own.rend());
      if (!urdu && Chance(0.5)) own[0] = Upper(own[0]);
    }
    parts.insert(parts.end(), own.begin(), own.end());
    std::vector<std::string> father;
    for (const PoolName* f : id.father) {
      father.push_back(urdu ? std::string(f->urdu) : Spell(*f, variant));
    }
    if (id.father_family != nullptr && Chance(0.5)) {
      father.push_back(urdu ? std::string(id.father_family->urdu)
                            : Spell(*id.father_family, variant));
    }
    const double fr = Uniform();
    if (fr < (variant ? 0.25 : 0.15)) {
      const char* rel = urdu ? (id.gender == 'M' ? "ولد" : "بنت")
                             : (id.gender == 'M' ? (Chance(0.7) ? "s/o" : "son of")
                                                 : (Chance(0.7) ? "d/o" : "daughter of"));
      parts.push_back(rel);
      parts.insert(parts.end(), father.begin(), father.end());
    } else if (fr < (variant ? 0.65 : 0.8)) {
      p.father_name = absl::StrJoin(father, " ");
    }
    p.names.push_back(absl::StrJoin(parts, " "));
    if (!urdu && variant && Chance(0.15)) p.names[0] = Upper(p.names[0]);
    if (Chance(variant ? 0.5 : 0.8)) {
      const std::string& c = id.cnic;
      p.id_numbers.push_back(
          {"cnic",
           Chance(0.5) ? c : absl::StrCat(c.substr(0, 5), "-", c.substr(5, 7), "-", c.substr(12))});
    }
    if (!id.passport.empty() && Chance(0.4)) p.id_numbers.push_back({"passport", id.passport});
    if (Chance(0.6)) p.nationalities.push_back("PK");
  } else {
    if (variant && Chance(0.08)) {
      parts.push_back(id.gender == 'M' ? (Chance(0.5) ? "Sig." : "Dott.") : "Sig.ra");
    }
    std::vector<std::string> given;
    for (size_t i = 0; i < id.given.size(); ++i) {
      if (variant && i > 0 && Chance(0.3)) continue;
      given.push_back(Spell(*id.given[i], variant));
    }
    std::string surname = Spell(*id.family, variant);
    if (variant && Chance(0.1)) {
      if (Chance(0.5)) {
        surname = Typo(surname);
      } else {
        given[0] = Typo(given[0]);
      }
    }
    if (variant && Chance(0.3)) {
      parts.push_back(Upper(surname));
      parts.insert(parts.end(), given.begin(), given.end());
    } else {
      parts.insert(parts.end(), given.begin(), given.end());
      parts.push_back(surname);
    }
    p.names.push_back(absl::StrJoin(parts, " "));
    if (variant && Chance(0.1)) p.names[0] = Upper(p.names[0]);
    if (Chance(0.1)) p.father_name = Spell(*id.father[0], variant);
    if (Chance(variant ? 0.4 : 0.7)) {
      p.id_numbers.push_back({"codice_fiscale", Chance(0.7)
                                                    ? id.codice_fiscale
                                                    : absl::AsciiStrToLower(id.codice_fiscale)});
    }
    if (!id.passport.empty() && Chance(0.4)) p.id_numbers.push_back({"passport", id.passport});
    if (Chance(0.6)) p.nationalities.push_back("IT");
  }
  p.dob = Dob(id, variant);
  if (Chance(variant ? 0.75 : 0.9)) p.gender = std::string(1, id.gender);
  return p;
}

match::PersonInput PersonGenerator::RecordAnyScript(const Identity& id, bool variant) {
  return Record(id, variant, id.pakistani && Chance(options_.urdu_record_share));
}

std::vector<LabeledPair> PersonGenerator::LabeledPairs(size_t identities) {
  // Hard negatives are found, not made up: the other person of a population
  // who shares the most names, so that namesakes are as frequent as the
  // names themselves; siblings (same father and family) are made.
  const size_t population_size = std::max<size_t>(20000, identities * 10);
  std::vector<Identity> population;
  population.reserve(population_size);
  std::map<std::pair<const PoolName*, const PoolName*>, std::vector<size_t>> by_full;
  std::map<const PoolName*, std::vector<size_t>> by_given, by_family;
  for (size_t i = 0; i < population_size; ++i) {
    population.push_back(NewIdentity());
    const Identity& p = population.back();
    by_full[{p.given[0], p.family}].push_back(i);
    by_given[p.given[0]].push_back(i);
    if (p.family != nullptr) by_family[p.family].push_back(i);
  }
  auto pick = [&](const std::vector<size_t>& v) {
    return v[Int(0, static_cast<int>(v.size()) - 1)];
  };
  std::vector<LabeledPair> out;
  out.reserve(identities * 3);
  for (size_t i = 0; i < identities; ++i) {
    const Identity& id = population[i];
    // Register A (e.g. Lahore) and register B (e.g. Rome) record independently.
    const match::PersonInput a = RecordAnyScript(id, false);
    out.push_back({a, Record(id, true, false), true, "variant"});
    Identity neg;
    std::string kind;
    if (Chance(0.3)) {
      neg = HardNegativeOf(id, &kind);
      if (kind != "hard:sibling") neg = HardNegativeOf(id, &kind);
    }
    if (kind != "hard:sibling") {
      const auto& full = by_full[{id.given[0], id.family}];
      const auto& given = by_given[id.given[0]];
      size_t j = i;
      if (full.size() > 1) {
        while (j == i) j = pick(full);
        kind = "hard:namesake";
      } else if (given.size() > 1) {
        while (j == i) j = pick(given);
        kind = "hard:same-given";
      } else if (id.family != nullptr && by_family[id.family].size() > 1) {
        while (j == i) j = pick(by_family[id.family]);
        kind = "hard:same-family";
      } else {
        j = (i + 1) % population.size();
        kind = "hard:none-found";
      }
      neg = population[j];
      if (kind == "hard:namesake" && neg.muhammad != id.muhammad) kind = "hard:namesake-partial";
    }
    out.push_back({a, Record(neg, true, false), false, kind});
    const Identity& other =
        population[identities + Int(0, static_cast<int>(population.size() - identities) - 1)];
    out.push_back({a, Record(other, true, false), false, "random"});
  }
  return out;
}

}  // namespace liaison::synth
