#include "access/entity_match.h"

#include "common/absl_bridge.h"
#include "common/status_macros.h"
#include "match/record_person.h"
#include "records/record_json.h"

namespace liaison::access {

absl::StatusOr<std::vector<PersonSearchHit>> MatchMessageEntity(
    Messaging& messaging, PersonSearch& search, const Actor& actor, const Purpose& purpose,
    std::string_view message_id, int index, size_t limit) {
  ASSIGN_OR_RETURN(MessageView view, messaging.GetMessage(actor, purpose, message_id));
  ASSIGN_OR_RETURN(Json entities, ParseJson(view.message.entities_json));
  if (!entities.is_array() || index < 0 || static_cast<size_t>(index) >= entities.size()) {
    return absl::NotFoundError(StrCat("message ", message_id, " has no entity ", index));
  }
  const Json& e = entities[static_cast<size_t>(index)];
  if (e.value("type", std::string()) != "person") {
    return absl::InvalidArgumentError(
        StrCat("entity ", index, " of message ", message_id, " is not a person"));
  }
  ASSIGN_OR_RETURN(records::RecordBody body,
                   records::BodyFromJson(records::RecordType::kPerson, e["body"]));
  PersonQuery query;
  query.person = match::PersonInputFromRecord(std::get<records::Person>(body));
  query.limit = limit;
  Purpose why = purpose;
  if (why.text.empty()) {
    why = {StrCat("matching a person received in case ", view.message.case_id),
           view.message.case_id};
  }
  return search.Search(actor, why, query);
}

}  // namespace liaison::access
