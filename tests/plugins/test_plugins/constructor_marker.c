/* A plugin whose constructor leaves a marker file at the path in
 * $HAVEN_TEST_PLUGIN_MARKER: proof that its code ran. The trust checks
 * must refuse it before dlopen, so for a refused copy the marker never
 * appears. Declares one type, "constructor-marker". */
#include <fcntl.h>
#include <haven/plugin.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void LeaveMarker(void) {
  const char* path = getenv("HAVEN_TEST_PLUGIN_MARKER");
  if (path == NULL || *path == '\0') return;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;
  ssize_t written = write(fd, "constructor ran\n", 16);
  (void)written;
  close(fd);
}

HAVEN_PLUGIN_EXPORT const haven_plugin_abi_info haven_plugin_abi = {
    HAVEN_PLUGIN_MAGIC, HAVEN_PLUGIN_ABI_MAJOR, HAVEN_PLUGIN_ABI_MINOR};

static const char kManifest[] =
    "{\"haven_plugin\":1,\"types\":[{\"id\":\"constructor-marker\",\"fields\":["
    "{\"name\":\"level\",\"type\":\"scale\",\"min\":0,\"max\":10}]}]}";

HAVEN_PLUGIN_INIT(host, reg) { return host->declare_types(reg, haven_cstr(kManifest), NULL); }
