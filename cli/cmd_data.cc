// haven stats | export | import
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/context.h"
#include "cli/reply_json.h"
#include "cli/status.h"
#include "common/stats_render.h"
#include "common/time.h"

namespace haven::cli {
namespace {

struct DataFlags {
  std::string type, since, until, output;
  std::string input;
};

absl::Status Stats(Context& ctx, const DataFlags& flags) {
  auto format = ctx.format_flag.empty() ? absl::StatusOr<Format>(Format::kTable) : ctx.format();
  if (!format.ok()) return format.status();
  v1::StatsRequest req;
  req.set_type(flags.type);
  if (auto s = SetTimeRange(flags.since, flags.until, &req); !s.ok()) return s;
  req.set_now_us(NowMicros());
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::StatsReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kJournalStats, req, &reply); });
  if (!s.ok()) return s;
  auto parsed = ParseReply(reply.stats_json());
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& stats = *parsed;
  if (*format == Format::kTable) {
    RenderOptions options;
    const char* no_color = std::getenv("NO_COLOR");
    options.color = StdoutIsTerminal() && (no_color == nullptr || *no_color == '\0');
    options.width = TerminalWidth();
    std::cout << RenderStatsTable(stats, options);
  } else {
    std::cout << stats.dump(*format == Format::kJson ? 2 : -1) << "\n";
  }
  return absl::OkStatus();
}

// Creates FILE.partial for an export to FILE: here and now (O_EXCL), never
// through a symlink (O_NOFOLLOW), readable by this user only. A leftover or
// planted FILE.partial (a file, or a symlink to one) is refused and left as
// it is, so an export never writes through someone else's link.
absl::StatusOr<int> CreatePartial(const std::string& output, const std::string& partial) {
  int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  if (errno == EEXIST) {
    return absl::InvalidArgumentError("-o: " + partial +
                                      " already exists (left by an interrupted export, or put "
                                      "there by someone else); remove it and export again");
  }
  return absl::InvalidArgumentError("-o: cannot write " + output + ": " + std::strerror(errno));
}

// Streams the daemon's export of `req` into `fd` (unlocking first when
// needed); a failed write cancels the stream.
absl::Status StreamExport(DaemonClient& client, const v1::ExportRequest& req, int fd) {
  return client.WithUnlock([&] {
    grpc::ClientContext call;
    auto reader = client.journal().Export(&call, req);
    v1::ExportChunk chunk;
    while (reader->Read(&chunk)) {
      const std::string& data = chunk.data();
      for (size_t done = 0; done < data.size();) {
        ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n <= 0) {
          call.TryCancel();
          break;
        }
        done += static_cast<size_t>(n);
      }
    }
    return reader->Finish();
  });
}

absl::Status Export(Context& ctx, const DataFlags& flags) {
  std::string format = ctx.format_flag.empty() ? "json" : ctx.format_flag;
  if (format != "json" && format != "jsonl" && format != "csv" && format != "md" &&
      format != "html") {
    return absl::InvalidArgumentError(
        "--format: export writes json, jsonl, csv, md or html, not \"" + format + "\"");
  }
  const bool to_stdout = flags.output.empty() || flags.output == "-";
  if (format == "html" && to_stdout && StdoutIsTerminal()) {
    // A page of markup is no use on a screen; it is meant for a browser.
    return absl::InvalidArgumentError(
        "--format html: the report is a page for a browser; write it to a file with -o "
        "report.html");
  }
  v1::ExportRequest req;
  req.set_format(format);
  req.set_type(flags.type);
  auto since = ParseTimeFlag("--since", flags.since);
  if (!since.ok()) return since.status();
  if (*since) {
    req.set_has_since(true);
    req.set_since_us(**since);
  }
  int fd = STDOUT_FILENO;
  std::string partial;
  if (!to_stdout) {
    partial = flags.output + ".partial";
    absl::StatusOr<int> created = CreatePartial(flags.output, partial);
    if (!created.ok()) return created.status();
    fd = *created;
  }
  auto client = ctx.Connect();
  absl::Status s = client.ok() ? StreamExport(**client, req, fd) : client.status();
  if (fd != STDOUT_FILENO) {
    if (s.ok() && fsync(fd) != 0) s = absl::InternalError("-o: cannot flush " + flags.output);
    close(fd);
    if (s.ok() && rename(partial.c_str(), flags.output.c_str()) != 0) {
      s = absl::InternalError("-o: cannot write " + flags.output);
    }
    if (!s.ok()) unlink(partial.c_str());
  }
  return s;
}

// Sends `in` in chunks until it ends or the daemon stops reading, then
// finishes the call; with `progress`, counts MiB on stderr.
grpc::Status StreamImport(grpc::ClientWriterInterface<v1::ImportChunk>* writer, std::istream& in,
                          bool progress) {
  std::string buffer(256 * 1024, '\0');
  uint64_t sent = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() <= 0) break;
    v1::ImportChunk chunk;
    chunk.set_data(buffer.data(), static_cast<size_t>(in.gcount()));
    if (!writer->Write(chunk)) break;  // the daemon stopped reading: Finish says why
    sent += static_cast<uint64_t>(in.gcount());
    if (progress) std::cerr << "\rchecking " << (sent >> 20) << " MiB" << std::flush;
  }
  writer->WritesDone();
  if (progress) std::cerr << "\rwriting the checked entries\033[K" << std::flush;
  grpc::Status status = writer->Finish();
  if (progress) std::cerr << "\r\033[K" << std::flush;
  return status;
}

// Streams the input once; the daemon checks every entry before it writes
// any, so one bad entry writes nothing, and neither side holds the whole
// import (standard input included).
absl::Status Import(Context& ctx, const DataFlags& flags) {
  if (auto format = ctx.format(); !format.ok()) return format.status();
  std::ifstream file;
  if (flags.input != "-") {
    file.open(flags.input, std::ios::binary);
    if (!file) return absl::InvalidArgumentError("import: cannot read " + flags.input);
  }
  std::istream& in = flags.input == "-" ? std::cin : file;
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  // Unlock before streaming: standard input cannot be read a second time.
  absl::Status unlocked = (*client)->WithUnlock([&] {
    v1::ListRequest probe;
    probe.set_limit(1);
    v1::ListReply ignored;
    return (*client)->Call(kJournalList, probe, &ignored);
  });
  if (!unlocked.ok()) return unlocked;
  const bool progress = isatty(STDERR_FILENO) != 0;
  v1::ImportReply reply;
  int attempts = 0;
  absl::Status s = (*client)->WithUnlock([&] {
    if (attempts++ > 0) {  // the vault locked in the meantime
      if (flags.input == "-") {
        return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                            "the vault locked while importing standard input; run it again");
      }
      file.clear();
      file.seekg(0);
    }
    grpc::ClientContext call;
    return StreamImport((*client)->journal().Import(&call, &reply).get(), in, progress);
  });
  if (!s.ok()) return s;
  if (!ctx.format_flag.empty() && ctx.format_flag != "table") {
    std::cout
        << nlohmann::json({{"imported", reply.imported()}, {"skipped", reply.skipped()}}).dump()
        << "\n";
  } else {
    std::cerr << "Imported " << reply.imported() << " entries";
    if (reply.skipped() > 0) std::cerr << " (" << reply.skipped() << " already here, skipped)";
    std::cerr << ".\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterDataCommands(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<DataFlags>();
  auto* stats = app.add_subcommand("stats", "How your practice is going: streaks, trends, changes");
  stats->add_option("--type", flags->type, "only this exercise type");
  stats->add_option("--since", flags->since, "from this time on");
  stats->add_option("--until", flags->until, "before this time");
  stats->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Stats(ctx, *flags); }; });

  auto* exp =
      app.add_subcommand("export", "Write every entry out: --format json|jsonl|csv|md|html");
  exp->add_option("-o,--output", flags->output, "file to write (default stdout)");
  exp->add_option("--type", flags->type, "only this exercise type");
  exp->add_option("--since", flags->since, "from this time on");
  exp->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Export(ctx, *flags); }; });

  auto* imp = app.add_subcommand("import", "Read entries from a json export or JSON Lines");
  imp->add_option("file", flags->input, "file to read, or - for stdin")->required();
  imp->callback([&ctx, flags] { ctx.action = [&ctx, flags] { return Import(ctx, *flags); }; });
}

}  // namespace haven::cli
