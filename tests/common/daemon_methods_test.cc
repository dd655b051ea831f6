// The typed constants of common/daemon_methods.h against the generated
// descriptors: each names a unary method of the home services with its
// request and reply types, and every unary method has one.
#include "common/daemon_methods.h"

#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <string>

namespace haven {
namespace {

// Each constant against the generated descriptors: the method exists, is
// unary, and takes and returns the types the constant carries.
template <typename Method>
void ExpectIsTheServicesUnaryMethod(const Method& method) {
  std::string name(method.name.substr(1));  // "haven.v1.Journal/List"
  name[name.find('/')] = '.';
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  ASSERT_NE(descriptor, nullptr) << method.name;
  EXPECT_FALSE(descriptor->client_streaming() || descriptor->server_streaming()) << method.name;
  EXPECT_EQ(descriptor->input_type(), Method::Request::descriptor()) << method.name;
  EXPECT_EQ(descriptor->output_type(), Method::Reply::descriptor()) << method.name;
}

TEST(DaemonMethodsTest, EachNamesAUnaryMethodWithItsHandlersTypes) {
  int count = 0;
#define HAVEN_EXPECT_METHOD(service, method)          \
  ExpectIsTheServicesUnaryMethod(k##service##method); \
  ++count;
  HAVEN_JOURNAL_UNARY_METHODS(HAVEN_EXPECT_METHOD)
  HAVEN_PRACTICE_UNARY_METHODS(HAVEN_EXPECT_METHOD)
  HAVEN_VAULT_UNARY_METHODS(HAVEN_EXPECT_METHOD)
  HAVEN_ADMIN_UNARY_METHODS(HAVEN_EXPECT_METHOD)
#undef HAVEN_EXPECT_METHOD
  // Every method of the home services but the two streams.
  int unary = 0;
  for (const char* service :
       {"haven.v1.Journal", "haven.v1.Practice", "haven.v1.Vault", "haven.v1.Admin"}) {
    const auto* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    ASSERT_NE(descriptor, nullptr) << service;
    for (int i = 0; i < descriptor->method_count(); ++i) {
      const auto* m = descriptor->method(i);
      if (!m->client_streaming() && !m->server_streaming()) ++unary;
    }
  }
  EXPECT_EQ(count, unary) << "a unary method of the home services has no constant";
}

}  // namespace
}  // namespace haven
