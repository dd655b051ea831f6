// The raw pipeline that sync can at best approach, measured in the same run
// as `haven sync` so the ratio is meaningful on a noisy machine:
//   a gRPC loopback stream of N sealed records (batches of 512, as the hub
//   sends them) -> AEAD open of every record -> one RocksDB WriteBatch per
//   stream batch, fsynced: each batch durable as it lands, the plain way to
//   store a stream. With --no-fsync, the WAL is synced once at the end
//   instead, as haven's pull and the hub's push do; the benchmark prints
//   that lighter pipeline too, for information.
// Prints one JSON line: {"records":N,"bytes":B,"seconds":S,"open_s":..,"write_s":..}.
//
//   raw_pipeline [--records N] [--body BYTES] [--dir PATH] [--no-fsync]
#include <grpcpp/grpcpp.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "haven/v1/hub.grpc.pb.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"

namespace {

using Clock = std::chrono::steady_clock;
double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

constexpr size_t kBatch = 512;

class StreamService final : public haven::v1::Hub::Service {
 public:
  explicit StreamService(const std::vector<std::string>* records) : records_(records) {}
  grpc::Status Pull(grpc::ServerContext*, const haven::v1::PullRequest*,
                    grpc::ServerWriter<haven::v1::RecordBatch>* writer) override {
    for (size_t i = 0; i < records_->size(); i += kBatch) {
      haven::v1::RecordBatch batch;
      for (size_t j = i; j < std::min(i + kBatch, records_->size()); ++j) {
        batch.add_records((*records_)[j]);
      }
      if (!writer->Write(batch)) return grpc::Status::CANCELLED;
    }
    return grpc::Status::OK;
  }

 private:
  const std::vector<std::string>* records_;
};

}  // namespace

int main(int argc, char** argv) {
  size_t n = 100000, body_bytes = 512 - haven::kRecordOverheadBytes;
  std::string dir;
  bool fsync_each_batch = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-fsync")) {
      fsync_each_batch = false;
      continue;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--records")) n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--body")) body_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    ++i;
  }
  if (dir.empty()) {
    dir = (std::filesystem::temp_directory_path() / ("haven-raw-" + std::to_string(getpid())))
              .string();
  }
  std::filesystem::remove_all(dir);

  haven::EnsureSodium();
  auto key = haven::SecretBytes::Random(32);
  std::vector<std::string> sealed;
  sealed.reserve(n);
  std::string body(body_bytes, 'b');
  size_t total_bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    haven::RecordHeader h;
    h.vault_id = std::string(16, 'v');
    h.device_id = std::string(16, 'd');
    h.seq = i + 1;
    sealed.push_back(haven::SealRecord(key, h, body));
    total_bytes += sealed.back().size();
  }

  StreamService service(&sealed);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "raw_pipeline: cannot listen on loopback\n");
    return 1;
  }

  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw_db = nullptr;
  auto st = rocksdb::DB::Open(options, dir, &raw_db);
  if (!st.ok()) {
    std::fprintf(stderr, "raw_pipeline: %s\n", st.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw_db);

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = haven::v1::Hub::NewStub(channel);
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));

  double open_s = 0, write_s = 0;
  size_t received = 0;
  auto start = Clock::now();
  grpc::ClientContext ctx;
  haven::v1::PullRequest req;
  auto reader = stub->Pull(&ctx, req);
  haven::v1::RecordBatch batch;
  rocksdb::WriteOptions wo;
  wo.sync = fsync_each_batch;
  while (reader->Read(&batch)) {
    auto t0 = Clock::now();
    rocksdb::WriteBatch wb;
    for (const auto& rec : batch.records()) {
      haven::RecordHeader h;
      auto opened = haven::OpenRecord(key, rec, &h);
      if (!opened.ok()) {
        std::fprintf(stderr, "raw_pipeline: open failed\n");
        return 1;
      }
      char k[24];
      std::memcpy(k, h.device_id.data(), 16);
      for (int b = 0; b < 8; ++b) k[16 + b] = static_cast<char>(h.seq >> (56 - 8 * b));
      wb.Put(rocksdb::Slice(k, 24), rec);
    }
    auto t1 = Clock::now();
    auto ws = db->Write(wo, &wb);
    if (!ws.ok()) {
      std::fprintf(stderr, "raw_pipeline: %s\n", ws.ToString().c_str());
      return 1;
    }
    open_s += std::chrono::duration<double>(t1 - t0).count();
    write_s += Since(t1);
    received += batch.records_size();
  }
  auto status = reader->Finish();
  if (!fsync_each_batch) {
    auto t0 = Clock::now();
    auto ss = db->SyncWAL();
    if (!ss.ok()) {
      std::fprintf(stderr, "raw_pipeline: %s\n", ss.ToString().c_str());
      return 1;
    }
    write_s += Since(t0);
  }
  double total = Since(start);
  server->Shutdown();
  db.reset();
  std::filesystem::remove_all(dir);
  if (!status.ok() || received != n) {
    std::fprintf(stderr, "raw_pipeline: stream ended early (%zu of %zu)\n", received, n);
    return 1;
  }
  std::printf(
      "{\"records\":%zu,\"bytes\":%zu,\"seconds\":%.4f,\"open_s\":%.4f,\"write_s\":%.4f}\n", n,
      total_bytes, total, open_s, write_s);
  return 0;
}
