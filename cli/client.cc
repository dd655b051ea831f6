#include "cli/client.h"

#include <fcntl.h>
#include <grpcpp/create_channel_posix.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/status/status.h"
#include "cli/grpc_call.h"
#include "cli/passphrase.h"
#include "cli/socket_io.h"
#include "cli/status.h"
#include "common/home_socket.h"
#include "common/status.h"

namespace haven::cli {
namespace {

std::string DaemonBinary() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto beside = exe.parent_path() / "havend";
    if (std::filesystem::exists(beside)) return beside.string();
  }
  return "havend";  // from PATH
}

absl::Status StartDaemon(const std::string& home) {
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace);
  std::string binary = DaemonBinary();
  std::string log_path = home + "/havend.log";
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("cannot start havend: fork failed");
  if (pid == 0) {
    setsid();
    if (fork() != 0) _exit(0);  // the grandchild is adopted by init; no zombie
    int null_fd = open("/dev/null", O_RDONLY);
    int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    if (log_fd >= 0) {
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
    }
    // The daemon outlives this command: it keeps no passphrase of it.
    for (const char* name : {"HAVEN_PASSPHRASE", "HAVEN_PASSPHRASE_FILE", "HAVEN_NEW_PASSPHRASE",
                             "HAVEN_NEW_PASSPHRASE_FILE"}) {
      unsetenv(name);
    }
    execl(binary.c_str(), "havend", "--home", home.c_str(), static_cast<char*>(nullptr));
    execlp("havend", "havend", "--home", home.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int ignored = 0;
  waitpid(pid, &ignored, 0);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (SocketAnswers(SocketPath(home))) return absl::OkStatus();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return absl::InternalError("havend did not start; see " + log_path);
}

// How long the connection Connect made may wait for its first call before
// the CLI makes a new one: a daemon may close connections that sit idle.
constexpr auto kFreshConnection = std::chrono::seconds(5);

// Runs `call` on the connection `fd` until its answer is in or the daemon
// closes the connection (the call then says what it lacks); else the
// status of the read or write that failed, or of the deadline. A failed
// write does not stop the reading: a daemon that answers and closes at
// once (as it does for Shutdown) has its answer read.
absl::Status Converse(int fd, GrpcCall& call, SocketDeadline deadline) {
  std::string out;
  char in[16 << 10];
  absl::Status wrote;
  absl::Status read;
  while (true) {
    call.TakeOutput(&out);
    if (wrote.ok() && !out.empty()) wrote = WriteAll(fd, out, deadline);
    Wipe(out);  // the request, and with Unlock's a passphrase
    if (call.done()) break;
    absl::StatusOr<size_t> got = ReadSome(fd, in, sizeof(in), deadline);
    if (!got.ok()) read = got.status();
    if (!got.ok() || *got == 0) break;
    call.Receive({in, *got});
  }
  explicit_bzero(in, sizeof(in));  // a Secret Key, in ShowKit's reply
  if (call.done() && wrote.ok()) {
    call.Close();
    call.TakeOutput(&out);
    (void)WriteAll(fd, out, std::chrono::steady_clock::now());  // a courtesy; never waited for
  }
  if (call.done()) return absl::OkStatus();
  return read.ok() ? wrote : read;
}

}  // namespace

std::string ResolveHome(const std::string& flag) {
  std::string home = flag;
  if (home.empty()) {
    if (const char* env = std::getenv("HAVEN_HOME"); env && *env) home = env;
  }
  if (home.empty()) {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
      home = std::string(xdg) + "/haven";
    } else if (const char* h = std::getenv("HOME"); h && *h) {
      home = std::string(h) + "/.local/share/haven";
    } else {
      home = ".haven";
    }
  }
  return std::filesystem::absolute(home).lexically_normal().string();
}

bool DaemonClient::Running(const std::string& home) { return SocketAnswers(SocketPath(home)); }

DaemonClient::~DaemonClient() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::unique_ptr<DaemonClient>> DaemonClient::Connect(const std::string& home,
                                                                    bool start) {
  const std::string path = SocketPath(home);
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError("--home: path too long for a Unix socket: " + home);
  }
  // The connect is also the test of whether havend runs: no separate probe
  // connection for the daemon to accept and tear down.
  int fd = ConnectSocket(path);
  if (fd < 0) {
    if (!start) return absl::FailedPreconditionError("havend is not running for " + home);
    absl::Status started = StartDaemon(home);
    if (!started.ok()) return started;
    fd = ConnectSocket(path);
    if (fd < 0) return absl::UnavailableError("havend started but does not answer on " + path);
  }
  return std::unique_ptr<DaemonClient>(new DaemonClient(path, fd));
}

int DaemonClient::TakeConnection() {
  int fd = fd_;
  fd_ = -1;
  if (fd >= 0 && std::chrono::steady_clock::now() - connected_at_ > kFreshConnection) {
    close(fd);  // the daemon may have given up on it
    fd = -1;
  }
  return fd >= 0 ? fd : ConnectSocket(path_);
}

grpc::Status DaemonClient::CallBytes(std::string_view method,
                                     const google::protobuf::MessageLite& request,
                                     google::protobuf::MessageLite* reply,
                                     std::chrono::milliseconds timeout) {
  std::string body = request.SerializeAsString();
  if (body.size() > kMaxMessageBytes) {
    Wipe(body);
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "the request is over 64 MiB");
  }
  const int fd = TakeConnection();
  if (fd < 0) {
    Wipe(body);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "havend does not answer on " + path_);
  }
  const SocketDeadline deadline =
      timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout : kNoSocketDeadline;
  GrpcCall call(method, std::move(body), timeout);
  absl::Status talked = Converse(fd, call, deadline);
  close(fd);
  if (!talked.ok()) return ToGrpc(talked);  // never once the call is done
  std::string bytes;
  grpc::Status status = call.Finish(&bytes);
  const bool parsed = !status.ok() || reply->ParseFromString(bytes);
  Wipe(bytes);  // a Secret Key's, in ShowKit's reply
  if (!parsed) return grpc::Status(grpc::StatusCode::INTERNAL, "havend's reply does not parse");
  return status;
}

std::shared_ptr<grpc::Channel> DaemonClient::Channel() {
  if (channel_) return channel_;
  // A channel straight over one connected socket: one daemon, one
  // connection, for one command, so no resolver, load balancing or
  // reconnection to set up, and the first call goes out without waiting
  // for the daemon's HTTP/2 settings (docs/performance-notes.md, "`haven log`").
  // A socket that no longer connects makes a channel whose calls fail
  // UNAVAILABLE.
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetString(GRPC_ARG_DEFAULT_AUTHORITY, "localhost");
  int fd = TakeConnection();
  channel_ = fd >= 0 ? grpc::CreateCustomInsecureChannelFromFd("unix:" + path_, fd, args)
                     : grpc::CreateCustomChannel("unix:" + path_,
                                                 grpc::InsecureChannelCredentials(), args);
  return channel_;
}

v1::Journal::Stub& DaemonClient::journal() {
  if (!journal_) journal_ = v1::Journal::NewStub(Channel());
  return *journal_;
}

absl::Status DaemonClient::WithUnlock(const std::function<grpc::Status()>& call) {
  grpc::Status first = call();
  if (first.error_code() != grpc::StatusCode::UNAUTHENTICATED) return FromGrpc(first);
  auto passphrase = ReadPassphrase("Passphrase: ", /*confirm=*/false);
  if (!passphrase.ok()) return passphrase.status();
  v1::UnlockRequest req;
  req.set_passphrase(*passphrase);
  Wipe(*passphrase);
  v1::UnlockReply reply;
  grpc::Status unlocked = Call(kVaultUnlock, req, &reply);
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  if (!unlocked.ok()) return FromGrpc(unlocked);
  return FromGrpc(call());
}

}  // namespace haven::cli
