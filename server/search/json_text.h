// The text inside a stored JSON value, without a general JSON parser: a
// whole-history pass at unlock reads millions of field values, and only
// strings (and arrays of strings, for tags) hold words.
#ifndef HAVEN_SERVER_SEARCH_JSON_TEXT_H_
#define HAVEN_SERVER_SEARCH_JSON_TEXT_H_

#include <functional>
#include <string>
#include <string_view>

namespace haven {

// Calls `visit` with each decoded string of `json` when it is a JSON
// string or an array of JSON strings (other array items are skipped);
// nothing for any other value. Values come from the sealed view, written
// by this daemon from checked JSON; anything malformed yields no text
// rather than an error. `scratch` holds the decoded text between calls.
void ForEachJsonString(std::string_view json, std::string* scratch,
                       const std::function<void(std::string_view)>& visit);

// Decodes the JSON string starting at json[*pos] (the opening quote) into
// `*out`, leaving *pos after its closing quote. False when malformed.
bool DecodeJsonString(std::string_view json, size_t* pos, std::string* out);

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_JSON_TEXT_H_
