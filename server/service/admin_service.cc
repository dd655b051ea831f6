#include "server/service/admin_service.h"

#include <unistd.h>

#include "common/time.h"

namespace haven {

AdminService::AdminService(Vault* vault, std::string home, bool hub,
                           std::function<void()> request_shutdown)
    : vault_(vault),
      home_(std::move(home)),
      hub_(hub),
      started_us_(NowMicros()),
      request_shutdown_(std::move(request_shutdown)) {}

grpc::Status AdminService::Status(grpc::ServerContext*, const v1::StatusRequest*,
                                  v1::StatusReply* reply) {
  reply->set_pid(getpid());
  reply->set_version(HAVEN_VERSION);
  reply->set_home(home_);
  reply->set_hub(hub_);
  reply->set_started_us(started_us_);
  if (vault_ != nullptr) {
    reply->set_has_vault(vault_->exists());
    reply->set_unlocked(vault_->unlocked());
  }
  return grpc::Status::OK;
}

grpc::Status AdminService::Shutdown(grpc::ServerContext*, const v1::ShutdownRequest*,
                                    v1::ShutdownReply*) {
  request_shutdown_();
  return grpc::Status::OK;
}

}  // namespace haven
