// The search index in memory (docs/design.md, "Search"): building it from
// N entries as unlock does (one shard per thread, joined), its bytes per
// entry, and a two-word query. Entries hold ~50 words drawn from a
// 5,000-word vocabulary with a Zipf-like law, like journal prose.
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "server/search/search_index.h"

namespace haven {
namespace {

struct Corpus {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
};

std::string Word(size_t rank) {
  static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zu", "pe"};
  std::string w;
  for (size_t r = rank + 1; r > 0; r /= 10) w += kSyllables[r % 10];
  return w;
}

const Corpus& MakeCorpus(size_t n) {
  static std::map<size_t, Corpus> cache;
  auto& corpus = cache[n];
  if (!corpus.ids.empty()) return corpus;
  std::mt19937_64 rng(42);
  std::vector<double> weights(5000);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / std::pow(i + 1.0, 1.05);
  std::discrete_distribution<size_t> pick(weights.begin(), weights.end());
  char id[25];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(id, sizeof id, "%024zx", i * 2654435761u);
    corpus.ids.emplace_back(id);
    std::string text;
    for (int w = 0; w < 50; ++w) text += Word(pick(rng)) + (w % 9 == 8 ? ". " : " ");
    corpus.texts.push_back(std::move(text));
  }
  return corpus;
}

SearchIndex Build(const Corpus& corpus, int shards) {
  std::vector<SearchIndex::Shard> parts(shards);
  for (size_t i = 0; i < corpus.ids.size(); ++i) {
    parts[i % shards].Add(
        SearchDoc{corpus.ids[i], static_cast<int64_t>(i), "letter", false, {corpus.texts[i]}, {}});
  }
  SearchIndex index;
  index.AddAll(std::move(parts));
  return index;
}

void BM_SearchIndexBuild(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  size_t bytes = 0;
  for (auto _ : state) {
    SearchIndex index = Build(corpus, 2);
    bytes = index.ApproximateBytes();
    benchmark::DoNotOptimize(index);
  }
  state.counters["bytes_per_entry"] = static_cast<double>(bytes) / corpus.ids.size();
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(corpus.ids.size()));
}
BENCHMARK(BM_SearchIndexBuild)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_SearchTwoWords(benchmark::State& state) {
  const Corpus& corpus = MakeCorpus(static_cast<size_t>(state.range(0)));
  SearchIndex index = Build(corpus, 2);
  // A common and a middling word: hits some entries, not all.
  const std::vector<std::string> words{Word(3), Word(120)};
  size_t found = 0;
  for (auto _ : state) {
    auto matches = index.Find(words, {}, {}, 20);
    found = matches.size();
    benchmark::DoNotOptimize(matches);
  }
  state.counters["matches"] = static_cast<double>(found);
}
BENCHMARK(BM_SearchTwoWords)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace haven

BENCHMARK_MAIN();
