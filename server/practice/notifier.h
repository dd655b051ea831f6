// Shows a reminder: a desktop notification through `notify-send`
// (freedesktop notifications; Debian's libnotify-bin) when the daemon's
// PATH has one, else one line in the daemon's log. Only a title and a body
// that haven composed (never entry text) reach it.
//
// Thread safety: Notify may be called from any thread.
#ifndef HAVEN_SERVER_PRACTICE_NOTIFIER_H_
#define HAVEN_SERVER_PRACTICE_NOTIFIER_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace haven {

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void Notify(const std::string& title, const std::string& body) = 0;
};

// The first regular executable file `name` in the colon-separated `path`;
// empty and relative entries are passed over (never the current directory).
std::optional<std::string> FindOnPath(std::string_view name, std::string_view path);

class DesktopNotifier final : public Notifier {
 public:
  // `path`: where to look for notify-send (the daemon's PATH), each time a
  // reminder is shown, so that installing it later needs no restart.
  explicit DesktopNotifier(std::string path) : path_(std::move(path)) {}
  ~DesktopNotifier() override;  // reaps the children that have exited

  // Runs `notify-send --app-name=haven TITLE BODY` without a shell, its
  // standard streams on /dev/null, no other descriptor inherited, signals
  // at their defaults; does not wait for it. Without notify-send (or when
  // it cannot start) logs the reminder instead.
  void Notify(const std::string& title, const std::string& body) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Reaps the children that have exited (all of them when `wait`).
  void Reap(bool wait) ABSL_LOCKS_EXCLUDED(mu_);
  // The child's pid, or -1 when it could not start.
  static pid_t Spawn(const std::string& program, const std::vector<std::string>& args);

  const std::string path_;
  absl::Mutex mu_;
  std::vector<pid_t> children_ ABSL_GUARDED_BY(mu_);
};

}  // namespace haven

#endif  // HAVEN_SERVER_PRACTICE_NOTIFIER_H_
