// A gRPC server on a free loopback port serving one Hub implementation, for
// the hub and hub-client tests that need a real channel.
#ifndef HAVEN_TESTS_HUB_LOOPBACK_HUB_H_
#define HAVEN_TESTS_HUB_LOOPBACK_HUB_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace haven::testing {

struct LoopbackHub {
  std::unique_ptr<grpc::Server> server;  // null when it did not start
  std::string address;                   // 127.0.0.1:PORT
};

// `service` must outlive the returned server.
inline LoopbackHub StartLoopbackHub(grpc::Service* service) {
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service);
  LoopbackHub hub{builder.BuildAndStart(), "127.0.0.1:" + std::to_string(port)};
  if (port == 0) hub.server.reset();
  return hub;
}

}  // namespace haven::testing

#endif  // HAVEN_TESTS_HUB_LOOPBACK_HUB_H_
