// haven remote add|list|rm, haven sync, haven join
#include "cli/context.h"

namespace haven::cli {

void RegisterSyncCommands(CLI::App&, Context&) {}

}  // namespace haven::cli
