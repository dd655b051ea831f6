// haven.v1.Admin: daemon status and an orderly shutdown for `haven daemon`.
#ifndef HAVEN_SERVER_SERVICE_ADMIN_SERVICE_H_
#define HAVEN_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <functional>
#include <string>

#include "haven/v1/daemon.grpc.pb.h"
#include "server/vault/vault.h"

namespace haven {

class AdminService final : public v1::Admin::Service {
 public:
  // `vault` may be null on a hub. `request_shutdown` must be safe to call
  // from a request thread (it only signals the main thread).
  AdminService(Vault* vault, std::string home, bool hub, std::function<void()> request_shutdown);

  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*, v1::StatusReply*) override;
  grpc::Status Shutdown(grpc::ServerContext*, const v1::ShutdownRequest*,
                        v1::ShutdownReply*) override;

 private:
  Vault* vault_;
  std::string home_;
  bool hub_;
  int64_t started_us_;
  std::function<void()> request_shutdown_;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SERVICE_ADMIN_SERVICE_H_
