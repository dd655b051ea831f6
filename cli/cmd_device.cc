// haven device list | rename | revoke
#include <iostream>

#include "cli/context.h"
#include "cli/devices.h"
#include "cli/passphrase.h"
#include "cli/passphrase_call.h"
#include "common/field_error.h"
#include "common/status.h"

namespace haven::cli {
namespace {

struct DeviceFlags {
  std::string id, name;
};

// The daemon names the request's fields; the CLI's messages name its arguments.
absl::Status InArgumentTerms(const absl::Status& s) {
  return RelabelInput(RelabelInput(s, "device", "ID"), "name", "NAME");
}

absl::Status List(Context& ctx) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::DeviceListReply reply;
  absl::Status s = (*client)->WithUnlock([&] {
    reply.Clear();
    return (*client)->Call(kVaultListDevices, v1::DeviceListRequest(), &reply);
  });
  if (!s.ok()) return s;
  std::vector<v1::DeviceInfo> devices(reply.devices().begin(), reply.devices().end());
  if (*format == Format::kTable) {
    PrintRows(DeviceTableRows(devices), kDeviceColumns, Format::kTable);
    return absl::OkStatus();
  }
  std::vector<nlohmann::json> rows;
  for (const auto& d : devices) rows.push_back(DeviceJson(d));
  PrintRows(rows,
            {"device_id", "name", "current", "enrolled", "revoked", "added", "added_by", "seq",
             "revoked_at", "revoked_by", "last_seen", "last_seen_us"},
            *format);
  return absl::OkStatus();
}

absl::Status Rename(Context& ctx, const DeviceFlags& f) {
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::DeviceRenameRequest req;
  req.set_device(f.id);
  req.set_name(f.name);
  v1::DeviceReply reply;
  absl::Status s =
      (*client)->WithUnlock([&] { return (*client)->Call(kVaultRenameDevice, req, &reply); });
  if (!s.ok()) return InArgumentTerms(s);
  std::cout << "Renamed device " << reply.device().device_id().substr(0, 8) << " to \""
            << PrintableName(reply.device().name())
            << "\". Your other devices see the new name after their next sync.\n";
  return absl::OkStatus();
}

absl::Status Revoke(Context& ctx, const DeviceFlags& f) {
  auto passphrase = AskPassphrase("Passphrase (to revoke a device): ");
  if (!passphrase.ok()) return passphrase.status();
  auto client = ctx.Connect();
  if (!client.ok()) {
    Wipe(*passphrase);
    return client.status();
  }
  v1::DeviceRevokeRequest req;
  req.set_device(f.id);
  req.set_passphrase(*passphrase);
  v1::DeviceReply reply;
  absl::Status s = CallWithPassphrase(
      **client, *passphrase, [&] { return (*client)->Call(kVaultRevokeDevice, req, &reply); });
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  Wipe(*passphrase);
  if (!s.ok()) return InArgumentTerms(s);
  const v1::DeviceInfo& d = reply.device();
  std::cout << "Revoked " << d.device_id().substr(0, 8)
            << (d.name().empty() ? "" : " (" + PrintableName(d.name()) + ")")
            << " and moved the vault to a new key"
            << (reply.epoch() ? " (key epoch " + std::to_string(reply.epoch()) + ")" : "")
            << "; your other devices pick it up at their next sync.\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterDeviceCommands(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<DeviceFlags>();
  auto* device = app.add_subcommand("device", "The devices of this vault");
  device->require_subcommand(1);
  device
      ->add_subcommand("list",
                       "Every device: id, name, when it was added, its sequence, when a hub last "
                       "saw it, active or revoked")
      ->callback([&ctx] { ctx.action = [&ctx] { return List(ctx); }; });
  auto* rename = device->add_subcommand("rename", "Give a device a new name");
  rename->add_option("id", f->id, "the device's id, or the first characters of it")->required();
  rename->add_option("name", f->name, "its new name")->required();
  rename->callback([&ctx, f] { ctx.action = [&ctx, f] { return Rename(ctx, *f); }; });
  auto* revoke = device->add_subcommand(
      "revoke", "Take a device out of the vault (a lost or sold one); asks for the passphrase");
  revoke->add_option("id", f->id, "the device's id, or the first characters of it")->required();
  revoke->callback([&ctx, f] { ctx.action = [&ctx, f] { return Revoke(ctx, *f); }; });
}

}  // namespace haven::cli
