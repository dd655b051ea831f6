// Micro-benchmarks of the per-record work every write, sync and view
// rebuild does: sealing / opening a record, encoding its body, folding it
// into an entry's state. Run by scripts/bench; figures are per operation.
#include <benchmark/benchmark.h>

#include <string>

#include "haven/v1/record.pb.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"
#include "server/journal/merge.h"

namespace haven {
namespace {

RecordHeader Header(uint64_t seq) {
  RecordHeader h;
  h.vault_id = std::string(16, 'v');
  h.device_id = std::string(16, 'd');
  h.seq = seq;
  return h;
}

v1::RecordBody Body(int i) {
  v1::RecordBody b;
  b.set_kind(v1::RecordBody::CREATE);
  b.set_hlc((uint64_t{1700000000000} + i) << 16);
  b.set_entry_id("01HZX" + std::to_string(1000000 + i));
  b.set_type("checkin");
  b.set_type_version(1);
  b.set_has_at(true);
  b.set_at_us(int64_t{1700000000000000} + i);
  b.set_has_tags(true);
  b.add_tags("morning");
  (*b.mutable_set_fields())["mood"] = std::to_string(i % 10);
  (*b.mutable_set_fields())["note"] = "\"" + std::string(300, 'n') + "\"";
  return b;
}

void BM_SealRecord(benchmark::State& state) {
  EnsureSodium();
  auto key = SecretBytes::Random(32);
  std::string body(state.range(0), 'x');
  uint64_t seq = 0;
  for (auto _ : state) benchmark::DoNotOptimize(SealRecord(key, Header(++seq), body));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SealRecord)->Arg(512)->Arg(4096);

void BM_OpenRecord(benchmark::State& state) {
  EnsureSodium();
  auto key = SecretBytes::Random(32);
  std::string sealed = SealRecord(key, Header(1), std::string(state.range(0), 'x'));
  for (auto _ : state) {
    RecordHeader h;
    auto opened = OpenRecord(key, sealed, &h);
    if (!opened.ok()) state.SkipWithError("open failed");
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_OpenRecord)->Arg(512)->Arg(4096);

void BM_ParseRecordHeader(benchmark::State& state) {
  EnsureSodium();
  auto key = SecretBytes::Random(32);
  std::string sealed = SealRecord(key, Header(1), std::string(512, 'x'));
  for (auto _ : state) benchmark::DoNotOptimize(ParseRecordHeader(sealed));
}
BENCHMARK(BM_ParseRecordHeader);

void BM_EncodeBody(benchmark::State& state) {
  v1::RecordBody b = Body(7);
  for (auto _ : state) benchmark::DoNotOptimize(b.SerializeAsString());
}
BENCHMARK(BM_EncodeBody);

void BM_DecodeBody(benchmark::State& state) {
  std::string bytes = Body(7).SerializeAsString();
  for (auto _ : state) {
    v1::RecordBody b;
    benchmark::DoNotOptimize(b.ParseFromString(bytes));
  }
}
BENCHMARK(BM_DecodeBody);

void BM_MergeCreate(benchmark::State& state) {
  v1::RecordBody b = Body(7);
  const std::string device(16, 'd');
  for (auto _ : state) {
    v1::EntryState s;
    benchmark::DoNotOptimize(ApplyRecord(&s, b, device, 1));
  }
}
BENCHMARK(BM_MergeCreate);

// An entry edited N times from two devices: the cost of one more edit.
void BM_MergeEditAfterN(benchmark::State& state) {
  v1::EntryState s;
  const std::string dev_a(16, 'a'), dev_b(16, 'b');
  ApplyRecord(&s, Body(0), dev_a, 1);
  v1::RecordBody edit;
  edit.set_kind(v1::RecordBody::EDIT);
  edit.set_entry_id(Body(0).entry_id());
  uint64_t seq = 1;
  for (int i = 0; i < state.range(0); ++i) {
    edit.set_hlc((uint64_t{1700000001000} + i) << 16);
    (*edit.mutable_set_fields())["mood"] = std::to_string(i % 10);
    ApplyRecord(&s, edit, (i % 2) ? dev_a : dev_b, ++seq);
  }
  uint64_t hlc = uint64_t{1800000000000} << 16;
  for (auto _ : state) {
    v1::EntryState copy = s;  // keep the history length fixed
    edit.set_hlc(++hlc);
    benchmark::DoNotOptimize(ApplyRecord(&copy, edit, dev_b, seq + 1));
  }
}
BENCHMARK(BM_MergeEditAfterN)->Arg(1)->Arg(16)->Arg(256);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
