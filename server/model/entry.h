// An entry as people see it: the merged, current state of one practice log
// item. Built by the journal's materialised view from immutable records.
#ifndef HAVEN_SERVER_MODEL_ENTRY_H_
#define HAVEN_SERVER_MODEL_ENTRY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace haven {

struct Entry {
  std::string id;    // 24 lowercase hex characters, random
  std::string type;  // exercise type id, e.g. "checkin"
  uint32_t type_version = 1;
  int64_t at_us = 0;              // when the practice happened, unix microseconds
  int64_t created_us = 0;         // when the entry was first written
  int64_t updated_us = 0;         // latest change of any field
  std::vector<std::string> tags;  // sorted, unique
  nlohmann::json fields = nlohmann::json::object();   // name -> typed value
  nlohmann::json derived = nlohmann::json::object();  // computed by a plugin
  bool deleted = false;
};

}  // namespace haven

#endif  // HAVEN_SERVER_MODEL_ENTRY_H_
