#include "names/script_fold.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "names/utf8.h"
#include "unicode/normalizer2.h"
#include "unicode/uchar.h"
#include "unicode/unistr.h"
#include "unicode/uscript.h"

namespace liaison::names {
namespace {

bool InArabicBlock(char32_t cp) {
  return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
         (cp >= 0x08A0 && cp <= 0x08FF);
}

// Latin letters with diacritics (Latin-1 Supplement, Latin Extended-A/B,
// Latin Extended Additional) map to one or two ASCII letters. Built once from
// ICU's canonical decompositions plus the letters that do not decompose.
struct LatinFoldTable {
  static constexpr char32_t kFirst = 0x00C0;
  static constexpr char32_t kLast = 0x024F;
  static constexpr char32_t kExtFirst = 0x1E00;
  static constexpr char32_t kExtLast = 0x1EFF;
  std::array<std::array<char, 3>, kLast - kFirst + 1> base{};
  std::array<std::array<char, 3>, kExtLast - kExtFirst + 1> ext{};

  LatinFoldTable() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    auto fill = [&](char32_t cp, std::array<char, 3>& slot) {
      slot = {0, 0, 0};
      if (U_SUCCESS(status) && nfd != nullptr) {
        icu::UnicodeString d;
        if (nfd->getDecomposition(static_cast<UChar32>(cp), d) && d.length() > 0) {
          const UChar32 first = d.char32At(0);
          if (first < 0x80 && u_isalpha(first)) {
            slot[0] = static_cast<char>(u_tolower(first));
            return;
          }
        }
      }
    };
    for (char32_t cp = kFirst; cp <= kLast; ++cp) fill(cp, base[cp - kFirst]);
    for (char32_t cp = kExtFirst; cp <= kExtLast; ++cp) fill(cp, ext[cp - kExtFirst]);
    // Letters without a canonical decomposition.
    auto set = [&](char32_t cp, const char* s) {
      auto& slot = base[cp - kFirst];
      slot = {0, 0, 0};
      for (int i = 0; i < 2 && s[i]; ++i) slot[i] = s[i];
    };
    set(0x00C6, "ae"), set(0x00E6, "ae"), set(0x00D8, "o"), set(0x00F8, "o");
    set(0x00DF, "ss"), set(0x00D0, "d"), set(0x00F0, "d"), set(0x00DE, "th");
    set(0x00FE, "th"), set(0x0110, "d"), set(0x0111, "d"), set(0x0126, "h");
    set(0x0127, "h"), set(0x0131, "i"), set(0x0141, "l"), set(0x0142, "l");
    set(0x0152, "oe"), set(0x0153, "oe"), set(0x0166, "t"), set(0x0167, "t");
    set(0x0180, "b"), set(0x0197, "i"), set(0x01B5, "z"), set(0x01B6, "z");
    set(0x00D7, ""), set(0x00F7, "");
  }

  const char* Lookup(char32_t cp) const {
    if (cp >= kFirst && cp <= kLast) return base[cp - kFirst].data();
    if (cp >= kExtFirst && cp <= kExtLast) return ext[cp - kExtFirst].data();
    return nullptr;
  }
};

const LatinFoldTable& LatinFold() {
  static const LatinFoldTable* const table = new LatinFoldTable();
  return *table;
}

bool IsApostrophe(char32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC || cp == 0x02BB || cp == '`' ||
         cp == 0x00B4 || cp == 0x02B9 || cp == 0x2032;
}

}  // namespace

char32_t FoldArabicCodePoint(char32_t cp) {
  switch (cp) {
    case 0x064A:      // ARABIC LETTER YEH
    case 0x0649:      // ALEF MAKSURA
    case 0x06D0:      // YEH (Pashto E)
    case 0x06CD:      // YEH WITH TAIL
      return 0x06CC;  // FARSI/URDU YEH
    case 0x0643:      // ARABIC KAF
    case 0x06AA:      // SWASH KAF
      return 0x06A9;  // KEHEH
    case 0x0647:      // ARABIC HEH
    case 0x06C0:      // HEH WITH YEH ABOVE
    case 0x06C2:      // HEH GOAL WITH HAMZA ABOVE
    case 0x0629:      // TEH MARBUTA
    case 0x06C3:      // TEH MARBUTA GOAL
    case 0x06D5:      // AE
      return 0x06C1;  // HEH GOAL
    case 0x0623:      // ALEF WITH HAMZA ABOVE
    case 0x0625:      // ALEF WITH HAMZA BELOW
    case 0x0671:      // ALEF WASLA
    case 0x0672:
    case 0x0673:
      return 0x0627;  // ALEF
    case 0x0624:      // WAW WITH HAMZA
    case 0x0676:
      return 0x0648;  // WAW
    case 0x06D3:      // YEH BARREE WITH HAMZA
      return 0x06D2;
    case 0x0640:  // TATWEEL
    case 0x0674:  // HIGH HAMZA
      return 0;
    default:
      break;
  }
  if (cp >= 0x0660 && cp <= 0x0669) return U'0' + (cp - 0x0660);
  if (cp >= 0x06F0 && cp <= 0x06F9) return U'0' + (cp - 0x06F0);
  // Harakat, superscript alef, Quranic annotation marks.
  if ((cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || (cp >= 0x0610 && cp <= 0x061A) ||
      (cp >= 0x06D6 && cp <= 0x06ED) || (cp >= 0x08D3 && cp <= 0x08FF)) {
    return 0;
  }
  return cp;
}

bool IsArabicLetter(char32_t cp) {
  if (!InArabicBlock(cp)) return false;
  if (cp >= 0x0660 && cp <= 0x0669) return false;
  if (cp >= 0x06F0 && cp <= 0x06F9) return false;
  return (cp >= 0x0620 && cp <= 0x064A) || (cp >= 0x066E && cp <= 0x06D3) || cp == 0x06D5 ||
         (cp >= 0x06FA && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
         (cp >= 0x08A0 && cp <= 0x08C9);
}

Script ScriptOf(char32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ? Script::kLatin : Script::kNone;
  if (IsArabicLetter(cp)) return Script::kArabic;
  if (!u_isalpha(static_cast<UChar32>(cp))) return Script::kNone;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(cp), &status);
  if (U_FAILURE(status)) return Script::kOther;
  if (script == USCRIPT_LATIN) return Script::kLatin;
  if (script == USCRIPT_ARABIC) return Script::kArabic;
  return Script::kOther;
}

absl::StatusOr<std::u32string> FoldName(std::string_view text) {
  if (text.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("name is ", text.size(), " bytes, longer than the limit of ", kMaxNameBytes));
  }
  std::u32string decoded;
  decoded.reserve(text.size());
  bool ascii = true;
  for (unsigned char c : text) ascii &= c < 0x80;
  if (ascii) {
    for (unsigned char c : text) decoded.push_back(c);
  } else {
    // Validate before ICU sees the bytes: ICU would silently substitute.
    std::u32string raw;
    if (absl::Status s = DecodeUtf8(text, &raw); !s.ok()) return s;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status) || nfkc_cf == nullptr) {
      return absl::InternalError(absl::StrCat("ICU NFKC_Casefold: ", u_errorName(status)));
    }
    icu::UnicodeString src = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::UnicodeString dst = nfkc_cf->normalize(src, status);
    if (U_FAILURE(status)) {
      return absl::InternalError(absl::StrCat("ICU normalisation: ", u_errorName(status)));
    }
    for (int32_t i = 0; i < dst.length();) {
      const UChar32 cp = dst.char32At(i);
      decoded.push_back(static_cast<char32_t>(cp));
      i += U16_LENGTH(cp);
    }
  }
  std::u32string out;
  out.reserve(decoded.size());
  const LatinFoldTable& latin = LatinFold();
  for (char32_t cp : decoded) {
    if (cp < 0x80) {
      if (cp >= 'A' && cp <= 'Z') cp = cp - 'A' + 'a';
      if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == ' ' || cp == '/' ||
          cp == '.' || cp == '-' || cp == '\'' || cp == ',') {
        out.push_back(cp);
      } else if (cp == '`') {
        out.push_back('\'');
      } else {
        out.push_back(' ');
      }
      continue;
    }
    if (IsApostrophe(cp)) {
      out.push_back('\'');
      continue;
    }
    if (cp == 0x200C || cp == 0x200D || cp == 0x200E || cp == 0x200F || cp == 0xFEFF ||
        cp == 0x00AD) {
      continue;  // Joiners, direction marks, soft hyphen: invisible.
    }
    if (cp == 0x2010 || cp == 0x2011 || cp == 0x2012 || cp == 0x2013 || cp == 0x2014 ||
        cp == 0x06D4) {
      out.push_back(cp == 0x06D4 ? '.' : '-');
      continue;
    }
    if (cp == 0x060C) {  // ARABIC COMMA
      out.push_back(',');
      continue;
    }
    if (InArabicBlock(cp)) {
      const char32_t f = FoldArabicCodePoint(cp);
      if (f == 0) continue;
      if (f < 0x80 || IsArabicLetter(f)) {
        out.push_back(f);
      } else {
        out.push_back(' ');
      }
      continue;
    }
    if (const char* ascii_form = latin.Lookup(cp); ascii_form != nullptr) {
      if (ascii_form[0] == 0) {
        // Not a known letter of the table: keep letters, drop the rest.
        if (u_isalpha(static_cast<UChar32>(cp))) out.push_back(cp);
        continue;
      }
      for (int i = 0; i < 3 && ascii_form[i]; ++i) out.push_back(ascii_form[i]);
      continue;
    }
    const int8_t type = u_charType(static_cast<UChar32>(cp));
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK ||
        type == U_COMBINING_SPACING_MARK) {
      // Marks of other scripts matter (Devanagari vowel signs); Latin
      // combining accents left after NFKC do not.
      if (cp >= 0x0300 && cp <= 0x036F) continue;
      out.push_back(cp);
      continue;
    }
    if (u_isalpha(static_cast<UChar32>(cp)) || u_isdigit(static_cast<UChar32>(cp))) {
      out.push_back(cp);
    } else {
      out.push_back(' ');
    }
  }
  return out;
}

}  // namespace liaison::names
