// Where the CLI keeps the text an editor works on: the one place it writes
// entry plaintext to a file. A fresh 0700 directory on tmpfs where there is
// one ($XDG_RUNTIME_DIR, else /dev/shm, else the temp directory), named
// haven-edit-PID-XXXXXX. When the edit ends every file in it (the editor's
// swap and backup files too) is overwritten with zeros and deleted, and the
// directory removed. A hangup or termination that arrives while the editor
// runs waits until then (the editor gets its own); a run killed outright
// (SIGKILL, a crash) leaves a directory that the next edit finds by its
// dead PID and shreds.
#ifndef HAVEN_CLI_EDITOR_SCRATCH_H_
#define HAVEN_CLI_EDITOR_SCRATCH_H_

#include <filesystem>
#include <optional>
#include <string>

namespace haven::cli {

// The directory under which editor scratch directories are made.
std::string EditorScratchBase();

class EditorScratch {
 public:
  // Sweeps abandoned directories, then makes a new one; nullopt when it
  // cannot. SIGHUP and SIGTERM are held from here until destruction.
  static std::optional<EditorScratch> Create();
  ~EditorScratch();  // Shred(), then a held signal takes effect
  EditorScratch(EditorScratch&& other) noexcept;
  EditorScratch& operator=(EditorScratch&&) = delete;
  EditorScratch(const EditorScratch&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit EditorScratch(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;  // empty once moved from
};

// Overwrites with zeros and deletes every regular file under `dir` (links
// are deleted, never followed), then removes it.
void ShredDirectory(const std::filesystem::path& dir);

// Shreds every haven-edit-PID-* directory under `base` whose PID no longer
// runs; returns how many.
int SweepAbandonedScratch(const std::string& base);

}  // namespace haven::cli

#endif  // HAVEN_CLI_EDITOR_SCRATCH_H_
