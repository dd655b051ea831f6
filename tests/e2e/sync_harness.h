// Helpers for the sync end-to-end tests, on top of tests/e2e/harness.h: a hub
// (havend --hub) in its own temporary directory that can be stopped, killed
// and restarted on the same home and port; devices joined to it; canonical
// views of a device's journal for comparing devices; a background `haven`
// command; and a scan of a directory tree for marker strings.
//
//   Hub hub;                              // temp dir, token file, free port
//   ASSERT_TRUE(hub.Start());
//   TestHome d1;  auto init = d1.Init();
//   AddRemote(d1, hub);                   // `remote add hub 127.0.0.1:PORT --token T`
//   SyncOk(d1);                           // `sync --format json`, asserting exit 0
//   TestHome d2;  ASSERT_EQ(Join(d2, hub, init).exit_code, 0);
//
// Every process started here is stopped when its owner goes away, also when
// the test fails half way.
#ifndef HAVEN_TESTS_E2E_SYNC_HARNESS_H_
#define HAVEN_TESTS_E2E_SYNC_HARNESS_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/harness.h"

namespace haven::e2e {

// Where the test-only tamper tool lives (TAMPER_TOOL at compile time).
std::string TamperToolBinary();
// Where the test-only forge tool lives (FORGE_PUSH_TOOL at compile time):
// pushes a different record into a taken slot; see forge_push_tool.cc.
std::string ForgePushToolBinary();

// A hub: `havend --home ROOT/home --hub --listen 127.0.0.1:PORT --token-file
// ROOT/token [--tls-cert C --tls-key K]`, its output appended to ROOT/hub.log
// across restarts.
class Hub {
 public:
  Hub();
  ~Hub();  // kills a running hub, removes the directory
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // Starts (or restarts, on the same home and port) and waits until the port
  // accepts connections. False (with a test failure) when it does not.
  // `env` adds to the hub's environment for this run only, e.g. the
  // test-only fault injection of server/hub/hub_faults.h.
  bool Start(const EnvOverrides& env = {});
  // SIGTERM and wait; returns the exit code.
  std::optional<int> Stop();
  // kill -9, and wait until it is gone.
  void Kill();
  // Waits for the hub to exit by itself (a fault injected with Start(env));
  // its exit code, nullopt on timeout.
  std::optional<int> WaitExit(Duration timeout = Duration(60000));
  bool Running() const { return process_ != nullptr && process_->Running(); }

  // Extra havend flags from the next Start(), e.g. {"--max-vault-bytes", "64K"}.
  void UseFlags(std::vector<std::string> flags) { flags_ = std::move(flags); }

  // Serve TLS from the next Start().
  void UseTls(const std::string& cert, const std::string& key) {
    tls_cert_ = cert;
    tls_key_ = key;
  }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& token() const { return token_; }
  const std::string& root() const { return root_; }
  std::string home() const { return root_ + "/home"; }
  std::string store() const { return home() + "/store"; }
  std::string Output() const { return ReadFile(root_ + "/hub.log"); }
  pid_t pid() const { return process_ ? process_->pid() : -1; }

 private:
  std::string root_, token_, tls_cert_, tls_key_;
  std::vector<std::string> flags_;
  int port_ = 0;
  std::unique_ptr<DaemonProcess> process_;
};

// `haven remote add NAME ADDR [--token T] [extra...]`; fails the test unless 0.
void AddRemote(const TestHome& device, const Hub& hub, const std::string& name = "hub",
               const std::vector<std::string>& extra = {}, bool with_token = true);
// Takes a device offline (`remote rm NAME`): no background sync, no watch,
// so its changes stay concurrent with everyone else's until Reconnect.
void Disconnect(const TestHome& device, const std::string& name = "hub");
// `remote add NAME ADDR --token T [extra...]` again.
void Reconnect(const TestHome& device, const Hub& hub, const std::string& name = "hub",
               const std::vector<std::string>& extra = {});
// `haven --format json sync [NAME]`.
RunResult Sync(const TestHome& device, const std::string& name = "");
// Sync that must succeed; returns {"pushed":N,"pulled":M} (null on failure).
nlohmann::json SyncOk(const TestHome& device, const std::string& name = "");
// `haven --format json join ADDR --vault V --secret-key K --token T [extra...]`.
RunResult Join(const TestHome& device, const Hub& hub, const std::string& vault_id,
               const std::string& secret_key, const std::vector<std::string>& extra = {},
               const EnvOverrides& env = {}, bool with_token = true);

// `vault info --format json`.
nlohmann::json VaultInfo(const TestHome& device);

// `list --format json` sorted by id.
nlohmann::json SortedList(const TestHome& device);
// `show ID --format json` (with --history when asked).
nlohmann::json Show(const TestHome& device, const std::string& id, bool history = false);
// Everything a device shows: the sorted list plus every entry's show and
// show --history, keyed by id, as one JSON value that two converged devices
// have equal.
nlohmann::json FullView(const TestHome& device);

// `doctor`; fails the test unless it exits 0.
void DoctorClean(const TestHome& device);
// The home holds no vault (a failed join left none behind): `vault info`
// fails.
void ExpectNoVault(const TestHome& device);

// A `haven ARGS...` for `device` running in the background; output to files.
class BackgroundCommand {
 public:
  BackgroundCommand(const TestHome& device, const std::vector<std::string>& args);
  ~BackgroundCommand();  // SIGKILL when still running
  BackgroundCommand(const BackgroundCommand&) = delete;
  BackgroundCommand& operator=(const BackgroundCommand&) = delete;
  bool Running();
  // Exit code (128+signal), nullopt on timeout.
  std::optional<int> Wait(Duration timeout = Duration(60000));
  std::string Out() const { return ReadFile(out_path_); }
  std::string Err() const { return ReadFile(err_path_); }

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  std::optional<int> exit_code_;
};

// Every (file, marker) where a file under `dir` (recursively, all files)
// contains a marker as raw bytes.
std::vector<std::pair<std::string, std::string>> FindMarkers(
    const std::string& dir, const std::vector<std::string>& markers);

// Runs a shell command line (for openssl); exit code, output into *output.
int Shell(const std::string& command_line, std::string* output = nullptr);

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_SYNC_HARNESS_H_
