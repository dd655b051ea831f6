// havend's command line (docs/commands.md, "havend").
#ifndef HAVEN_SERVER_DAEMON_OPTIONS_H_
#define HAVEN_SERVER_DAEMON_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace haven {

struct DaemonOptions {
  std::string home;
  std::string listen;  // HOST:PORT, empty: Unix socket only
  bool hub = false;
  std::string token_file;
  std::string tls_cert;
  std::string tls_key;
  bool insecure = false;  // allow plaintext TCP off loopback
  std::vector<std::string> plugin_dirs;
  int64_t lock_after_us = 15LL * 60 * 1000000;
  int64_t sync_interval_us = 5LL * 60 * 1000000;
  std::string log_level = "info";
  // Hub only: bytes of sealed records per vault, and vaults registered.
  uint64_t max_vault_bytes = uint64_t{1} << 30;
  uint64_t max_vaults = 1000;
};

}  // namespace haven

#endif  // HAVEN_SERVER_DAEMON_OPTIONS_H_
