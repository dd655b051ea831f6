// haven.v1.Journal: entries, types, stats, export and import for the CLI.
#ifndef HAVEN_SERVER_SERVICE_JOURNAL_SERVICE_H_
#define HAVEN_SERVER_SERVICE_JOURNAL_SERVICE_H_

#include <functional>
#include <string>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/plugins/type_registry.h"
#include "server/vault/vault.h"

namespace haven {

class JournalService final : public v1::Journal::Service {
 public:
  // `vault` and `types` must outlive the service. `on_write` runs after every
  // successful local write (it schedules a background sync).
  // `home_plugins` is the home's own plugin directory, whose manifest types
  // are shared through the vault. `spool_dir` (the home) holds an import's
  // sealed scratch file while its entries are checked.
  JournalService(Vault* vault, TypeRegistry* types, std::string home_plugins, std::string spool_dir,
                 std::function<void()> on_write);

  grpc::Status Log(grpc::ServerContext*, const v1::LogRequest*, v1::EntryReply*) override;
  grpc::Status List(grpc::ServerContext*, const v1::ListRequest*, v1::ListReply*) override;
  grpc::Status Show(grpc::ServerContext*, const v1::ShowRequest*, v1::ShowReply*) override;
  grpc::Status Edit(grpc::ServerContext*, const v1::EditRequest*, v1::EntryReply*) override;
  grpc::Status Remove(grpc::ServerContext*, const v1::EntryRef*, v1::EntryReply*) override;
  grpc::Status Restore(grpc::ServerContext*, const v1::EntryRef*, v1::EntryReply*) override;
  grpc::Status Types(grpc::ServerContext*, const v1::TypesRequest*, v1::TypesReply*) override;
  grpc::Status ReloadTypes(grpc::ServerContext*, const v1::ReloadTypesRequest*,
                           v1::TypesReply*) override;
  grpc::Status Stats(grpc::ServerContext*, const v1::StatsRequest*, v1::StatsReply*) override;
  grpc::Status Export(grpc::ServerContext*, const v1::ExportRequest*,
                      grpc::ServerWriter<v1::ExportChunk>*) override;
  grpc::Status Import(grpc::ServerContext*, grpc::ServerReader<v1::ImportChunk>*,
                      v1::ImportReply*) override;
  // journal_service_search.cc
  grpc::Status Search(grpc::ServerContext*, const v1::SearchRequest*, v1::SearchReply*) override;

 private:
  Vault* vault_;
  TypeRegistry* types_;
  std::string home_plugins_;
  std::string spool_dir_;
  std::function<void()> on_write_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_JOURNAL_SERVICE_H_
