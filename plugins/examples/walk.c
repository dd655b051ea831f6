/* An example haven native plugin, in plain C: a "walk" exercise (a mindful
 * walk) with a check a manifest cannot express (steps must be plausible for
 * the minutes walked), computed values, and a line for `haven stats`.
 *
 * Everything the plugin needs comes from <haven/plugin.h>: no JSON parsing,
 * no memory handed across. See README.md for building and installing. */
#include <haven/plugin.h>
#include <stdio.h>

/* The schema, in exactly the manifest format of a *.json plugin. */
static const char kManifest[] =
    "{\"haven_plugin\": 1, \"types\": [{"
    "  \"id\": \"walk\", \"version\": 1, \"title\": \"Mindful walk\","
    "  \"description\": \"A walk taken slowly and with attention: how long, and how calm you "
    "felt.\","
    "  \"fields\": ["
    "    {\"name\": \"minutes\", \"type\": \"integer\", \"required\": true, \"min\": 1, \"max\": "
    "600,"
    "     \"prompt\": \"How many minutes did you walk?\","
    "     \"help\": \"Any walk counts, even around the block.\"},"
    "    {\"name\": \"steps\", \"type\": \"integer\", \"min\": 0,"
    "     \"prompt\": \"How many steps, if you know?\", \"help\": \"Leave it out if you did not "
    "count.\"},"
    "    {\"name\": \"calm_before\", \"type\": \"scale\", \"min\": 0, \"max\": 10, \"required\": "
    "true,"
    "     \"prompt\": \"How calm did you feel before? (0 = not at all, 10 = very)\","
    "     \"help\": \"Your first guess is fine.\"},"
    "    {\"name\": \"calm_after\", \"type\": \"scale\", \"min\": 0, \"max\": 10, \"required\": "
    "true,"
    "     \"prompt\": \"How calm do you feel now? (0 = not at all, 10 = very)\","
    "     \"help\": \"However it went, you took the time.\"},"
    "    {\"name\": \"noticed\", \"type\": \"text\","
    "     \"prompt\": \"What did you notice along the way?\", \"help\": \"Sounds, colours, your "
    "breath.\"}"
    "  ]"
    "}]}";

#define MAX_STEPS_PER_MINUTE 250

/* Reads a number field; returns 0 when absent. */
static int number(const haven_call* call, size_t entry, const char* name, double* out) {
  return call->host->get_number(call, entry, haven_cstr(name), out);
}

static int fail(const haven_call* call, const char* message) {
  call->host->set_error(call, haven_cstr(message));
  return HAVEN_ERROR;
}

/* The schema already checked each field; this checks them together. */
static int validate(const haven_call* call) {
  double minutes = 0, steps = 0;
  if (!number(call, 0, "minutes", &minutes) || !number(call, 0, "steps", &steps)) return HAVEN_OK;
  if (steps > minutes * MAX_STEPS_PER_MINUTE) {
    char message[160];
    snprintf(message, sizeof(message),
             "field \"steps\": %.0f steps in %.0f minutes is more than %d a minute; "
             "could one of the numbers be off?",
             steps, minutes, MAX_STEPS_PER_MINUTE);
    return fail(call, message);
  }
  return HAVEN_OK;
}

/* Stored under the entry's "derived": calm_change and steps_per_minute. */
static int derive(const haven_call* call) {
  double before = 0, after = 0, minutes = 0, steps = 0;
  if (number(call, 0, "calm_before", &before) && number(call, 0, "calm_after", &after)) {
    call->host->set_integer(call, haven_cstr("calm_change"), (int64_t)(after - before));
  }
  if (number(call, 0, "minutes", &minutes) && number(call, 0, "steps", &steps) && minutes > 0) {
    call->host->set_number(call, haven_cstr("steps_per_minute"), steps / minutes);
  }
  return HAVEN_OK;
}

/* One line for `haven stats` over all walks. */
static int summarize(const haven_call* call) {
  double total_minutes = 0, change_sum = 0;
  size_t walks = 0;
  for (size_t i = 0; i < call->entry_count; ++i) {
    double minutes = 0, before = 0, after = 0;
    if (!number(call, i, "minutes", &minutes)) continue;
    total_minutes += minutes;
    if (number(call, i, "calm_before", &before) && number(call, i, "calm_after", &after)) {
      change_sum += after - before;
    }
    ++walks;
  }
  if (walks == 0) return HAVEN_OK;
  char line[200];
  snprintf(line, sizeof(line),
           "%zu mindful walk%s, %.0f minutes in all; calm changed by %+.1f on average", walks,
           walks == 1 ? "" : "s", total_minutes, change_sum / (double)walks);
  call->host->add_line(call, haven_cstr(line));
  return HAVEN_OK;
}

HAVEN_PLUGIN_DECLARE_ABI();

HAVEN_PLUGIN_INIT(host, reg) {
  haven_type_ops ops = {0};
  ops.struct_size = sizeof(ops);
  ops.validate = validate;
  ops.derive = derive;
  ops.summarize = summarize;
  return host->declare_types(reg, haven_cstr(kManifest), &ops);
}
