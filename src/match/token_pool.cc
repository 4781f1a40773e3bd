#include "match/token_pool.h"

namespace liaison::match {
namespace {

void KeyOf(const PreparedToken& t, std::string* key) {
  key->clear();
  key->push_back(static_cast<char>(t->role));
  *key += t->text;
}

}  // namespace

void TokenPool::InternTokens(std::vector<PreparedToken>* tokens, const Matcher* weigh) {
  std::string key;
  for (PreparedToken& t : *tokens) {
    KeyOf(t, &key);
    auto it = tokens_.find(key);
    if (it == tokens_.end()) {
      auto pooled = std::make_shared<TokenData>(weigh != nullptr ? *weigh->Reweigh(t) : *t);
      pooled->pool_id = static_cast<uint32_t>(by_id_.size());
      by_id_.push_back(pooled);
      it = tokens_.emplace(key, std::move(pooled)).first;
    }
    t = it->second;
  }
}

void TokenPool::ShareTokens(std::vector<PreparedToken>* tokens, const Matcher& weigh) const {
  std::string key;
  for (PreparedToken& t : *tokens) {
    KeyOf(t, &key);
    auto it = tokens_.find(key);
    t = it != tokens_.end() ? it->second : weigh.Reweigh(t);
  }
}

void TokenPool::Intern(PreparedPerson* p, const Matcher* weigh) {
  absl::MutexLock lock(&mu_);
  for (PreparedName& n : p->names) {
    InternTokens(&n.tokens, weigh);
    InternTokens(&n.relative, weigh);
  }
  InternTokens(&p->father, weigh);
  InternTokens(&p->spouse, weigh);
}

void TokenPool::Share(PreparedPerson* p, const Matcher& weigh) const {
  absl::ReaderMutexLock lock(&mu_);
  for (PreparedName& n : p->names) {
    ShareTokens(&n.tokens, weigh);
    ShareTokens(&n.relative, weigh);
  }
  ShareTokens(&p->father, weigh);
  ShareTokens(&p->spouse, weigh);
}

PreparedToken TokenPool::ById(uint32_t id) const {
  absl::ReaderMutexLock lock(&mu_);
  return id < by_id_.size() ? by_id_[id] : nullptr;
}

size_t TokenPool::size() const {
  absl::MutexLock lock(&mu_);
  return tokens_.size();
}

}  // namespace liaison::match
