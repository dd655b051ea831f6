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
#include <memory>
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

struct Options {
  size_t records = 100000;
  size_t body_bytes = 512 - haven::kRecordOverheadBytes;
  std::string dir;
  bool fsync_each_batch = true;
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--no-fsync")) {
      o.fsync_each_batch = false;
      continue;
    }
    if (i + 1 >= argc) break;
    if (!std::strcmp(argv[i], "--records"))
      o.records = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--body"))
      o.body_bytes = std::strtoull(argv[i + 1], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dir"))
      o.dir = argv[i + 1];
    ++i;
  }
  if (o.dir.empty()) {
    o.dir = (std::filesystem::temp_directory_path() / ("haven-raw-" + std::to_string(getpid())))
                .string();
  }
  return o;
}

// `n` records of one device, sealed under `key`; their total size in *bytes.
std::vector<std::string> SealRecords(const haven::SecretBytes& key, size_t n, size_t body_bytes,
                                     size_t* bytes) {
  std::vector<std::string> sealed;
  sealed.reserve(n);
  std::string body(body_bytes, 'b');
  for (size_t i = 0; i < n; ++i) {
    haven::RecordHeader h;
    h.vault_id = std::string(16, 'v');
    h.device_id = std::string(16, 'd');
    h.seq = i + 1;
    sealed.push_back(haven::SealRecord(key, h, body));
    *bytes += sealed.back().size();
  }
  return sealed;
}

// Serves `service` on a loopback port (*port); null when it cannot.
std::unique_ptr<grpc::Server> StartServer(StreamService* service, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.SetMaxReceiveMessageSize(64 << 20);
  builder.SetMaxSendMessageSize(64 << 20);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// A fresh RocksDB at `dir`; null (with a message) when it does not open.
std::unique_ptr<rocksdb::DB> OpenDb(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw_db = nullptr;
  auto st = rocksdb::DB::Open(options, dir, &raw_db);
  if (!st.ok()) {
    std::fprintf(stderr, "raw_pipeline: %s\n", st.ToString().c_str());
    return nullptr;
  }
  return std::unique_ptr<rocksdb::DB>(raw_db);
}

// A stub on a channel to the loopback `port`, once connected (or 5 s).
std::unique_ptr<haven::v1::Hub::Stub> Connect(int port) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                           grpc::InsecureChannelCredentials(), args);
  auto stub = haven::v1::Hub::NewStub(channel);
  channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(5));
  return stub;
}

struct Timings {
  double open_s = 0, write_s = 0;
  size_t received = 0;
};

// Opens every record of one streamed batch and writes them as one
// WriteBatch; false (with a message) on failure.
bool StoreBatch(const haven::SecretBytes& key, const haven::v1::RecordBatch& batch, rocksdb::DB* db,
                const rocksdb::WriteOptions& wo, Timings* t) {
  auto t0 = Clock::now();
  rocksdb::WriteBatch wb;
  for (const auto& rec : batch.records()) {
    haven::RecordHeader h;
    auto opened = haven::OpenRecord(key, rec, &h);
    if (!opened.ok()) {
      std::fprintf(stderr, "raw_pipeline: open failed\n");
      return false;
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
    return false;
  }
  t->open_s += std::chrono::duration<double>(t1 - t0).count();
  t->write_s += Since(t1);
  t->received += batch.records_size();
  return true;
}

// The WAL synced once for the whole stream (--no-fsync).
bool SyncWal(rocksdb::DB* db, Timings* t) {
  auto t0 = Clock::now();
  auto ss = db->SyncWAL();
  if (!ss.ok()) {
    std::fprintf(stderr, "raw_pipeline: %s\n", ss.ToString().c_str());
    return false;
  }
  t->write_s += Since(t0);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = ParseOptions(argc, argv);
  std::filesystem::remove_all(o.dir);

  haven::EnsureSodium();
  auto key = haven::SecretBytes::Random(32);
  size_t total_bytes = 0;
  std::vector<std::string> sealed = SealRecords(key, o.records, o.body_bytes, &total_bytes);

  StreamService service(&sealed);
  int port = 0;
  auto server = StartServer(&service, &port);
  if (!server || port == 0) {
    std::fprintf(stderr, "raw_pipeline: cannot listen on loopback\n");
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db = OpenDb(o.dir);
  if (!db) return 1;
  auto stub = Connect(port);

  Timings t;
  auto start = Clock::now();
  grpc::ClientContext ctx;
  haven::v1::PullRequest req;
  auto reader = stub->Pull(&ctx, req);
  haven::v1::RecordBatch batch;
  rocksdb::WriteOptions wo;
  wo.sync = o.fsync_each_batch;
  while (reader->Read(&batch)) {
    if (!StoreBatch(key, batch, db.get(), wo, &t)) return 1;
  }
  auto status = reader->Finish();
  if (!o.fsync_each_batch && !SyncWal(db.get(), &t)) return 1;
  double total = Since(start);
  server->Shutdown();
  db.reset();
  std::filesystem::remove_all(o.dir);
  if (!status.ok() || t.received != o.records) {
    std::fprintf(stderr, "raw_pipeline: stream ended early (%zu of %zu)\n", t.received, o.records);
    return 1;
  }
  std::printf("{\"records\":%zu,\"bytes\":%zu,\"seconds\":%.4f,\"open_s\":%.4f,\"write_s\":%.4f}\n",
              o.records, total_bytes, total, t.open_s, t.write_s);
  return 0;
}
