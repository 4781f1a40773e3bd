// A seeded generator of synthetic Pakistani and Italian persons, the way two
// police registers would record them: spelling and script variants, titles,
// father's names, order swaps, initials, typos, partial or shifted dates of
// birth, identity numbers written differently; and hard negatives: other
// people who share common names (same given names, siblings, namesakes).
//
// Used by bench/match_quality (quality of the matcher) and by the screening
// benchmark of issue 5 (million-person watchlists with realistic name
// frequencies). The same seed always yields the same persons.
//
// Thread-safety: a PersonGenerator is not thread-safe; use one per thread.
#ifndef LIAISON_BENCH_SYNTH_PERSON_GENERATOR_H_
#define LIAISON_BENCH_SYNTH_PERSON_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "match/person.h"
#include "name_pools.h"

namespace liaison::synth {

// The true identity behind records.
struct Identity {
  bool pakistani = true;
  char gender = 'M';
  bool muhammad = false;                // Pakistani male names often start with Muhammad
  std::vector<const PoolName*> given;   // one or two
  const PoolName* family = nullptr;     // may be null (Pakistani)
  std::vector<const PoolName*> father;  // father's given names
  const PoolName* father_family = nullptr;
  int year = 0, month = 0, day = 0;
  std::string cnic;            // 13 digits, Pakistani
  std::string passport;        // may be empty
  std::string codice_fiscale;  // Italian, may be empty
  std::string place_code;      // Belfiore code for the codice fiscale
};

struct GeneratorOptions {
  double pakistani_share = 0.6;
  // Probability that a Pakistani person's record is written in Urdu script.
  double urdu_record_share = 0.5;
  // Share of Italian identities whose surname comes from the long tail
  // (ItalianSurnameTail) rather than the 100 most common surnames. 0 keeps
  // the small pools of the matching benchmark; about 0.85 is realistic.
  double italian_surname_tail = 0.0;
};

struct LabeledPair {
  match::PersonInput a;
  match::PersonInput b;
  bool same_person = false;
  std::string kind;  // "variant", "hard:namesake", "hard:sibling", "hard:same-given", "random"
};

class PersonGenerator {
 public:
  explicit PersonGenerator(uint64_t seed, GeneratorOptions options = {});

  // A new identity drawn with realistic name frequencies.
  Identity NewIdentity();

  // A different person who shares names with `base`; `kind` receives the
  // relationship ("hard:namesake", "hard:sibling", "hard:same-given").
  Identity HardNegativeOf(const Identity& base, std::string* kind);

  // A record of `id` as a register would hold it. With `variant`, the
  // record carries the variation of a second, independent register.
  // `urdu` selects Urdu script for a Pakistani person's names.
  match::PersonInput Record(const Identity& id, bool variant, bool urdu);

  // A record in the script a register would use: Urdu with probability
  // options.urdu_record_share for Pakistani persons.
  match::PersonInput RecordAnyScript(const Identity& id, bool variant);

  // For each of `identities` identities: one pair of records of the same
  // person, one pair with a hard negative and one with a random other
  // person (so positives : negatives = 1 : 2).
  std::vector<LabeledPair> LabeledPairs(size_t identities);

 private:
  double Uniform();
  bool Chance(double p);
  int Int(int lo, int hi);  // inclusive
  const PoolName* Draw(std::span<const PoolName> pool);
  const PoolName* DrawItalianSurname();
  std::string Spell(const PoolName& n, bool variant);
  std::string Typo(const std::string& s);
  std::string Dob(const Identity& id, bool variant);
  void FillIdentifiers(Identity* id);

  std::mt19937_64 rng_;
  GeneratorOptions options_;
};

}  // namespace liaison::synth

#endif  // LIAISON_BENCH_SYNTH_PERSON_GENERATOR_H_
