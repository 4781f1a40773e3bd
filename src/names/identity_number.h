// Identity numbers for matching: canonical forms per scheme, and what a
// number says about its holder (Italian codice fiscale: surname and name
// consonants, birth date, sex; Pakistani CNIC: sex).
//
// Validation of numbers entering the node is records/validation's job; this
// unit makes two numbers comparable and extracts evidence from them. It never
// fails on odd input: a number it cannot read is compared as plain
// upper-case letters and digits.
//
// Thread-safety: pure functions.
#ifndef LIAISON_NAMES_IDENTITY_NUMBER_H_
#define LIAISON_NAMES_IDENTITY_NUMBER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liaison::names {

// The scheme family numbers are compared within: "nicop" → "cnic",
// "cf"/"codicefiscale" → "codice_fiscale", lower-cased otherwise.
std::string CanonicalIdScheme(std::string_view scheme);

// Upper-case letters and digits only; for a codice fiscale, letters that
// replace digits (omocodia, L M N P Q R S T U V for 0-9) are turned back
// into digits so that both forms compare equal.
std::string CanonicalIdValue(std::string_view canonical_scheme, std::string_view value);

struct CodiceFiscale {
  std::string surname_code;  // 3 letters
  std::string name_code;     // 3 letters
  int birth_year_2 = 0;      // two digits
  int birth_month = 0;       // 1..12
  int birth_day = 0;         // 1..31
  char sex = 'M';            // 'M' or 'F' (day + 40 for women)
  std::string place_code;    // Belfiore code, e.g. H501 (Rome), Z236 (Pakistan)
};

// The check character of the first 15 characters of a codice fiscale.
char CodiceFiscaleCheckCharacter(std::string_view first15);

// Decodes a codice fiscale (any case, separators allowed, omocodic form
// accepted). Returns InvalidArgument when it has not 16 characters, has
// letters or digits where the other belongs, or fails its check character.
absl::StatusOr<CodiceFiscale> DecodeCodiceFiscale(std::string_view value);

// The three-letter codes a codice fiscale derives from a surname and from a
// given name (consonants, then vowels, then X; for a given name with four or
// more consonants the 1st, 3rd and 4th). Input: Latin letters, any case.
std::string CodiceFiscaleSurnameCode(std::string_view surname);
std::string CodiceFiscaleNameCode(std::string_view given_name);

// Sex encoded by a 13-digit CNIC (last digit odd: male, even: female), or
// nullopt when the value is not 13 digits.
std::optional<char> CnicSex(std::string_view canonical_value);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_IDENTITY_NUMBER_H_
