#include "match/token_pool.h"

namespace liaison::match {

void TokenPool::InternTokens(std::vector<PreparedToken>* tokens) {
  std::string key;
  for (PreparedToken& t : *tokens) {
    key.clear();
    key.push_back(static_cast<char>(t->role));
    key += t->text;
    auto [it, inserted] = tokens_.try_emplace(key, t);
    if (!inserted) t = it->second;
  }
}

void TokenPool::Intern(PreparedPerson* p) {
  absl::MutexLock lock(&mu_);
  for (PreparedName& n : p->names) {
    InternTokens(&n.tokens);
    InternTokens(&n.relative);
  }
  InternTokens(&p->father);
  InternTokens(&p->spouse);
}

size_t TokenPool::size() const {
  absl::MutexLock lock(&mu_);
  return tokens_.size();
}

}  // namespace liaison::match
