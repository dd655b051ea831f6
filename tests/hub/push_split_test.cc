// HubClient::Push against a hub that enforces the per-stream caps of
// server/hub/hub_service.h: a push bigger than one stream's cap goes out as
// several streams, each within it, and every record arrives once.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "server/hub/hub_service.h"
#include "server/sync/hub_client.h"
#include "tests/hub/loopback_hub.h"
#include "tests/store/temp_dir.h"

namespace haven {
namespace {

// Counts what each Push stream carries; refuses one past the caps as the
// real hub does. Needs no login.
class CountingHub final : public v1::Hub::Service {
 public:
  grpc::Status Push(grpc::ServerContext*, grpc::ServerReader<v1::RecordBatch>* reader,
                    v1::PushReply* reply) override {
    v1::RecordBatch batch;
    size_t records = 0, bytes = 0;
    while (reader->Read(&batch)) {
      records += batch.records_size();
      for (const auto& r : batch.records()) {
        bytes += r.size();
        std::lock_guard<std::mutex> lock(mu_);
        seqs_.push_back(ParseRecordHeader(r)->seq);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    streams_.push_back(records);
    if (records > kHubMaxPushRecords || bytes > kHubMaxPushBytes) {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "push: past the stream caps");
    }
    reply->set_accepted(records);
    return grpc::Status::OK;
  }

  std::mutex mu_;
  std::vector<size_t> streams_;
  std::vector<uint64_t> seqs_;
};

TEST(PushSplitTest, APushPastOneStreamsRecordCapGoesOutAsSeveralStreams) {
  testing::TempDir dir;
  auto store = Store::Open(dir.Join("device"));
  ASSERT_TRUE(store.ok()) << store.status();
  auto log = RecordLog::Open(store->get());
  ASSERT_TRUE(log.ok()) << log.status();
  const std::string vault(16, 'v'), device(16, 'd');
  const uint64_t total = kHubMaxPushRecords + 4464;
  {
    std::vector<IncomingRecord> records;
    for (uint64_t seq = 1; seq <= total; ++seq) {
      RecordHeader header{kRecordFormatV1, vault, device, seq};
      std::string sealed(1, static_cast<char>(kRecordFormatV1));
      sealed += vault + device + EncodeU64(seq) + std::string(168, 'x');
      records.push_back({header, std::move(sealed)});
    }
    RecordLog::Append append = (*log)->Stage(std::move(records));
    ASSERT_TRUE((*log)->Commit(&append, /*sync=*/false).ok());
  }

  CountingHub hub;
  testing::LoopbackHub server = testing::StartLoopbackHub(&hub);
  ASSERT_NE(server.server, nullptr);

  auto client = HubClient::Connect({"test", server.address, "", "", false});
  ASSERT_TRUE(client.ok()) << client.status();
  auto pushed = (*client)->Push(**log, {});
  ASSERT_TRUE(pushed.ok()) << pushed.status();
  EXPECT_EQ(*pushed, total);
  server.server->Shutdown();

  ASSERT_EQ(hub.streams_.size(), 2u);
  EXPECT_EQ(hub.streams_[0], kHubMaxPushRecords);
  EXPECT_EQ(hub.streams_[1], total - kHubMaxPushRecords);
  ASSERT_EQ(hub.seqs_.size(), total);
  for (uint64_t i = 0; i < total; ++i) ASSERT_EQ(hub.seqs_[i], i + 1) << "out of order or twice";
}

}  // namespace
}  // namespace haven
