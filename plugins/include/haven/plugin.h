/*
 * haven plugin SDK: the C ABI between havend and a native exercise plugin.
 *
 * A native plugin is a shared library that exports exactly two symbols:
 *
 *   haven_plugin_abi   a haven_plugin_abi_info (declare it with
 *                      HAVEN_PLUGIN_DECLARE_ABI()); the host reads it before
 *                      anything else and skips the library unless the magic
 *                      matches, the major version equals the host's and the
 *                      minor version is not newer than the host's.
 *   haven_plugin_init  called once, right after the check. The plugin
 *                      declares its types with host->declare_types(): the
 *                      same JSON document as a manifest file, plus optional
 *                      validate / derive / summarize callbacks.
 *
 * Rules of the road (they keep old plugins working with new hosts):
 *   - Every struct starts with struct_size and only ever grows at the end.
 *     Check HAVEN_HAS_MEMBER() before using a member added in a later minor.
 *   - A NULL function pointer means "not provided".
 *   - Data comes in as borrowed (pointer, length) spans, valid only for the
 *     duration of the call; copy what you keep. Nothing is NUL-terminated.
 *   - Results and errors go out through host callbacks that copy. A plugin
 *     never hands the host memory to free, and the host never frees the
 *     plugin's memory.
 *   - No C++ types, exceptions or longjmp across this boundary: every
 *     function a plugin gives the host must catch everything (the C++ helper
 *     in <haven/plugin_cpp.h> does this for you).
 *   - Callbacks may run on any thread, several at once: keep no unlocked
 *     mutable global state.
 *   - The host loads with dlopen(RTLD_NOW | RTLD_LOCAL) and never unloads.
 *     Build with -fvisibility=hidden (haven_add_plugin() in the CMake package
 *     does) so only the two entry symbols are exported.
 */
#ifndef HAVEN_PLUGIN_H_
#define HAVEN_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
#define HAVEN_EXTERN_C extern "C"
extern "C" {
#else
#define HAVEN_EXTERN_C
#endif

/* ABI version. Major: incompatible change. Minor: members or functions
 * appended at the end of a struct. */
#define HAVEN_PLUGIN_ABI_MAJOR 1
#define HAVEN_PLUGIN_ABI_MINOR 0
#define HAVEN_PLUGIN_MAGIC 0x6e766168u /* "havn" in little-endian bytes */

#if defined(_WIN32)
#define HAVEN_PLUGIN_EXPORT __declspec(dllexport)
#else
#define HAVEN_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes returned by plugin callbacks. */
#define HAVEN_OK 0
#define HAVEN_ERROR 1

/* True when `ptr` (a struct carrying struct_size) is large enough to hold
 * `member`, i.e. the other side was built with a header that has it. */
#define HAVEN_HAS_MEMBER(ptr, type, member) \
  ((ptr)->struct_size >= offsetof(type, member) + sizeof(((type*)0)->member))

/* A borrowed byte span (UTF-8 text unless stated otherwise). */
typedef struct haven_str {
  const char* data;
  size_t len;
} haven_str;

/* A span over a NUL-terminated string, for convenience. */
static inline haven_str haven_cstr(const char* s) {
  haven_str out;
  out.data = s;
  out.len = s ? strlen(s) : 0;
  return out;
}

/* The version record every plugin exports as `haven_plugin_abi`. */
typedef struct haven_plugin_abi_info {
  uint32_t magic;     /* HAVEN_PLUGIN_MAGIC */
  uint16_t abi_major; /* HAVEN_PLUGIN_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor; /* HAVEN_PLUGIN_ABI_MINOR the plugin was built with */
} haven_plugin_abi_info;

typedef struct haven_host_api haven_host_api;
typedef struct haven_registrar haven_registrar; /* opaque, host-owned */

/* One invocation of a plugin callback. Host-owned; valid only until the
 * callback returns.
 *   validate, derive: entry_count is 1 and entry 0 holds the candidate
 *                     fields (already checked against the declared schema).
 *   summarize:        entry_count entries of the type, oldest first, with
 *                     their stored fields and derived values. */
typedef struct haven_call {
  uint32_t struct_size;
  const haven_host_api* host; /* the same table haven_plugin_init got */
  void* user_data;            /* from haven_type_ops.user_data */
  haven_str type_id;
  uint32_t type_version; /* version the plugin declared */
  size_t entry_count;
  void* host_data; /* private to the host: do not touch */
} haven_call;

typedef int (*haven_callback)(const haven_call* call);

/* What a plugin does for the types of one declare_types() call. Every member
 * may be NULL. The host copies this struct. */
typedef struct haven_type_ops {
  uint32_t struct_size; /* sizeof(haven_type_ops) */
  void* user_data;      /* handed back in haven_call.user_data */
  /* Extra checks beyond the schema (e.g. across fields). Report the reason
   * with host->set_error() and return HAVEN_ERROR to refuse the entry. */
  haven_callback validate;
  /* Computed values stored under the entry's "derived": set them with
   * set_integer / set_number / set_string / set_json. */
  haven_callback derive;
  /* Lines for `haven stats`: add them with add_line. */
  haven_callback summarize;
} haven_type_ops;

/* Functions the host offers. `call` is the haven_call a callback received;
 * `entry` indexes 0 .. call->entry_count - 1. */
struct haven_host_api {
  uint32_t struct_size;
  uint16_t abi_major; /* the host's version */
  uint16_t abi_minor;

  /* Only during haven_plugin_init: declares the types in `manifest`, a JSON
   * document in the manifest file format ({"haven_plugin":1,"types":[...]}).
   * `ops` may be NULL. Returns HAVEN_ERROR when the document is invalid or a
   * type id was already declared by this plugin. */
  int (*declare_types)(haven_registrar* reg, haven_str manifest, const haven_type_ops* ops);

  /* Reads a field (or, for summarize, a derived value) as a number. Returns
   * 1 and sets *out when present and numeric (booleans read as 0/1), else 0. */
  int (*get_number)(const haven_call* call, size_t entry, haven_str name, double* out);
  /* A string, enum, text or datetime field; data is NULL when absent. The
   * span stays valid until the callback returns. */
  haven_str (*get_string)(const haven_call* call, size_t entry, haven_str name);
  /* When the entry happened, unix microseconds (0 in validate / derive). */
  int64_t (*entry_at)(const haven_call* call, size_t entry);
  /* The whole entry as JSON: {"at_us":..,"type_version":..,"fields":{..},
   * "derived":{..}}. Valid until the next entry_json call or the return. */
  haven_str (*entry_json)(const haven_call* call, size_t entry);

  /* derive: one computed value each. */
  void (*set_integer)(const haven_call* call, haven_str name, int64_t value);
  void (*set_number)(const haven_call* call, haven_str name, double value);
  void (*set_string)(const haven_call* call, haven_str name, haven_str value);
  /* derive: merges a JSON object into the computed values. */
  void (*set_json)(const haven_call* call, haven_str json_object);
  /* summarize: one line of text for `haven stats`. */
  void (*add_line)(const haven_call* call, haven_str line);
  /* Any callback: why it failed, shown to the person as is. One line. */
  void (*set_error)(const haven_call* call, haven_str message);
};

/* Entry point every plugin exports. Returns HAVEN_OK, or HAVEN_ERROR to be
 * reported and skipped. `host` stays valid for the life of the process. */
typedef int (*haven_plugin_init_fn)(const haven_host_api* host, haven_registrar* reg);

#define HAVEN_PLUGIN_ABI_SYMBOL "haven_plugin_abi"
#define HAVEN_PLUGIN_INIT_SYMBOL "haven_plugin_init"

/* Put once in a plugin source file (at file scope). */
#define HAVEN_PLUGIN_DECLARE_ABI()                                                    \
  HAVEN_EXTERN_C HAVEN_PLUGIN_EXPORT const haven_plugin_abi_info haven_plugin_abi = { \
      HAVEN_PLUGIN_MAGIC, HAVEN_PLUGIN_ABI_MAJOR, HAVEN_PLUGIN_ABI_MINOR}

/* Use as the head of the init definition:
 *   HAVEN_PLUGIN_INIT(host, reg) { ... return HAVEN_OK; } */
#define HAVEN_PLUGIN_INIT(host, reg)                                                   \
  HAVEN_EXTERN_C HAVEN_PLUGIN_EXPORT int haven_plugin_init(const haven_host_api* host, \
                                                           haven_registrar* reg)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HAVEN_PLUGIN_H_ */
