#include "auth/password.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/json_text.h"

namespace liaison::auth {
namespace {

bool SodiumReady() { return sodium_init() >= 0; }

// Lowercase ASCII letters, other bytes as they are.
std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Common choices from public breach lists, plus the words anyone would try
// against this product. Compared after Fold and after stripping trailing
// digits and punctuation.
constexpr std::array<std::string_view, 40> kDenyList = {
    "password",     "passw0rd",      "p@ssw0rd", "p@ssword",       "qwerty",      "qwertyuiop",
    "qwertyuiopas", "asdfghjkl",     "zxcvbnm",  "iloveyou",       "letmein",     "welcome",
    "admin",        "administrator", "changeme", "changeit",       "default",     "secret",
    "trustno1",     "monkey",        "dragon",   "football",       "baseball",    "sunshine",
    "princess",     "superman",      "master",   "login",          "liaison",     "liaisonnode",
    "police",       "punjabpolice",  "polizia",  "poliziadistato", "carabinieri", "lahore",
    "pakistan",     "italia",        "roma",     "interpol",
};

std::string_view StripTrailingDigitsAndPunct(std::string_view s) {
  while (!s.empty() && (std::isdigit(static_cast<unsigned char>(s.back())) ||
                        std::ispunct(static_cast<unsigned char>(s.back())) || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsStraightRun(std::string_view s) {
  if (s.size() < 3) return false;
  int step = static_cast<unsigned char>(s[1]) - static_cast<unsigned char>(s[0]);
  if (step != 1 && step != -1) return false;
  for (size_t i = 2; i < s.size(); ++i) {
    int d = static_cast<unsigned char>(s[i]) - static_cast<unsigned char>(s[i - 1]);
    // "…890123…" wraps around from 9 to 0.
    bool wrap = (s[i - 1] == '9' && s[i] == '0' && step == 1) ||
                (s[i - 1] == '0' && s[i] == '9' && step == -1);
    if (d != step && !wrap) return false;
  }
  return true;
}

std::vector<std::string> NameParts(std::string_view name) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      current.push_back(c);
    } else if (!current.empty()) {
      parts.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

}  // namespace

PasswordCost PasswordCost::Moderate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}
PasswordCost PasswordCost::Interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}
PasswordCost PasswordCost::TestOnly() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

absl::StatusOr<std::string> HashPassword(std::string_view password, const PasswordCost& cost) {
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("password is longer than ", kMaxPasswordBytes, " bytes"));
  }
  if (!SodiumReady()) return absl::InternalError("libsodium failed to initialise");
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.opslimit, cost.memlimit,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat("Argon2id could not allocate ", cost.memlimit, " bytes"));
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view stored_hash, std::string_view password) {
  if (!SodiumReady() || stored_hash.size() >= crypto_pwhash_STRBYTES ||
      password.size() > kMaxPasswordBytes) {
    return false;
  }
  // libsodium wants a NUL-terminated hash string.
  char hash[crypto_pwhash_STRBYTES] = {};
  std::copy(stored_hash.begin(), stored_hash.end(), hash);
  return crypto_pwhash_str_verify(hash, password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view stored_hash, const PasswordCost& cost) {
  if (!SodiumReady() || stored_hash.size() >= crypto_pwhash_STRBYTES) return true;
  char hash[crypto_pwhash_STRBYTES] = {};
  std::copy(stored_hash.begin(), stored_hash.end(), hash);
  if (std::string_view(hash).substr(0, 10) != "$argon2id$") return true;
  return crypto_pwhash_str_needs_rehash(hash, cost.opslimit, cost.memlimit) != 0;
}

absl::Status CheckPasswordPolicy(std::string_view password, const PasswordContext& context) {
  if (!IsValidUtf8(password)) return absl::InvalidArgumentError("password is not valid UTF-8");
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("password is longer than ", kMaxPasswordBytes, " bytes"));
  }
  if (CodePoints(password) < kMinPasswordChars) {
    return absl::InvalidArgumentError(absl::StrCat(
        "password must be at least ", kMinPasswordChars,
        " characters; a few unrelated words make a long password that is easy to remember"));
  }
  const std::string folded = Fold(password);
  if (std::all_of(folded.begin(), folded.end(), [&](char c) { return c == folded[0]; })) {
    return absl::InvalidArgumentError("password is one character repeated");
  }
  if (IsStraightRun(folded)) {
    return absl::InvalidArgumentError("password is a run of consecutive characters");
  }
  const std::string_view core = StripTrailingDigitsAndPunct(folded);
  for (std::string_view bad : kDenyList) {
    if (core == bad || folded == bad) {
      return absl::InvalidArgumentError("password is on the list of commonly used passwords");
    }
  }
  const std::string id = Fold(context.user_id);
  if (id.size() >= 4 && folded.find(id) != std::string::npos) {
    return absl::InvalidArgumentError("password contains the user id");
  }
  for (const std::string& part : NameParts(Fold(context.display_name))) {
    if (CodePoints(part) >= 4 && folded.find(part) != std::string::npos) {
      return absl::InvalidArgumentError("password contains part of the user's name");
    }
  }
  return absl::OkStatus();
}

}  // namespace liaison::auth
