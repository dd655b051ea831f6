// A Hub service that passes every call on to another one (the real hub's),
// for tests that make a hub misbehave in one call and behave in the rest:
// override that call.
#ifndef HAVEN_TESTS_SYNC_FORWARDING_HUB_H_
#define HAVEN_TESTS_SYNC_FORWARDING_HUB_H_

#include <grpcpp/grpcpp.h>

#include "haven/v1/hub.grpc.pb.h"

namespace haven::testing {

class ForwardingHub : public v1::Hub::Service {
 public:
  // `inner` must outlive this service.
  explicit ForwardingHub(v1::Hub::Service* inner) : inner_(inner) {}

  grpc::Status RegisterVault(grpc::ServerContext* ctx, const v1::RegisterVaultRequest* req,
                             v1::RegisterVaultReply* reply) override {
    return inner_->RegisterVault(ctx, req, reply);
  }
  grpc::Status FetchWrappedKey(grpc::ServerContext* ctx, const v1::FetchWrappedKeyRequest* req,
                               v1::FetchWrappedKeyReply* reply) override {
    return inner_->FetchWrappedKey(ctx, req, reply);
  }
  grpc::Status Challenge(grpc::ServerContext* ctx, const v1::ChallengeRequest* req,
                         v1::ChallengeReply* reply) override {
    return inner_->Challenge(ctx, req, reply);
  }
  grpc::Status Authenticate(grpc::ServerContext* ctx, const v1::AuthenticateRequest* req,
                            v1::AuthenticateReply* reply) override {
    return inner_->Authenticate(ctx, req, reply);
  }
  grpc::Status Heads(grpc::ServerContext* ctx, const v1::HeadsRequest* req,
                     v1::VersionVectorMsg* reply) override {
    return inner_->Heads(ctx, req, reply);
  }
  grpc::Status Push(grpc::ServerContext* ctx, grpc::ServerReader<v1::RecordBatch>* reader,
                    v1::PushReply* reply) override {
    return inner_->Push(ctx, reader, reply);
  }
  grpc::Status Pull(grpc::ServerContext* ctx, const v1::PullRequest* req,
                    grpc::ServerWriter<v1::RecordBatch>* writer) override {
    return inner_->Pull(ctx, req, writer);
  }
  grpc::Status Watch(grpc::ServerContext* ctx, const v1::WatchRequest* req,
                     grpc::ServerWriter<v1::WatchEvent>* writer) override {
    return inner_->Watch(ctx, req, writer);
  }
  grpc::Status SubmitMembership(grpc::ServerContext* ctx, const v1::SubmitMembershipRequest* req,
                                v1::SubmitMembershipReply* reply) override {
    return inner_->SubmitMembership(ctx, req, reply);
  }

 private:
  v1::Hub::Service* inner_;
};

}  // namespace haven::testing

#endif  // HAVEN_TESTS_SYNC_FORWARDING_HUB_H_
