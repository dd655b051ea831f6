// End-to-end test harness: drives the real `haven` and `havend` binaries as a
// user (or a script) would, each test in its own temporary home.
//
// Typical use:
//
//   TestHome home;                       // fresh /tmp/hv-XXXXXX, removed after
//   home.Init();                         // `haven init`, asserting success
//   RunResult r = home.Run({"log", "mindfulness", "-f", "minutes=12"});
//   EXPECT_EQ(r.exit_code, 0) << r;
//   nlohmann::json info = home.Json({"vault", "info"});   // --format json
//
// Nothing may hang: every process is run with a deadline; on expiry it is
// killed with SIGKILL and the test fails (ADD_FAILURE) naming the command.
// Nothing may outlive a test: ~TestHome stops the home's havend (`haven daemon
// stop`, then SIGKILL by pid), and ~DaemonProcess kills what it started.
//
// For sync tests with a hub:
//
//   int port = PickFreeLoopbackPort();
//   auto hub = DaemonProcess::Start({"--home", dir, "--hub", "--listen",
//                                    "127.0.0.1:" + std::to_string(port),
//                                    "--token-file", token_file});
//   ASSERT_TRUE(WaitForTcpPort(port)) << hub->Output();
//   ... hub->Terminate() returns its exit status.
#ifndef HAVEN_TESTS_E2E_HARNESS_H_
#define HAVEN_TESTS_E2E_HARNESS_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace haven::e2e {

using Duration = std::chrono::milliseconds;

// The passphrase every TestHome uses unless told otherwise (it clears
// `haven init`'s strength check, server/vault/passphrase_strength.h).
inline constexpr char kPassphrase[] = "correct-horse-battery-staple";

// Default deadline of one command (covers daemon start plus Argon2id).
inline constexpr Duration kCommandTimeout{30000};

// Where the binaries under test live (HAVEN_BIN_DIR at compile time, or the
// environment variable HAVEN_E2E_BIN_DIR to override).
std::string BinDir();
std::string HavenBinary();   // BinDir()/haven
std::string HavendBinary();  // BinDir()/havend

// Environment changes for one child: a value sets the variable, nullopt
// removes it. Applied on top of the harness's base environment.
using EnvOverrides = std::map<std::string, std::optional<std::string>>;

struct RunResult {
  std::vector<std::string> argv;  // what was run (for messages)
  int exit_code = -1;             // exit status, or 128+signal when killed
  std::string out;                // stdout
  std::string err;                // stderr (or the terminal, for RunOnTerminal)
  bool timed_out = false;

  // stdout without trailing newlines / whitespace.
  std::string Trimmed() const;
  // stdout parsed as JSON; ADD_FAILURE and null when it is not JSON.
  nlohmann::json JsonOut() const;
  // stdout parsed as JSON Lines (one value per non-empty line).
  std::vector<nlohmann::json> JsonLines() const;
  // Number of lines in stderr (a trailing newline does not count).
  int ErrLines() const;
};
std::ostream& operator<<(std::ostream& os, const RunResult& r);

struct RunOptions {
  EnvOverrides env;
  std::string stdin_text;
  Duration timeout = kCommandTimeout;
};

// Runs `program` with `args` (argv[0] is the program's base name) in the
// current environment (minus every HAVEN_* variable, plus options.env),
// feeding stdin_text and capturing stdout and stderr. On timeout the child's
// process group is killed and the test fails.
RunResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                     const RunOptions& options = {});

// One step of a terminal dialogue: wait until the terminal shows `expect`
// (empty: do not wait), optionally until the terminal's echo is off, then
// type `send`.
struct TerminalStep {
  std::string expect;
  std::string send;
  bool wait_for_no_echo = false;
};

// Like RunProgram, but stdin and stderr are a pseudo-terminal (the child is
// its session leader), stdout stays a pipe. `err` receives everything the
// terminal showed (prompts, and echoed input when echo was on).
RunResult RunOnTerminal(const std::string& program, const std::vector<std::string>& args,
                        const std::vector<TerminalStep>& dialogue, const RunOptions& options = {});

// Polls `condition` every few milliseconds until it holds or `timeout`
// passes; returns whether it held.
bool WaitUntil(const std::function<bool()>& condition, Duration timeout = Duration(15000));

// True while any thread of `pid` runs (exists and is not a zombie).
bool ProcessAlive(pid_t pid);

// SIGKILLs `pid` and waits (reaping it when it is our child) until it is gone.
void KillAndWait(pid_t pid, Duration timeout = Duration(10000));

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0). Never
// a fixed port, so tests can run in parallel.
int PickFreeLoopbackPort();

// True once something accepts TCP connections on 127.0.0.1:port.
bool WaitForTcpPort(int port, Duration timeout = Duration(15000));

// Seconds since the epoch of an RFC 3339 time ("2026-11-20T08:30:00+01:00",
// fractions and "Z" accepted); nullopt when it is not one.
std::optional<int64_t> ParseRfc3339(const std::string& text);

// The "id" of each entry object, in order.
std::vector<std::string> Ids(const std::vector<nlohmann::json>& entries);
std::vector<std::string> Ids(const nlohmann::json& array);

// Reads a whole file (binary); empty when it cannot be read.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content, int mode = 0600);

// A havend started directly by the test (a child of this process), with
// stdout and stderr going to a log file. Use it for hubs, for daemons with
// unusual flags, and to observe exit status and signals.
class DaemonProcess {
 public:
  // Starts BinDir()/havend with `args`; output goes to `log_path` (default:
  // a file in the temp dir, removed with the object).
  static std::unique_ptr<DaemonProcess> Start(const std::vector<std::string>& args,
                                              const EnvOverrides& env = {},
                                              std::string log_path = "");
  ~DaemonProcess();  // SIGKILL when still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  // Waits for the process to exit; its exit code (128+signal when killed),
  // or nullopt on timeout (it keeps running).
  std::optional<int> WaitExit(Duration timeout = Duration(15000));
  // SIGTERM, then WaitExit; on timeout SIGKILL and fail the test.
  std::optional<int> Terminate(Duration timeout = Duration(15000));
  void Kill();
  // Everything it wrote to stdout and stderr so far.
  std::string Output() const;
  const std::string& log_path() const { return log_path_; }

 private:
  DaemonProcess(pid_t pid, std::string log_path, bool own_log)
      : pid_(pid), log_path_(std::move(log_path)), own_log_(own_log) {}
  pid_t pid_;
  std::string log_path_;
  bool own_log_;
  std::optional<int> exit_code_;
};

// A device: a fresh directory /tmp/hv-XXXXXX holding the home `path()`
// (root()/h) and room for scratch files, removed with every daemon stopped
// when the object goes away. Commands run with HAVEN_HOME=path(),
// HAVEN_PASSPHRASE=passphrase (unless overridden) and XDG_RUNTIME_DIR set to a
// private runtime_dir(), so editor buffers can be checked per test.
class TestHome {
 public:
  explicit TestHome(std::string passphrase = kPassphrase);
  ~TestHome();
  TestHome(const TestHome&) = delete;
  TestHome& operator=(const TestHome&) = delete;

  const std::string& root() const { return root_; }
  const std::string& path() const { return path_; }
  const std::string& runtime_dir() const { return runtime_dir_; }
  const std::string& passphrase() const { return passphrase_; }
  // A path for a scratch file inside root() (not inside the home).
  std::string Scratch(const std::string& name) const { return root_ + "/" + name; }

  // `haven ARGS...` for this home.
  RunResult Run(const std::vector<std::string>& args, const EnvOverrides& env = {},
                const std::string& stdin_text = "") const;
  // `haven ARGS...` with a custom deadline, environment and stdin.
  RunResult RunWith(const std::vector<std::string>& args, const RunOptions& options) const;
  // `haven ARGS...` with stdin and stderr on a pseudo-terminal.
  RunResult RunOnTerminal(const std::vector<std::string>& args,
                          const std::vector<TerminalStep>& dialogue,
                          const EnvOverrides& env = {}) const;

  // `haven --format json ARGS...`; fails the test unless it exits 0 with JSON.
  nlohmann::json Json(const std::vector<std::string>& args) const;

  // `haven init --format json --kdf interactive` (the default, moderate,
  // costs a quarter of a second more per unlock); fails the test unless it
  // succeeds. Returns the parsed object (vault_id, device_id, secret_key).
  nlohmann::json Init();
  // `haven log ARGS...`; fails the test unless it exits 0. Returns the id.
  std::string Log(const std::vector<std::string>& args) const;
  // `vault info --format json` "records" (-1 on failure): the number of
  // sealed records, readable even while locked.
  int64_t Records() const;

  // The pid of this home's havend, when one runs (from havend.lock, checked
  // against /proc/PID/cmdline so a reused pid is never taken for it).
  std::optional<pid_t> DaemonPid() const;
  bool DaemonRunning() const { return DaemonPid().has_value(); }
  // `haven daemon stop`, then SIGKILL if it is still alive. Idempotent.
  void StopDaemon();
  // kill -9 of the home's havend; waits until it is gone.
  void KillDaemon();

  // An environment for a child that talks to this home.
  EnvOverrides BaseEnv() const;

 private:
  std::string root_, path_, runtime_dir_, passphrase_;
};

}  // namespace haven::e2e

#endif  // HAVEN_TESTS_E2E_HARNESS_H_
