// Micro-benchmarks of the per-record work every write, sync and view
// rebuild does: sealing / opening a record, encoding its body, folding it
// into an entry's state; taking one more membership record; and a pass of
// stats with its measures. Run by
// scripts/bench; figures are per operation.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "common/time.h"
#include "haven/v1/record.pb.h"
#include "server/crypto/sealed_record.h"
#include "server/crypto/secret_bytes.h"
#include "server/insights/stats.h"
#include "server/journal/merge.h"
#include "server/measures/measure_builder.h"
#include "server/membership/membership.h"
#include "tests/membership/member_fixture.h"

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

// A vault's membership of N records (devices enrolling, renaming, a
// rotation that saw them all): the cost of taking one more record, which
// folds them all again (docs/design.md, "Devices and key epochs"), and
// checks the new record's two signatures; those of the records held were
// checked when they came, as on a device or hub.
void BM_MembershipAddOne(benchmark::State& state) {
  testing::MemberVault vault;
  std::vector<testing::TestDevice> devices(static_cast<size_t>(state.range(0)) / 2);
  std::vector<MemberRecord> records;
  uint64_t tick = 0;
  for (testing::TestDevice& d : devices) {
    records.push_back(
        vault.Record(d, vault.Enrol(d, vault.authority0()), testing::MemberVault::Hlc(++tick)));
    records.push_back(vault.Record(d, testing::MemberVault::Rename(d, "renamed"),
                                   testing::MemberVault::Hlc(++tick)));
  }
  const testing::KeyPair next = testing::KeyPair::Make();
  records.push_back(vault.Record(devices[0],
                                 testing::MemberVault::Epoch(1, next, {&devices[0]}, "wrapped"),
                                 testing::MemberVault::Hlc(++tick)));
  const MemberRecord one =
      vault.RecordWithAuthority(devices[1], testing::MemberVault::Rename(devices[1], "again"),
                                testing::MemberVault::Hlc(++tick), 1, &next);
  Membership without = vault.NewMembership();
  without.Add(records);
  for (auto _ : state) {
    state.PauseTiming();
    Membership m = without;
    state.ResumeTiming();
    m.Add({one});
    benchmark::DoNotOptimize(m.current_epoch());
  }
}
BENCHMARK(BM_MembershipAddOne)->Arg(16)->Arg(256)->Arg(4096)->Unit(benchmark::kMicrosecond);

// `n` entries ~97 s apart, as scripts/bench's corpus: check-ins, with a
// WHO-5 taking in place of one in every 12,470 (about every two weeks).
std::vector<Entry> StatsCorpus(int n) {
  std::vector<Entry> entries(n);
  for (int i = 0; i < n; ++i) {
    Entry& e = entries[i];
    e.at_us = (1600000000LL + i * 97LL) * 1000000;
    if (i % 12470 == 6235) {
      e.type = "who-5";
      e.derived = {{"percent", 40 + i % 50}, {"flag", "none"}};
    } else {
      e.type = "checkin";
      e.fields = {{"mood", 1 + i % 10}};
    }
  }
  return entries;
}

// One pass of `haven stats` over the corpus, measures included.
void BM_StatsBuilder(benchmark::State& state) {
  const std::vector<Entry> entries = StatsCorpus(static_cast<int>(state.range(0)));
  StatsOptions options;
  options.numeric_fields["checkin"] = {{"mood", true, 0, 10}};
  for (auto _ : state) {
    StatsBuilder b(options, entries.back().at_us);
    for (const Entry& e : entries) b.Add(e);
    benchmark::DoNotOptimize(b.Finish());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_StatsBuilder)->Arg(100000)->Unit(benchmark::kMillisecond);

// The measures' share of that pass: the same entries, with the day numbers
// the stats pass has already computed for them.
void BM_MeasureBuilder(benchmark::State& state) {
  const std::vector<Entry> entries = StatsCorpus(static_cast<int>(state.range(0)));
  std::vector<int64_t> days;
  for (const Entry& e : entries) days.push_back(LocalDayNumber(e.at_us));
  for (auto _ : state) {
    MeasureBuilder b;
    for (size_t i = 0; i < entries.size(); ++i) b.Add(entries[i], days[i]);
    benchmark::DoNotOptimize(b.Finish(days.back()));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MeasureBuilder)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
