/* Test plugins for the ABI checks, one source built several ways:
 *   PROBE_MAJOR / PROBE_MINOR  override the exported ABI version
 *   PROBE_NO_INIT              export the ABI record but no entry point
 *   PROBE_TYPE_ID              the one type declared (default "probe-ok")
 *   PROBE_BAD_SCHEMA           declare a scale without min/max */
#include <haven/plugin.h>

#ifndef PROBE_MAJOR
#define PROBE_MAJOR HAVEN_PLUGIN_ABI_MAJOR
#endif
#ifndef PROBE_MINOR
#define PROBE_MINOR HAVEN_PLUGIN_ABI_MINOR
#endif
#ifndef PROBE_TYPE_ID
#define PROBE_TYPE_ID "probe-ok"
#endif

HAVEN_PLUGIN_EXPORT const haven_plugin_abi_info haven_plugin_abi = {HAVEN_PLUGIN_MAGIC, PROBE_MAJOR,
                                                                    PROBE_MINOR};

#ifndef PROBE_NO_INIT
#ifdef PROBE_BAD_SCHEMA
static const char kManifest[] = "{\"haven_plugin\":1,\"types\":[{\"id\":\"" PROBE_TYPE_ID
                                "\",\"fields\":["
                                "{\"name\":\"level\",\"type\":\"scale\"}]}]}";
#else
static const char kManifest[] = "{\"haven_plugin\":1,\"types\":[{\"id\":\"" PROBE_TYPE_ID
                                "\",\"fields\":["
                                "{\"name\":\"level\",\"type\":\"scale\",\"min\":0,\"max\":10}]}]}";
#endif

HAVEN_PLUGIN_INIT(host, reg) { return host->declare_types(reg, haven_cstr(kManifest), NULL); }
#endif
