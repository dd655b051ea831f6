// haven vault rekey | vault kit | passwd: the vault key, the Secret Key and
// the passphrase (docs/design.md, "Devices and key epochs").
#include <sys/stat.h>

#include <iostream>

#include "cli/context.h"
#include "cli/kit.h"
#include "cli/passphrase.h"
#include "cli/passphrase_call.h"
#include "common/field_error.h"
#include "common/status.h"
#include "common/time.h"

namespace haven::cli {
namespace {

struct KeyFlags {
  bool new_secret_key = false;
  std::string out;
};

// The vault id and Secret Key given, with the remotes this device syncs with.
absl::StatusOr<Kit> WithRemotes(DaemonClient& client, std::string vault_id,
                                std::string secret_key) {
  Kit kit{std::move(vault_id), std::move(secret_key), {}};
  v1::RemoteListReply remotes;
  if (auto s = client.Call(kVaultListRemotes, {}, &remotes); !s.ok()) return FromGrpc(s);
  for (const auto& r : remotes.remotes()) {
    kit.remotes.push_back({r.name(), r.address(), r.ca_file(), r.insecure()});
  }
  return kit;
}

void PrintJson(const nlohmann::json& out, Format format) {
  std::cout << out.dump(format == Format::kJson ? 2 : -1) << "\n";
}

absl::Status Rekey(Context& ctx, const KeyFlags& f) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  bool table = ctx.format_flag.empty() || *format == Format::kTable;
  auto passphrase = AskPassphrase("Passphrase (to rotate the vault key): ");
  if (!passphrase.ok()) return passphrase.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::RekeyRequest req;
  req.set_passphrase(*passphrase);
  req.set_new_secret_key(f.new_secret_key);
  v1::RekeyReply reply;
  absl::Status s = CallWithPassphrase(**client, *passphrase,
                                      [&] { return (*client)->Call(kVaultRekey, req, &reply); });
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  Wipe(*passphrase);
  if (!s.ok()) return s;
  if (!f.new_secret_key) {
    if (!table) {
      PrintJson({{"epoch", reply.epoch()}}, *format);
      return absl::OkStatus();
    }
    std::cout << "The vault has a new key (key epoch " << reply.epoch()
              << "). Your other devices pick it up at their next sync.\n";
    return absl::OkStatus();
  }
  auto kit = WithRemotes(**client, reply.vault_id(), reply.secret_key());
  Wipe(*reply.mutable_secret_key());
  if (!kit.ok()) return kit.status();
  if (!table) {
    nlohmann::json out = KitJson(*kit);
    out["epoch"] = reply.epoch();
    PrintJson(out, *format);
  } else {
    std::cout << "The vault has a new key (key epoch " << reply.epoch()
              << ") and a new Secret Key. Your other devices pick both up at their next sync.\n\n"
              << "Your new emergency kit:\n\n"
              << KitText(*kit) << "\n"
              << "Your old Secret Key no longer works. Store this one safely, apart from your\n"
              << "passphrase (print it, or keep it in a password manager), and destroy the old\n"
              << "copy. `haven vault kit` shows it again.\n";
  }
  Wipe(kit->secret_key);
  return absl::OkStatus();
}

absl::Status ShowKit(Context& ctx, const KeyFlags& f) {
  auto format = ctx.format();
  if (!format.ok()) return format.status();
  struct stat st;
  if (!f.out.empty() && lstat(f.out.c_str(), &st) == 0) {
    return absl::AlreadyExistsError("-o: " + f.out +
                                    " already exists; choose another name (it is never "
                                    "overwritten)");
  }
  auto passphrase = AskPassphrase("Passphrase (to show the emergency kit): ");
  if (!passphrase.ok()) return passphrase.status();
  auto client = ctx.Connect();
  if (!client.ok()) return client.status();
  v1::KitRequest req;
  req.set_passphrase(*passphrase);
  v1::KitReply reply;
  absl::Status s = CallWithPassphrase(**client, *passphrase,
                                      [&] { return (*client)->Call(kVaultShowKit, req, &reply); });
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  Wipe(*passphrase);
  if (!s.ok()) return s;
  auto kit = WithRemotes(**client, reply.vault_id(), reply.secret_key());
  Wipe(*reply.mutable_secret_key());
  if (!kit.ok()) return kit.status();
  if (!f.out.empty()) {
    std::string page = KitHtml(*kit, FormatRfc3339(NowMicros()).substr(0, 10));
    s = WriteNewPrivateFile(f.out, page, "-o");
    Wipe(page);
    if (s.ok()) {
      std::cerr << "Wrote your emergency kit to " << f.out
                << " (readable only by you). Print it, keep it apart from your passphrase, then "
                   "delete the file.\n";
    }
  } else if (!ctx.format_flag.empty() && *format != Format::kTable) {
    PrintJson(KitJson(*kit), *format);
  } else {
    std::cout << "Your emergency kit\n\n"
              << KitText(*kit) << "\nKeep it somewhere safe, apart from your passphrase.\n";
  }
  Wipe(kit->secret_key);
  return s;
}

absl::Status ChangePassphrase(Context& ctx) {
  auto current = AskPassphrase("Current passphrase: ");
  if (!current.ok()) return current.status();
  auto next = ReadNewPassphrase();
  if (!next.ok()) {
    Wipe(*current);
    return next.status();
  }
  auto client = ctx.Connect();
  v1::ChangePassphraseRequest req;
  req.set_passphrase(*current);
  req.set_new_passphrase(*next);
  Wipe(*next);
  absl::Status s = client.status();
  if (client.ok()) {
    v1::ChangePassphraseReply reply;
    s = CallWithPassphrase(**client, *current,
                           [&] { return (*client)->Call(kVaultChangePassphrase, req, &reply); });
  }
  req.mutable_passphrase()->assign(req.passphrase().size(), '\0');
  req.mutable_new_passphrase()->assign(req.new_passphrase().size(), '\0');
  Wipe(*current);
  if (!s.ok()) return RelabelInput(s, "new_passphrase", "new passphrase");
  std::cout << "Your passphrase is changed. Your other devices and your hubs take the new one at\n"
               "their next sync; from then on the old one no longer opens this vault.\n";
  return absl::OkStatus();
}

}  // namespace

void RegisterKeyCommands(CLI::App& app, CLI::App& vault, Context& ctx) {
  auto f = std::make_shared<KeyFlags>();
  auto* rekey = vault.add_subcommand(
      "rekey", "Move the vault to a new key (after a suspected leak); asks for the passphrase");
  rekey->add_flag("--new-secret-key", f->new_secret_key,
                  "also make a new Secret Key; the old one stops working");
  rekey->callback([&ctx, f] { ctx.action = [&ctx, f] { return Rekey(ctx, *f); }; });
  auto* kit = vault.add_subcommand(
      "kit", "Show the emergency kit again: vault id, Secret Key, how to add a device");
  kit->add_option("-o", f->out, "write it as a printable HTML page to this new file (mode 0600)");
  kit->callback([&ctx, f] { ctx.action = [&ctx, f] { return ShowKit(ctx, *f); }; });
  app.add_subcommand("passwd", "Change the vault's passphrase on every device")->callback([&ctx] {
    ctx.action = [&ctx] { return ChangePassphrase(ctx); };
  });
}

}  // namespace haven::cli
