// haven init | unlock | lock | vault info | doctor (vault rekey, vault kit: cmd_keys.cc)
#include <iostream>

#include "cli/context.h"
#include "cli/devices.h"
#include "cli/passphrase.h"
#include "cli/status.h"
#include "common/field_error.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

absl::Status Init(Context& ctx, const std::string& kdf, const std::string& device_name) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto passphrase = ReadPassphrase("Choose a passphrase for this vault: ", /*confirm=*/true);
  if (!passphrase.ok()) {
    if (passphrase.status().code() == absl::StatusCode::kUnauthenticated) {
      return absl::InvalidArgumentError(
          "passphrase: none given (type one on a terminal, or set HAVEN_PASSPHRASE_FILE)");
    }
    return passphrase.status();
  }
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::InitRequest req;
  req.set_passphrase(*passphrase);
  req.set_kdf(kdf);
  req.set_device_name(device_name.empty() ? DefaultDeviceName() : device_name);
  Wipe(*passphrase);
  v1::InitReply reply;
  if (auto s = (*client)->Call(kVaultInit, req, &reply); !s.ok()) {
    return RelabelInput(FromGrpc(s), "kdf", "--kdf");
  }
  if (!ctx.format_flag.empty() && *format != Format::kTable) {
    nlohmann::json out = {{"vault_id", reply.vault_id()},
                          {"device_id", reply.device_id()},
                          {"secret_key", reply.secret_key()}};
    std::cout << out.dump(*format == Format::kJson ? 2 : -1) << "\n";
    return absl::OkStatus();
  }
  std::cout << "Your haven vault is ready.\n\n"
            << "  vault id    " << reply.vault_id() << "\n"
            << "  device id   " << reply.device_id() << "\n"
            << "  Secret Key  " << reply.secret_key() << "\n\n"
            << "Keep the Secret Key somewhere safe, apart from your passphrase (print it, or\n"
            << "store it in a password manager). With your passphrase it lets your other\n"
            << "devices join this vault; without it nobody, not even a hub holding your\n"
            << "journal, can open it. `haven vault kit` shows it again.\n";
  return absl::OkStatus();
}

absl::Status Unlock(Context& ctx, const std::string& timeout) {
  int64_t timeout_us = 0;
  if (!timeout.empty()) {
    auto parsed = ParseDuration(timeout);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError("--timeout: " + std::string(parsed.status().message()));
    }
    timeout_us = *parsed;
  }
  auto passphrase = ReadPassphrase("Passphrase: ", /*confirm=*/false);
  if (!passphrase.ok()) return passphrase.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::UnlockRequest req;
  req.set_passphrase(*passphrase);
  req.set_timeout_us(timeout_us);
  Wipe(*passphrase);
  v1::UnlockReply reply;
  if (auto s = (*client)->Call(kVaultUnlock, req, &reply); !s.ok()) return FromGrpc(s);
  if (reply.locks_at_us() != 0) {
    std::cerr << "Unlocked until " << FormatRfc3339(reply.locks_at_us())
              << " (or until `haven lock`).\n";
  } else {
    std::cerr << "Unlocked until `haven lock`.\n";
  }
  return absl::OkStatus();
}

absl::Status Lock(Context& ctx) {
  if (!DaemonClient::Running(ctx.home())) return absl::OkStatus();  // nothing holds a key
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::LockReply reply;
  return FromGrpc((*client)->Call(kVaultLock, v1::LockRequest(), &reply));
}

// `haven info` as JSON (docs/commands.md): entries are null while locked.
nlohmann::json InfoJson(const v1::InfoReply& reply) {
  nlohmann::json heads = nlohmann::json::object();
  for (const auto& h : reply.heads()) heads[h.device_id()] = h.seq();
  nlohmann::json remotes = nlohmann::json::array();
  for (const auto& r : reply.remotes()) {
    remotes.push_back({{"name", r.name()},
                       {"address", r.address()},
                       {"last_sync", r.last_sync_us() ? FormatRfc3339(r.last_sync_us()) : ""},
                       {"last_error", r.last_error()}});
  }
  nlohmann::json out = {{"vault_id", reply.vault_id()},
                        {"device_id", reply.device_id()},
                        {"unlocked", reply.unlocked()},
                        {"records", reply.records()},
                        {"heads", heads},
                        {"remotes", remotes},
                        {"kdf", reply.kdf()},
                        {"home", reply.home()}};
  if (reply.unlocked()) {
    out["entries"] = reply.entries();
    out["deleted_entries"] = reply.deleted_entries();
    out["epoch"] = reply.epoch();
  } else {
    out["entries"] = nullptr;  // counting entries needs the key
  }
  return out;
}

void PrintInfoTable(const v1::InfoReply& reply) {
  std::cout << "vault     " << reply.vault_id() << "\n"
            << "device    " << reply.device_id() << "\n"
            << "home      " << reply.home() << "\n"
            << "state     " << (reply.unlocked() ? "unlocked" : "locked") << "\n";
  if (reply.unlocked()) {
    std::cout << "entries   " << reply.entries() << " (" << reply.deleted_entries() << " deleted)\n"
              << "key epoch " << reply.epoch() << "\n";
  }
  std::cout << "records   " << reply.records() << "\n"
            << "kdf       " << reply.kdf() << "\n\ndevices (sequence head):\n";
  for (const auto& h : reply.heads()) {
    std::cout << "  " << h.device_id() << "  " << h.seq()
              << (h.device_id() == reply.device_id() ? "  (this device)" : "") << "\n";
  }
  if (!reply.remotes().empty()) {
    std::cout << "\nremotes:\n";
    for (const auto& r : reply.remotes()) {
      std::cout << "  " << r.name() << "  " << r.address() << "  last sync "
                << (r.last_sync_us() ? FormatRfc3339(r.last_sync_us()) : "never")
                << (r.last_error().empty() ? "" : "  (" + r.last_error() + ")") << "\n";
    }
  }
}

absl::Status Info(Context& ctx) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::InfoReply reply;
  if (auto s = (*client)->Call(kVaultInfo, v1::InfoRequest(), &reply); !s.ok()) {
    return FromGrpc(s);
  }
  if (*format != Format::kTable) {
    std::cout << InfoJson(reply).dump(*format == Format::kJson ? 2 : -1) << "\n";
    return absl::OkStatus();
  }
  PrintInfoTable(reply);
  return absl::OkStatus();
}

absl::Status Doctor(Context& ctx) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::DoctorReply reply;
  absl::Status s = (*client)->WithUnlock(
      [&] { return (*client)->Call(kVaultDoctor, v1::DoctorRequest(), &reply); });
  if (!s.ok()) return s;
  if (*format != Format::kTable) {
    nlohmann::json out = {{"ok", reply.ok()},
                          {"records_checked", reply.records_checked()},
                          {"entries_checked", reply.entries_checked()},
                          {"problems", reply.problems()},
                          {"warnings", reply.warnings()}};
    std::cout << out.dump(*format == Format::kJson ? 2 : -1) << "\n";
  } else {
    std::cout << "checked " << reply.records_checked() << " records and " << reply.entries_checked()
              << " entries\n";
    for (const auto& p : reply.problems()) std::cout << "problem: " << p << "\n";
    for (const auto& w : reply.warnings()) std::cout << "warning: " << w << "\n";
    if (reply.ok()) std::cout << "everything opens and every sequence is complete\n";
  }
  if (!reply.ok()) {
    return absl::DataLossError(std::to_string(reply.problems_size()) + " problem(s) found");
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterVaultCommands(CLI::App& app, Context& ctx) {
  auto* init = app.add_subcommand("init", "Create a vault on this device");
  // moderate (256 MiB): with the Secret Key on a stolen laptop's disk, the
  // passphrase and this are all a thief has to get through.
  static std::string kdf = "moderate";
  init->add_option("--kdf", kdf,
                   "key derivation strength: interactive, moderate (default) or sensitive");
  static std::string device_name;  // empty: the host name
  init->add_option("--device-name", device_name, "what to call this device (default: host name)");
  init->callback([&ctx] { ctx.action = [&ctx] { return Init(ctx, kdf, device_name); }; });

  auto* unlock = app.add_subcommand("unlock", "Keep the vault key in the daemon for a while");
  static std::string timeout;
  unlock->add_option("--timeout", timeout, "forget the key after this idle time, e.g. 15m");
  unlock->callback([&ctx] { ctx.action = [&ctx] { return Unlock(ctx, timeout); }; });

  app.add_subcommand("lock", "Make the daemon forget the vault key now")->callback([&ctx] {
    ctx.action = [&ctx] { return Lock(ctx); };
  });

  auto* vault = app.add_subcommand("vault", "About this device's vault");
  vault->require_subcommand(1);
  vault->add_subcommand("info", "Vault and device ids, counts, sequence heads, remotes")
      ->callback([&ctx] { ctx.action = [&ctx] { return Info(ctx); }; });
  RegisterKeyCommands(app, *vault, ctx);

  app.add_subcommand("doctor", "Verify that every record opens and no sequence has gaps")
      ->callback([&ctx] { ctx.action = [&ctx] { return Doctor(ctx); }; });
}

}  // namespace haven::cli
