// Where the CLI keeps the text an editor works on: the one place it writes
// entry plaintext to a file. A fresh 0700 directory on tmpfs where there is
// one ($XDG_RUNTIME_DIR, else /dev/shm, else the temp directory), named
// haven-edit-PID-XXXXXX. When the edit ends every file in it (the editor's
// swap and backup files too) is overwritten with zeros and deleted, and the
// directory removed. A hangup or termination that arrives while the editor
// runs waits until then (the editor gets its own; one the process ignores
// stays ignored). The edit holds a lock on its directory (flock(2)), so a
// run killed outright (SIGKILL, a crash) leaves an unlocked directory, which
// the next edit shreds once it is a minute old; the PID in the name is for
// people only.
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
  EditorScratch(std::filesystem::path dir, int lock) : dir_(std::move(dir)), lock_(lock) {}
  std::filesystem::path dir_;  // empty once moved from
  int lock_;                   // the directory, flock(LOCK_EX)ed
};

// Overwrites with zeros and deletes every regular file under `dir` (links
// are deleted, never followed; a file with other hard links is only
// deleted), then removes it.
void ShredDirectory(const std::filesystem::path& dir);

// Shreds every haven-edit-* directory of this user under `base` that no
// edit holds and that is at least a minute old; returns how many.
int SweepAbandonedScratch(const std::string& base);

}  // namespace haven::cli

#endif  // HAVEN_CLI_EDITOR_SCRATCH_H_
