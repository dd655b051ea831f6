// The end of guided logging: the entry shown as it will be saved, and the
// question whether to save it.
#ifndef HAVEN_CLI_ENTRY_PREVIEW_H_
#define HAVEN_CLI_ENTRY_PREVIEW_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/field_spec.h"
#include "haven/v1/daemon.pb.h"

namespace haven::cli {

// An exercise type as guided logging reads it from the daemon's manifest.
struct Exercise {
  std::string id;
  std::string title;
  std::string description;
  std::vector<FieldSpec> fields;  // in the manifest's order
};

// Shows on stderr the entry of `exercise` with `values` (field name ->
// checked value), the defaults the daemon will fill for the fields left
// out, and the time and tags of `req`; then asks "Save it? [Y/n]" (Enter:
// yes). Returns whether to save; InvalidArgument when the input ends.
absl::StatusOr<bool> ConfirmSave(const Exercise& exercise, const nlohmann::json& values,
                                 const v1::LogRequest& req);

}  // namespace haven::cli

#endif  // HAVEN_CLI_ENTRY_PREVIEW_H_
