// Unicode normalisation and script folding: the first step of every name.
//
// FoldName turns raw text into a sequence of code points where spelling
// variants that carry no information for matching are made equal:
// - NFKC with case folding (ICU), so presentation forms, full-width letters
//   and case vanish;
// - Arabic script (Urdu, Arabic, Persian): Arabic/Persian letter forms are
//   mapped to their Urdu forms (ي ى → ی, ك → ک, ه ة ۃ ۀ → ہ), hamza carriers
//   on alef become alef (أ إ ٱ → ا), harakat, superscript alef, Quranic
//   marks, tatweel and joiners are removed, Arabic-Indic digits become ASCII;
// - Latin: diacritics are removed (é → e, ñ → n, ł → l, ø → o, ß → ss,
//   æ → ae); apostrophe look-alikes become '\''.
// Separators that the name parser needs (space, '/', '.', '-', '\'', ',')
// survive; any other punctuation or symbol becomes a space. Code points of
// other scripts (Cyrillic, Devanagari, ...) are kept for the parser to
// romanise.
//
// Thread-safety: pure functions, safe from any thread (ICU normalisers are
// immutable singletons owned by ICU).
#ifndef LIAISON_NAMES_SCRIPT_FOLD_H_
#define LIAISON_NAMES_SCRIPT_FOLD_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace liaison::names {

// Longest name text accepted, in bytes. Longer input is rejected, not cut.
inline constexpr size_t kMaxNameBytes = 1024;

enum class Script { kNone, kLatin, kArabic, kOther };

// True for letters of the Arabic script blocks after folding.
bool IsArabicLetter(char32_t cp);

// The script of one letter (kNone for digits, separators, marks).
Script ScriptOf(char32_t cp);

// Folds one Arabic-script code point; returns 0 when it is to be dropped
// (diacritics, tatweel) and `cp` itself when no folding applies.
char32_t FoldArabicCodePoint(char32_t cp);

// Folds a name as described above. Returns InvalidArgument for invalid UTF-8
// or input longer than kMaxNameBytes, and Internal if ICU fails.
absl::StatusOr<std::u32string> FoldName(std::string_view text);

}  // namespace liaison::names

#endif  // LIAISON_NAMES_SCRIPT_FOLD_H_
