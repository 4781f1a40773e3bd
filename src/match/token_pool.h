// One shared copy of each distinct prepared name token.
//
// A million-person watchlist holds perhaps a hundred thousand distinct name
// tokens; a prepared token is about half a kilobyte (its romanised forms,
// skeletons and letter counts), so keeping one per person would cost
// gigabytes. The screening index interns every person it holds:
//
//   TokenPool pool;
//   PreparedPerson p = *matcher.Prepare(input);
//   pool.Intern(&p);   // p now points at pooled tokens
//
// A token is identified by its folded text and role: for one Matcher those
// determine everything else about it. Tokens are never removed (the pool
// grows with the vocabulary, not with the number of persons).
//
// Thread-safety: Intern and size may be called concurrently.
#ifndef LIAISON_MATCH_TOKEN_POOL_H_
#define LIAISON_MATCH_TOKEN_POOL_H_

#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "match/matcher.h"

namespace liaison::match {

class TokenPool {
 public:
  TokenPool() = default;
  TokenPool(const TokenPool&) = delete;
  TokenPool& operator=(const TokenPool&) = delete;

  // Replaces every token of `p` by the pool's equal token, adding new ones.
  // With `weigh`, a new token enters the pool with the weight that
  // matcher's frequency table gives it (Matcher::Reweigh).
  void Intern(PreparedPerson* p, const Matcher* weigh = nullptr);

  // For a query: replaces the tokens of `p` the pool holds by its own, and
  // reweighs the others with `weigh`, without adding them.
  void Share(PreparedPerson* p, const Matcher& weigh) const;

  // The pooled token numbered `id` (TokenData::pool_id), or null.
  PreparedToken ById(uint32_t id) const;

  // Number of distinct tokens held; pooled tokens are numbered from 0
  // (TokenData::pool_id) in the order they entered.
  size_t size() const;

 private:
  void InternTokens(std::vector<PreparedToken>* tokens, const Matcher* weigh)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ShareTokens(std::vector<PreparedToken>* tokens, const Matcher& weigh) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  // Key: role byte followed by the folded text.
  absl::flat_hash_map<std::string, PreparedToken> tokens_ ABSL_GUARDED_BY(mu_);
  std::vector<PreparedToken> by_id_ ABSL_GUARDED_BY(mu_);
};

}  // namespace liaison::match

#endif  // LIAISON_MATCH_TOKEN_POOL_H_
