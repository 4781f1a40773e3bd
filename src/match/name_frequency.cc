#include "match/name_frequency.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "names/name_token.h"

namespace liaison::match {
namespace {

// Approximate occurrences per million name tokens in a population mixing
// Pakistani and Italian persons, from public name statistics. Spellings are
// folded with names::LatinMatchingKey when the table is built, so one entry
// covers Muhammad/Muhamad, Hussain/Husain and so on.
constexpr std::pair<const char*, double> kBuiltIn[] = {
    // Pakistani given names, family and clan names, and name elements.
    {"muhammad", 60000},
    {"mohammad", 8000},
    {"mohammed", 4000},
    {"ahmad", 14000},
    {"ahmed", 14000},
    {"ali", 22000},
    {"khan", 24000},
    {"hussain", 9000},
    {"hussein", 2000},
    {"hassan", 6000},
    {"hasan", 3000},
    {"iqbal", 5000},
    {"akhtar", 4000},
    {"bibi", 12000},
    {"begum", 5000},
    {"shah", 7000},
    {"abbas", 3500},
    {"raza", 3000},
    {"butt", 3000},
    {"malik", 6000},
    {"rana", 2500},
    {"chaudhry", 4000},
    {"syed", 5000},
    {"sheikh", 3000},
    {"mian", 2000},
    {"mirza", 1500},
    {"qureshi", 2500},
    {"awan", 2500},
    {"rajput", 2000},
    {"arain", 1500},
    {"jutt", 2500},
    {"javed", 3500},
    {"javaid", 1000},
    {"aslam", 3500},
    {"akram", 3000},
    {"anwar", 3000},
    {"arshad", 3000},
    {"asif", 3500},
    {"imran", 3500},
    {"irfan", 2500},
    {"kamran", 2000},
    {"nadeem", 2500},
    {"naveed", 2500},
    {"tariq", 3500},
    {"zahid", 2500},
    {"shahid", 3000},
    {"khalid", 3000},
    {"rashid", 2500},
    {"sajid", 2500},
    {"majid", 1500},
    {"abid", 1500},
    {"amir", 2000},
    {"aamir", 1500},
    {"bilal", 2500},
    {"usman", 3000},
    {"umar", 3000},
    {"umer", 1000},
    {"omar", 1000},
    {"farooq", 2500},
    {"ashraf", 2500},
    {"rafique", 1500},
    {"rafiq", 1500},
    {"latif", 1500},
    {"hanif", 1500},
    {"yousaf", 2000},
    {"yusuf", 1000},
    {"yaqoob", 1200},
    {"ibrahim", 1500},
    {"ismail", 1500},
    {"ishaq", 1000},
    {"iqbal", 5000},
    {"nawaz", 2500},
    {"riaz", 2000},
    {"ijaz", 1500},
    {"ejaz", 1000},
    {"ilyas", 1500},
    {"abdul", 3000},
    {"abdullah", 2500},
    {"rehman", 4000},
    {"rahman", 3000},
    {"ullah", 2000},
    {"din", 2500},
    {"uddin", 2000},
    {"gul", 2500},
    {"noor", 2500},
    {"nasir", 2000},
    {"saleem", 2500},
    {"salim", 1000},
    {"shafiq", 1500},
    {"sharif", 2000},
    {"siddique", 2000},
    {"zafar", 2000},
    {"zaman", 2000},
    {"haider", 2000},
    {"hameed", 2000},
    {"majeed", 1500},
    {"waheed", 1500},
    {"saeed", 2500},
    {"masood", 1500},
    {"mehmood", 3000},
    {"mahmood", 2500},
    {"mushtaq", 1500},
    {"ishtiaq", 1200},
    {"ghulam", 3500},
    {"allah", 1500},
    {"ditta", 1000},
    {"bakhsh", 1200},
    {"fatima", 5000},
    {"ayesha", 3000},
    {"aisha", 1500},
    {"zainab", 2500},
    {"khadija", 1500},
    {"maryam", 2000},
    {"sana", 1500},
    {"nazia", 1000},
    {"shazia", 1200},
    {"rubina", 1000},
    {"parveen", 2500},
    {"nasreen", 2000},
    {"shamim", 1200},
    {"kausar", 1200},
    {"razia", 1000},
    {"sadia", 1000},
    {"saima", 1200},
    {"asma", 1200},
    {"amina", 1500},
    {"kiran", 1000},
    {"naseem", 1200},
    {"bashir", 2000},
    {"nazir", 1800},
    {"munir", 1500},
    {"qadir", 1200},
    {"sadiq", 1200},
    {"baig", 1200},
    {"gill", 1000},
    {"cheema", 800},
    {"bajwa", 800},
    {"sandhu", 600},
    {"khattak", 600},
    {"yousafzai", 600},
    {"afridi", 700},
    {"baloch", 1200},
    {"memon", 900},
    {"ansari", 1200},
    {"siddiqui", 1500},
    {"hashmi", 1000},
    {"naqvi", 1000},
    {"rizvi", 1000},
    {"bukhari", 900},
    {"gilani", 700},
    {"jamil", 1200},
    {"kamal", 1200},
    {"karim", 1200},
    {"rasool", 1500},
    {"zia", 1500},
    {"haq", 2000},
    {"ulhaq", 1000},
    // Italian surnames and given names.
    {"rossi", 3500},
    {"russo", 2500},
    {"ferrari", 2000},
    {"esposito", 2000},
    {"bianchi", 1600},
    {"romano", 1600},
    {"colombo", 1500},
    {"ricci", 1300},
    {"marino", 1300},
    {"greco", 1200},
    {"bruno", 1200},
    {"gallo", 1200},
    {"conti", 1100},
    {"deluca", 1100},
    {"mancini", 1000},
    {"costa", 1000},
    {"giordano", 1000},
    {"rizzo", 1000},
    {"lombardi", 900},
    {"moretti", 900},
    {"barbieri", 800},
    {"fontana", 800},
    {"santoro", 800},
    {"mariani", 800},
    {"rinaldi", 800},
    {"caruso", 800},
    {"ferrara", 800},
    {"galli", 700},
    {"martini", 700},
    {"leone", 700},
    {"longo", 700},
    {"gentile", 700},
    {"martinelli", 700},
    {"vitale", 700},
    {"lombardo", 700},
    {"serra", 650},
    {"coppola", 650},
    {"desantis", 650},
    {"dangelo", 650},
    {"marchetti", 600},
    {"parisi", 600},
    {"villa", 600},
    {"conte", 600},
    {"ferraro", 600},
    {"ferri", 600},
    {"fabbri", 600},
    {"bianco", 600},
    {"marini", 600},
    {"grasso", 600},
    {"valentini", 550},
    {"messina", 550},
    {"sala", 550},
    {"derosa", 550},
    {"gatti", 550},
    {"pellegrini", 550},
    {"palumbo", 550},
    {"sanna", 550},
    {"farina", 550},
    {"rizzi", 550},
    {"monti", 550},
    {"cattaneo", 500},
    {"morelli", 500},
    {"amato", 500},
    {"silvestri", 500},
    {"mazza", 500},
    {"testa", 500},
    {"grassi", 500},
    {"pellegrino", 500},
    {"carbone", 500},
    {"giuliani", 500},
    {"benedetti", 500},
    {"barone", 500},
    {"larosa", 400},
    {"dellarosa", 150},
    {"giuseppe", 4000},
    {"giovanni", 3500},
    {"antonio", 3500},
    {"mario", 3000},
    {"luigi", 2500},
    {"francesco", 3000},
    {"angelo", 2000},
    {"vincenzo", 2000},
    {"pietro", 1800},
    {"salvatore", 1800},
    {"carlo", 1500},
    {"franco", 1500},
    {"domenico", 1500},
    {"bruno", 1200},
    {"paolo", 1500},
    {"michele", 1500},
    {"giorgio", 1200},
    {"aldo", 800},
    {"sergio", 1000},
    {"luca", 1500},
    {"marco", 1800},
    {"andrea", 1800},
    {"alessandro", 1500},
    {"matteo", 1000},
    {"lorenzo", 1000},
    {"stefano", 1200},
    {"roberto", 1500},
    {"giuseppina", 1500},
    {"maria", 8000},
    {"anna", 3500},
    {"rosa", 1500},
    {"angela", 1200},
    {"giovanna", 1200},
    {"teresa", 1000},
    {"lucia", 1000},
    {"carmela", 800},
    {"francesca", 1200},
    {"elena", 1000},
    {"chiara", 900},
    {"sara", 1000},
    {"giulia", 1000},
    {"laura", 900},
    {"paola", 900},
    {"rita", 700},
    {"antonella", 700},
    {"niccolo", 300},
    {"nicola", 1000},
    {"riccardo", 1000},
    {"federico", 900},
    {"davide", 1000},
    {"simone", 900},
    {"gianluca", 700},
    {"gianfranco", 600},
    {"emanuele", 700},
    {"fabio", 900},
    {"tommaso", 600},
    {"raffaele", 700},
    {"gennaro", 500},
    {"ciro", 400},
    {"pierluigi", 300},
    {"massimo", 1000},
    {"claudio", 900},
    {"alberto", 800},
    {"valentina", 900},
    {"federica", 800},
    {"martina", 800},
    {"alessia", 700},
    {"silvia", 800},
    {"simona", 600},
    {"raffaella", 500},
    {"concetta", 500},
    {"assunta", 400},
    {"grazia", 600},
    {"annamaria", 500},
    {"daniela", 800},
    {"bushra", 900},
    {"sohail", 900},
    {"tahira", 700},
    {"humaira", 600},
    {"farzana", 700},
    {"yasmin", 800},
    {"shabnam", 500},
    {"sughra", 500},
    {"ruqayya", 400},
    {"shaukat", 800},
    {"pervaiz", 900},
    {"sarfraz", 700},
    {"mumtaz", 900},
    {"afzal", 1000},
    {"ajmal", 700},
    {"saqib", 700},
    {"waqas", 800},
    {"junaid", 800},
    {"shoaib", 800},
    {"azhar", 800},
    {"mazhar", 700},
    {"gulzar", 500},
    {"danish", 500},
    {"abrar", 500},
    {"israr", 500},
    {"zeeshan", 900},
    {"faisal", 1200},
    {"zubair", 900},
    {"hamza", 1200},
    {"salman", 1000},
    {"rizwan", 1000},
    {"adnan", 900},
    {"shahbaz", 600},
    {"zulfiqar", 700},
    {"waseem", 1200},
    {"naeem", 1000},
    {"faheem", 600},
    {"tahir", 1200},
    {"mughal", 900},
    {"abbasi", 1000},
    {"satti", 400},
    {"sial", 400},
    {"warraich", 300},
    {"gondal", 300},
    {"tarar", 300},
    {"khokhar", 500},
    {"lodhi", 400},
    {"gujjar", 1200},
    {"niazi", 500},
};

}  // namespace

NameFrequencyTable NameFrequencyTable::BuiltIn() {
  absl::flat_hash_map<std::string, uint64_t> counts;
  uint64_t total = 1000000;
  for (const auto& [name, per_million] : kBuiltIn) {
    counts[names::LatinMatchingKey(name)] += static_cast<uint64_t>(per_million);
  }
  // Unknown tokens are rarer than every listed one: about 5 per million.
  return FromCounts(std::move(counts), total, 5.0);
}

NameFrequencyTable NameFrequencyTable::FromCounts(absl::flat_hash_map<std::string, uint64_t> counts,
                                                  uint64_t total_tokens, double unseen_count) {
  NameFrequencyTable t;
  const double total = std::max<double>(1.0, static_cast<double>(total_tokens));
  auto weight_of = [&](double freq) {
    return static_cast<float>(std::clamp(-std::log(freq), static_cast<double>(kMinWeight),
                                         static_cast<double>(kMaxWeight)));
  };
  t.unknown_weight_ = weight_of(std::max(unseen_count, 1e-3) / total);
  for (auto& [key, count] : counts) {
    const double f = static_cast<double>(count) / total;
    t.frequency_[key] = f;
    t.weights_[key] = std::min(weight_of(f), t.unknown_weight_);
  }
  return t;
}

float NameFrequencyTable::Weight(std::string_view key) const {
  auto it = weights_.find(absl::string_view(key.data(), key.size()));
  return it == weights_.end() ? unknown_weight_ : it->second;
}

double NameFrequencyTable::Frequency(std::string_view key) const {
  auto it = frequency_.find(absl::string_view(key.data(), key.size()));
  return it == frequency_.end() ? 0.0 : it->second;
}

void NameFrequencyBuilder::Add(std::string_view key) {
  if (key.empty()) return;
  ++counts_[std::string(key)];
  ++total_;
}

void NameFrequencyBuilder::AddName(const names::ParsedName& name) {
  for (const auto& t : name.tokens) {
    if (t.forms.num_forms > 0) Add(t.forms.keys[0].view());
  }
  for (const auto& t : name.relative) {
    if (t.forms.num_forms > 0) Add(t.forms.keys[0].view());
  }
}

NameFrequencyTable NameFrequencyBuilder::Build() const {
  return NameFrequencyTable::FromCounts(counts_, total_);
}

NameFrequencyTable NameFrequencyBuilder::BuildOver(const NameFrequencyTable& prior,
                                                   uint64_t min_count) const {
  NameFrequencyTable t = prior;
  const double total = std::max<double>(1.0, static_cast<double>(total_));
  for (const auto& [key, count] : counts_) {
    if (count < min_count) continue;
    const double f = static_cast<double>(count) / total;
    const float w = static_cast<float>(
        std::clamp(-std::log(f), static_cast<double>(kMinWeight), static_cast<double>(kMaxWeight)));
    t.weights_[key] = std::min(prior.Weight(key), w);
    t.frequency_[key] = std::max(prior.Frequency(key), f);
  }
  return t;
}

}  // namespace liaison::match
