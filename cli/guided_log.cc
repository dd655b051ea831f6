#include "cli/guided_log.h"

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/entry_preview.h"
#include "cli/field_answer.h"
#include "cli/prompt.h"
#include "cli/reply_json.h"
#include "common/field_check.h"
#include "common/field_error.h"
#include "common/json_bounded.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

using nlohmann::json;

absl::StatusOr<std::vector<json>> FetchTypes(DaemonClient& client, const std::string& type) {
  v1::TypesRequest req;
  req.set_type(type);
  v1::TypesReply reply;
  grpc::Status s = client.Call(kJournalTypes, req, &reply);
  if (s.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::InvalidArgumentError(s.error_message());
  }
  if (!s.ok()) return FromGrpc(s);
  if (reply.type_json_size() == 0) {
    return absl::FailedPreconditionError(type.empty()
                                             ? "no exercise types are loaded (see `haven types`)"
                                             : "the daemon sent no type");
  }
  return ParseReplies(reply.type_json());
}

// A string member of a reply object; "" when absent or not a string.
std::string Member(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

absl::StatusOr<Exercise> ExerciseFromJson(const json& type) {
  if (!type.is_object() || !type.contains("fields") || !type["fields"].is_array()) {
    return absl::InternalError("the daemon's reply: a type without fields");
  }
  Exercise exercise{Member(type, "id"), Member(type, "title"), Member(type, "description"), {}};
  for (const json& field : type["fields"]) {
    auto spec = FieldSpecFromJson(field);
    if (!spec.ok()) return absl::InternalError(spec.status().message());
    exercise.fields.push_back(std::move(*spec));
  }
  return exercise;
}

// The numbered menu of `haven log` without a type.
absl::StatusOr<json> ChooseType(const std::vector<json>& types) {
  std::cerr << "Which practice would you like to log?\n";
  for (size_t i = 0; i < types.size(); ++i) {
    std::string id = Member(types[i], "id"), title = Member(types[i], "title");
    std::cerr << "  " << (i < 9 ? " " : "") << i + 1 << ". "
              << Printable(title.empty() ? id : title + " (" + id + ")") << "\n";
  }
  const std::string range = "1 to " + std::to_string(types.size());
  while (true) {
    std::optional<std::string> line = AskLine("  [" + range + ", or its name] > ");
    if (!line) return absl::InvalidArgumentError("no exercise type chosen; nothing was saved");
    size_t number = 0;
    if (!line->empty() && line->size() <= 4 &&
        line->find_first_not_of("0123456789") == std::string::npos) {
      number = std::stoul(*line);
    }
    for (size_t i = 0; i < types.size(); ++i) {
      if (number == i + 1 || (!line->empty() && Member(types[i], "id") == *line)) return types[i];
    }
    std::cerr << "  There is no such practice here: please choose " << range
              << ", or type a name from the list.\n";
  }
}

// So that a wrong passphrase cannot cost the answers, the vault is unlocked
// before anything is asked (a one-entry list needs the key).
absl::Status EnsureUnlocked(DaemonClient& client) {
  v1::ListRequest req;
  req.set_limit(1);
  v1::ListReply reply;
  return client.WithUnlock([&] { return client.Call(kJournalList, req, &reply); });
}

const FieldSpec* FindSpec(const Exercise& exercise, const std::string& name) {
  for (const FieldSpec& spec : exercise.fields) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

// The values given with --json and -f (-f wins for one field), checked as the
// daemon checks them, so that a mistake there is said before any question.
absl::StatusOr<json> GivenValues(const Exercise& exercise, const v1::LogRequest& req) {
  const int64_t now = NowMicros();
  json given = json::object();
  auto parsed = ParseFieldsJson(req.fields_json(), "--json");
  if (!parsed.ok()) return parsed.status();
  const json from_json = parsed->is_object() ? std::move(*parsed) : json::object();
  for (const auto& [name, value] : from_json.items()) {
    if (value.is_null() || req.field_text().contains(name)) continue;
    const FieldSpec* spec = FindSpec(exercise, name);
    if (spec == nullptr) return UnknownFieldError(exercise.id, exercise.fields, name);
    auto checked = CheckFieldValue(*spec, value, now);
    if (!checked.ok()) return checked.status();
    given[name] = std::move(*checked);
  }
  for (const auto& [name, text] : req.field_text()) {
    const FieldSpec* spec = FindSpec(exercise, name);
    if (spec == nullptr) return UnknownFieldError(exercise.id, exercise.fields, name);
    auto checked = ParseFieldValueText(*spec, text, now);
    if (!checked.ok()) return checked.status();
    given[name] = std::move(*checked);
  }
  return given;
}

void Introduce(const Exercise& exercise, size_t questions) {
  std::cerr << "\n" << Printable(exercise.title.empty() ? exercise.id : exercise.title) << "\n";
  if (!exercise.description.empty()) std::cerr << "  " << Printable(exercise.description) << "\n";
  std::cerr << "  " << questions << (questions == 1 ? " question" : " questions")
            << ". Enter skips one marked \"Enter to skip\"; Ctrl-C stops without saving.\n";
}

void SayNotSaved(const std::string& type) {
  std::cerr << "Nothing was saved. Whenever you like, `haven log " << type << "` starts again.\n";
}

// Asks every field not given, in order; false when the person stopped.
absl::StatusOr<bool> AskAll(const Exercise& exercise, json* values, v1::LogRequest* req,
                            std::map<std::string, FieldSpec>* asked) {
  std::vector<const FieldSpec*> open;
  for (const FieldSpec& spec : exercise.fields) {
    if (!values->contains(spec.name)) open.push_back(&spec);
  }
  if (open.empty()) return true;
  Introduce(exercise, open.size());
  for (size_t i = 0; i < open.size(); ++i) {
    const FieldSpec& spec = *open[i];
    std::string heading = "(" + std::to_string(i + 1) + " of " + std::to_string(open.size()) + ")";
    auto answer = AskUntilValid(spec, heading);
    if (!answer.ok()) return answer.status();
    if (answer->outcome == FieldAnswer::Outcome::kStopped) return false;
    if (answer->outcome == FieldAnswer::Outcome::kSkipped) continue;
    (*values)[spec.name] = answer->value;
    (*req->mutable_field_text())[spec.name] = answer->text;
    (*asked)[spec.name] = spec;
  }
  return true;
}

}  // namespace

absl::StatusOr<GuidedLog> GuideLog(DaemonClient& client, v1::LogRequest* req) {
  if (absl::Status unlocked = EnsureUnlocked(client); !unlocked.ok()) return unlocked;
  auto types = FetchTypes(client, req->type());
  if (!types.ok()) return types.status();
  json chosen = types->front();
  if (req->type().empty()) {
    auto picked = ChooseType(*types);
    if (!picked.ok()) return picked.status();
    chosen = std::move(*picked);
  }
  auto exercise = ExerciseFromJson(chosen);
  if (!exercise.ok()) return exercise.status();
  req->set_type(exercise->id);
  auto values = GivenValues(*exercise, *req);
  if (!values.ok()) return values.status();
  GuidedLog guided;
  auto went_on = AskAll(*exercise, &*values, req, &guided.asked);
  if (!went_on.ok()) return went_on.status();
  if (*went_on) {
    auto save = ConfirmSave(*exercise, *values, *req);
    if (!save.ok()) return save.status();
    guided.save = *save;
  }
  if (!guided.save) SayNotSaved(exercise->id);
  return guided;
}

absl::StatusOr<bool> SendLog(DaemonClient& client, const std::map<std::string, FieldSpec>& asked,
                             v1::LogRequest* req, v1::EntryReply* reply) {
  for (int attempt = 0;; ++attempt) {
    absl::Status s = client.WithUnlock([&] { return client.Call(kJournalLog, *req, reply); });
    s = RelabelInput(s, kFieldsJsonField, "--json");
    const std::string field = ViolatedField(s).value_or("");
    if (s.ok()) return true;
    if (attempt >= 5 || !asked.contains(field)) return s;
    std::cerr << "  haven could not take that answer: " << Printable(std::string(s.message()))
              << "\n";
    auto answer = AskUntilValid(asked.at(field), "");
    if (!answer.ok()) return answer.status();
    if (answer->outcome == FieldAnswer::Outcome::kStopped) {
      SayNotSaved(req->type());
      return false;
    }
    if (answer->outcome == FieldAnswer::Outcome::kAnswered) {
      (*req->mutable_field_text())[field] = answer->text;
    } else {
      req->mutable_field_text()->erase(field);
    }
  }
}

}  // namespace haven::cli
