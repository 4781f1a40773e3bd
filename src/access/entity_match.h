// Matching a person received in a case message against the node's own
// persons, so an officer can see whether the partner's person is one the
// node already holds before importing it (Messaging::ImportEntity). Both
// gates apply: the message is read through Messaging::GetMessage (cases.read,
// clearance against its handling code, audited) and the search runs through
// PersonSearch (screening.search, purpose, audited as a search).
//
// Thread-safety: as the two gates (safe for concurrent use).
#ifndef LIAISON_ACCESS_ENTITY_MATCH_H_
#define LIAISON_ACCESS_ENTITY_MATCH_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "access/messaging.h"
#include "access/person_search.h"

namespace liaison::access {

// The node's persons that match person entity `index` of message
// `message_id`, best first, at most `limit`. With no purpose given, the
// purpose is "matching a person received in case <id>". NotFound for no
// such entity, InvalidArgument when it is not a person, and the gates'
// errors.
absl::StatusOr<std::vector<PersonSearchHit>> MatchMessageEntity(
    Messaging& messaging, PersonSearch& search, const Actor& actor, const Purpose& purpose,
    std::string_view message_id, int index, size_t limit = 10);

}  // namespace liaison::access

#endif  // LIAISON_ACCESS_ENTITY_MATCH_H_
