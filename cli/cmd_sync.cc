// haven remote add|list|rm, haven sync, haven join
#include <filesystem>
#include <iostream>

#include "cli/context.h"
#include "cli/devices.h"
#include "cli/passphrase.h"
#include "cli/status.h"
#include "cli/sync_report.h"
#include "common/field_error.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

struct SyncFlags {
  std::string name, address, token, ca;
  bool insecure = false;
  std::string vault, secret_key;
  std::string device_name;  // empty: the host name
};

// The daemon names request inputs; the CLI's messages name its flags.
absl::Status InFlagTerms(const grpc::Status& s) {
  return RelabelInput(RelabelInput(FromGrpc(s), "ca_file", "--ca"), "vault_id", "--vault");
}

absl::Status RemoteAdd(Context& ctx, const SyncFlags& f) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::RemoteAddRequest req;
  req.set_name(f.name);
  req.set_address(f.address);
  req.set_token(f.token);
  req.set_ca_file(f.ca.empty() ? "" : std::filesystem::absolute(f.ca).string());
  req.set_insecure(f.insecure);
  v1::RemoteReply reply;
  if (auto s = (*client)->Call(kVaultAddRemote, req, &reply); !s.ok()) return InFlagTerms(s);
  std::cerr << "Added remote \"" << f.name << "\" (" << f.address
            << "). Run `haven sync` to sync now.\n";
  return absl::OkStatus();
}

absl::Status RemoteList(Context& ctx) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::RemoteListReply reply;
  if (auto s = (*client)->Call(kVaultListRemotes, {}, &reply); !s.ok()) return FromGrpc(s);
  std::vector<nlohmann::json> rows;
  for (const auto& r : reply.remotes()) {
    rows.push_back({{"name", r.name()},
                    {"address", r.address()},
                    {"tls", r.insecure() ? "off" : (r.ca_file().empty() ? "auto" : "ca")},
                    {"last_sync", r.last_sync_us() ? FormatRfc3339(r.last_sync_us()) : "never"},
                    {"last_error", r.last_error()},
                    {"hub_id", r.hub_id()}});
  }
  PrintRows(rows, {"name", "address", "hub_id", "last_sync", "last_error"}, *format);
  return absl::OkStatus();
}

absl::Status RemoteRemove(Context& ctx, const std::string& name) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::RemoteRemoveRequest req;
  req.set_name(name);
  v1::RemoteReply reply;
  return FromGrpc((*client)->Call(kVaultRemoveRemote, req, &reply));
}

absl::Status Sync(Context& ctx, const std::string& name) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::SyncRequest req;
  req.set_remote(name);
  v1::SyncReply reply;
  if (auto s = (*client)->Call(kVaultSync, req, &reply); !s.ok()) return InFlagTerms(s);
  if (ctx.format_flag == "json" || ctx.format_flag == "jsonl") {
    std::cout << SyncReportJson(reply).dump() << "\n";
  } else {
    std::cout << SyncReportText(reply, NowMicros());
  }
  return absl::OkStatus();
}

absl::Status Join(Context& ctx, const SyncFlags& f) {
  auto passphrase = ReadPassphrase("Passphrase of the vault: ", /*confirm=*/false);
  if (!passphrase.ok()) return passphrase.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::JoinRequest req;
  req.set_address(f.address);
  req.set_vault_id(f.vault);
  req.set_secret_key(f.secret_key);
  req.set_passphrase(*passphrase);
  Wipe(*passphrase);
  req.set_token(f.token);
  req.set_ca_file(f.ca.empty() ? "" : std::filesystem::absolute(f.ca).string());
  req.set_insecure(f.insecure);
  req.set_device_name(f.device_name.empty() ? DefaultDeviceName() : f.device_name);
  v1::JoinReply reply;
  grpc::Status s = (*client)->Call(kVaultJoin, req, &reply);
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  if (!s.ok()) return InFlagTerms(s);
  if (ctx.format_flag == "json" || ctx.format_flag == "jsonl") {
    std::cout << nlohmann::json({{"vault_id", reply.vault_id()},
                                 {"device_id", reply.device_id()},
                                 {"pulled", reply.pulled()}})
                     .dump()
              << "\n";
  } else {
    std::cout << "This device (" << reply.device_id() << ") joined vault " << reply.vault_id()
              << " and pulled " << reply.pulled() << " records.\n";
  }
  return absl::OkStatus();
}

}  // namespace

void RegisterSyncCommands(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<SyncFlags>();
  auto* remote = app.add_subcommand("remote", "Hubs this device syncs with");
  remote->require_subcommand(1);
  auto* add = remote->add_subcommand("add", "Add a hub to sync with");
  add->add_option("name", f->name, "a short name, e.g. home")->required();
  add->add_option("address", f->address, "HOST:PORT of the hub")->required();
  add->add_option("--token", f->token, "the hub's registration token (first device only)");
  add->add_option("--ca", f->ca, "CA certificate (PEM) that signed the hub's certificate");
  add->add_flag("--insecure", f->insecure, "plaintext TCP beyond loopback (not recommended)");
  add->callback([&ctx, f] { ctx.action = [&ctx, f] { return RemoteAdd(ctx, *f); }; });
  remote->add_subcommand("list", "Hubs and when they last synced")->callback([&ctx] {
    ctx.action = [&ctx] { return RemoteList(ctx); };
  });
  auto* rm = remote->add_subcommand("rm", "Stop syncing with a hub");
  rm->add_option("name", f->name, "remote name")->required();
  rm->callback([&ctx, f] { ctx.action = [&ctx, f] { return RemoteRemove(ctx, f->name); }; });

  auto* sync = app.add_subcommand(
      "sync", "Push and pull now; says what went each way, and what background sync did");
  sync->add_option("name", f->name, "only this remote");
  sync->callback([&ctx, f] { ctx.action = [&ctx, f] { return Sync(ctx, f->name); }; });

  auto* join = app.add_subcommand("join", "Make this device a member of a vault held on a hub");
  join->add_option("address", f->address, "HOST:PORT of the hub")->required();
  join->add_option("--vault", f->vault, "the vault id shown by `haven init`")->required();
  join->add_option("--secret-key", f->secret_key, "the Secret Key from your emergency kit")
      ->required();
  join->add_option("--token", f->token, "the hub's token");
  join->add_option("--ca", f->ca, "CA certificate (PEM) that signed the hub's certificate");
  join->add_flag("--insecure", f->insecure, "plaintext TCP beyond loopback (not recommended)");
  join->add_option("--device-name", f->device_name,
                   "what to call this device (default: its host name)");
  join->callback([&ctx, f] { ctx.action = [&ctx, f] { return Join(ctx, *f); }; });
}

}  // namespace haven::cli
