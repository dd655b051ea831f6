// havend: the haven daemon of one home (a device), or a hub with --hub.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "common/harden.h"
#include "common/time.h"
#include "server/daemon/daemon.h"
#include "server/journal/hlc.h"
#include "server/practice/practice_clock.h"
#include "server/util/byte_size.h"

int main(int argc, char** argv) {
  // Before anything else: no core file or same-user ptrace of a process
  // that will hold the vault key and decrypted entries.
  if (absl::Status hardened = haven::HardenProcess(); !hardened.ok()) {
    std::fprintf(stderr, "havend: %s\n", std::string(hardened.message()).c_str());
    return 1;
  }
  haven::HybridClock::ReadFaultOffsetFromEnvironment();  // tests only; unset: no effect
  haven::ReadPracticeClockFromEnvironment();             // tests only; unset: no effect
  haven::DaemonOptions options;
  std::string lock_after = "15m", sync_interval = "5m";
  CLI::App app{"havend: keeps this device's haven journal, sealed, and syncs it"};
  app.add_option("--home", options.home, "the device's home directory")->required();
  app.add_option("--listen", options.listen, "also serve TCP on HOST:PORT (hubs)");
  app.add_flag("--hub", options.hub, "hold sealed records for many vaults; never any key");
  app.add_option("--token-file", options.token_file, "file holding the hub registration token");
  app.add_option("--tls-cert", options.tls_cert, "TLS certificate chain (PEM)");
  app.add_option("--tls-key", options.tls_key, "TLS private key (PEM)");
  app.add_flag("--insecure", options.insecure, "allow plaintext TCP beyond loopback");
  app.add_option("--plugin-dir", options.plugin_dirs, "extra plugin directory (repeatable)");
  app.add_option("--lock-after", lock_after,
                 "forget the vault key after this idle time (0: never)");
  app.add_option("--sync-interval", sync_interval, "background sync period");
  app.add_option("--log-level", options.log_level, "debug, info, warn or error");
  std::string max_vault_bytes = "1G";
  app.add_option("--max-vault-bytes", max_vault_bytes,
                 "hub: most bytes of sealed records per vault, e.g. 512M, 2G (default 1G)");
  app.add_option("--max-vaults", options.max_vaults,
                 "hub: most vaults it registers (default 1000)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  auto lock_us = haven::ParseDuration(lock_after);
  auto sync_us = haven::ParseDuration(sync_interval);
  if (!lock_us.ok() || !sync_us.ok()) {
    std::fprintf(stderr, "havend: %s\n",
                 std::string((!lock_us.ok() ? lock_us : sync_us).status().message()).c_str());
    return 2;
  }
  options.lock_after_us = *lock_us;
  auto vault_bytes = haven::ParseByteSize(max_vault_bytes, "--max-vault-bytes");
  if (!vault_bytes.ok()) {
    std::fprintf(stderr, "havend: %s\n", std::string(vault_bytes.status().message()).c_str());
    return 2;
  }
  options.max_vault_bytes = *vault_bytes;
  if (options.max_vaults == 0) {
    std::fprintf(stderr, "havend: --max-vaults: expected a whole number of vaults from 1\n");
    return 2;
  }
  options.sync_interval_us = *sync_us;
  absl::Status status = haven::RunDaemon(options);
  if (!status.ok()) {
    std::fprintf(stderr, "havend: %s\n", std::string(status.message()).c_str());
    return status.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
  }
  return 0;
}
