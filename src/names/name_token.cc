#include "names/name_token.h"

#include <algorithm>
#include <cmath>

#include "names/string_metrics.h"

namespace liaison::names {
namespace {

bool IsVowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

}  // namespace

std::string LatinMatchingKey(std::string_view in) {
  std::string s;
  s.reserve(in.size());
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') s.push_back(c);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char n = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == 'p' && n == 'h') {
      out.push_back('f');
      ++i;
    } else if (c == 'e' && n == 'e') {
      out.push_back('i');
      ++i;
    } else if (c == 'o' && (n == 'o' || n == 'u')) {
      out.push_back('u');
      ++i;
    } else if (c == 'c' && n == 'k') {
      out.push_back('k');
      ++i;
    } else if (c == 'q') {
      out.push_back('k');
    } else if (c == 'w' && (out.empty() || !IsVowel(out.back())) && n != 'h' && n != '\0' &&
               !IsVowel(n)) {
      out.push_back('u');  // "w" between consonants is a vowel
    } else if (c == 'y' && n == '\0' && !out.empty()) {
      out.push_back('i');  // final y sounds i: Aly, Chaudhry
    } else {
      out.push_back(c);
    }
  }
  // Collapse doubled letters (Muhammad/Muhamad, Hussain/Husain).
  std::string collapsed;
  collapsed.reserve(out.size());
  for (char c : out) {
    if (collapsed.empty() || collapsed.back() != c) collapsed.push_back(c);
  }
  return collapsed;
}

std::string ConsonantSkeleton(std::string_view key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    const char next = i + 1 < key.size() ? key[i + 1] : '\0';
    if (i > 0 && IsVowel(c)) continue;
    if (i == 0 && IsVowel(c)) c = 'a';  // initial vowel: one class
    if (c == 'h' && i > 0) {
      // Aspiration and Arabic-letter digraphs (th, dh, bh) and a final h
      // (Abdullah/Abdulla) carry little; kh, gh, sh, ch, zh stay.
      const char prev = key[i - 1];
      if (next == '\0' || prev == 't' || prev == 'd' || prev == 'b' || prev == 'p' || prev == 'j' ||
          prev == 'r' || IsVowel(prev)) {
        if (next == '\0' || !IsVowel(prev)) continue;
      }
    }
    if (c == 'w') c = 'v';
    if (c == 'c' && next != 'h') c = 'k';
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

TokenForms TokenForms::FromLatin(std::string_view latin) {
  TokenForms t;
  const std::string key = LatinMatchingKey(latin);
  t.keys[0].Assign(key);
  t.skeletons[0].Assign(ConsonantSkeleton(key));
  t.num_forms = 1;
  return t;
}

TokenForms TokenForms::FromUrdu(std::u32string_view folded, const UrduLatinModel& model) {
  TokenForms t;
  t.from_arabic_script = true;
  t.arabic.assign(folded.begin(), folded.end());
  const auto romanisations = model.Romanise(folded, kMaxForms * 2);
  if (romanisations.empty()) return t;
  const double best = romanisations[0].log_prob;
  for (const auto& r : romanisations) {
    if (t.num_forms >= kMaxForms) break;
    const std::string key = LatinMatchingKey(r.latin);
    bool duplicate = false;
    for (int i = 0; i < t.num_forms; ++i) duplicate |= t.keys[i].view() == key;
    if (duplicate) continue;
    // Less probable readings count a little less.
    const double drop = best - r.log_prob;
    if (t.num_forms > 0 && drop > 4.0) break;
    t.keys[t.num_forms].Assign(key);
    t.skeletons[t.num_forms].Assign(ConsonantSkeleton(key));
    t.penalty[t.num_forms] = static_cast<float>(std::min(0.05, 0.01 * drop));
    ++t.num_forms;
  }
  return t;
}

double TokenSimilarity(const TokenForms& a, const TokenForms& b) {
  if (a.from_arabic_script && b.from_arabic_script && !a.arabic.empty() && a.arabic == b.arabic) {
    return 1.0;
  }
  double best = 0;
  for (int i = 0; i < a.num_forms; ++i) {
    for (int j = 0; j < b.num_forms; ++j) {
      const double key_sim = JaroWinklerSimilarity(a.keys[i].view(), b.keys[j].view());
      const double skel_sim = JaroWinklerSimilarity(a.skeletons[i].view(), b.skeletons[j].view());
      const double s = 0.75 * key_sim + 0.25 * skel_sim - a.penalty[i] - b.penalty[j];
      best = std::max(best, s);
    }
  }
  return std::clamp(best, 0.0, 1.0);
}

}  // namespace liaison::names
