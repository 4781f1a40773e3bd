#include "names/identity_number.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace liaison::names {
namespace {

// Codice fiscale positions that hold digits (others hold letters).
constexpr bool kDigitPosition[15] = {false, false, false, false, false, false, true, true,
                                     false, true,  true,  false, true,  true,  true};
constexpr std::string_view kOmocodia = "LMNPQRSTUV";
constexpr std::string_view kMonths = "ABCDEHLMPRST";

std::string UpperAlnum(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

bool IsVowel(char c) { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U'; }

void Split(std::string_view name, std::string* consonants, std::string* vowels) {
  for (char c : name) {
    if (!std::isalpha(static_cast<unsigned char>(c))) continue;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    (IsVowel(c) ? vowels : consonants)->push_back(c);
  }
}

}  // namespace

std::string CanonicalIdScheme(std::string_view scheme) {
  std::string s;
  for (char c : scheme) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  if (s == "nicop" || s == "cnic" || s == "nic") return "cnic";
  if (s == "cf" || s == "codicefiscale" || s == "codice_fiscale") return "codice_fiscale";
  return s;
}

std::string CanonicalIdValue(std::string_view canonical_scheme, std::string_view value) {
  std::string v = UpperAlnum(value);
  if (canonical_scheme == "codice_fiscale" && v.size() == 16) {
    for (size_t i = 0; i < 15; ++i) {
      if (!kDigitPosition[i]) continue;
      const size_t k = kOmocodia.find(v[i]);
      if (k != std::string_view::npos) v[i] = static_cast<char>('0' + k);
    }
    v[15] = CodiceFiscaleCheckCharacter(std::string_view(v).substr(0, 15));
  }
  return v;
}

char CodiceFiscaleCheckCharacter(std::string_view s) {
  static constexpr int kOdd[36] = {1,  0, 5, 7,  9,  13, 15, 17, 19, 21, 1,  0,
                                   5,  7, 9, 13, 15, 17, 19, 21, 2,  4,  18, 20,
                                   11, 3, 6, 8,  12, 14, 16, 10, 22, 25, 24, 23};
  int sum = 0;
  for (size_t i = 0; i < s.size() && i < 15; ++i) {
    const char c = s[i];
    int idx;
    int even_value;
    if (c >= '0' && c <= '9') {
      idx = c - '0';
      even_value = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      idx = 10 + (c - 'A');
      even_value = c - 'A';
    } else {
      return '?';
    }
    // Positions are counted from 1: odd positions use the odd table.
    sum += (i % 2 == 0) ? kOdd[idx] : even_value;
  }
  return static_cast<char>('A' + sum % 26);
}

absl::StatusOr<CodiceFiscale> DecodeCodiceFiscale(std::string_view value) {
  std::string v = UpperAlnum(value);
  if (v.size() != 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("a codice fiscale has 16 characters, got ", v.size()));
  }
  if (CodiceFiscaleCheckCharacter(std::string_view(v).substr(0, 15)) != v[15]) {
    return absl::InvalidArgumentError("codice fiscale check character does not match");
  }
  for (size_t i = 0; i < 15; ++i) {
    const char c = v[i];
    if (kDigitPosition[i]) {
      const size_t k = kOmocodia.find(c);
      if (k != std::string_view::npos) {
        v[i] = static_cast<char>('0' + k);
      } else if (!std::isdigit(static_cast<unsigned char>(c))) {
        return absl::InvalidArgumentError(
            absl::StrCat("codice fiscale: position ", i + 1, " must be a digit"));
      }
    } else if (!std::isalpha(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError(
          absl::StrCat("codice fiscale: position ", i + 1, " must be a letter"));
    }
  }
  CodiceFiscale cf;
  cf.surname_code = v.substr(0, 3);
  cf.name_code = v.substr(3, 3);
  cf.birth_year_2 = (v[6] - '0') * 10 + (v[7] - '0');
  const size_t month = kMonths.find(v[8]);
  if (month == std::string_view::npos) {
    return absl::InvalidArgumentError("codice fiscale: invalid month letter");
  }
  cf.birth_month = static_cast<int>(month) + 1;
  int day = (v[9] - '0') * 10 + (v[10] - '0');
  if (day > 40) {
    cf.sex = 'F';
    day -= 40;
  }
  if (day < 1 || day > 31) return absl::InvalidArgumentError("codice fiscale: invalid day");
  cf.birth_day = day;
  cf.place_code = v.substr(11, 4);
  return cf;
}

std::string CodiceFiscaleSurnameCode(std::string_view surname) {
  std::string consonants, vowels;
  Split(surname, &consonants, &vowels);
  std::string code = (consonants + vowels).substr(0, 3);
  while (code.size() < 3) code.push_back('X');
  return code;
}

std::string CodiceFiscaleNameCode(std::string_view given_name) {
  std::string consonants, vowels;
  Split(given_name, &consonants, &vowels);
  if (consonants.size() >= 4) {
    return std::string{consonants[0], consonants[2], consonants[3]};
  }
  std::string code = (consonants + vowels).substr(0, 3);
  while (code.size() < 3) code.push_back('X');
  return code;
}

std::optional<char> CnicSex(std::string_view v) {
  if (v.size() != 13) return std::nullopt;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return ((v[12] - '0') % 2 == 1) ? 'M' : 'F';
}

}  // namespace liaison::names
