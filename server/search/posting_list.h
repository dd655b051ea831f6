// The entries holding one search term, as ascending document numbers
// stored as variable-length deltas: a term found in most entries of a
// million-entry journal costs about one byte per entry, a rare one a few.
#ifndef HAVEN_SERVER_SEARCH_POSTING_LIST_H_
#define HAVEN_SERVER_SEARCH_POSTING_LIST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven {

class PostingList {
 public:
  // Adds `doc`, which must be greater than every number added before.
  void Append(uint32_t doc);
  // Adds every number of `other` plus `base`; all must be greater than
  // every number added before (joining lists built on separate threads).
  void AppendShifted(const PostingList& other, uint32_t base);
  // Keeps the numbers `renumber` maps to a new number (not kDropped),
  // renumbered; the mapping must keep their order.
  static constexpr uint32_t kDropped = UINT32_MAX;
  void Renumber(const std::vector<uint32_t>& renumber);
  void ShrinkToFit() { bytes_.shrink_to_fit(); }

  uint32_t size() const { return count_; }
  // The stored form (for a snapshot) and back. FromBytes takes `bytes`
  // only when they hold exactly `count` (> 0) well-formed varints whose
  // numbers ascend and stay below `limit`; nullopt otherwise.
  const std::string& bytes() const { return bytes_; }
  static std::optional<PostingList> FromBytes(std::string_view bytes, uint32_t count,
                                              uint32_t limit);
  size_t heap_bytes() const { return bytes_.capacity(); }
  // All numbers, ascending.
  std::vector<uint32_t> Decode() const;

  // Walks the numbers in ascending order.
  class Cursor {
   public:
    explicit Cursor(const PostingList& list) : list_(&list) { Next(); }
    bool valid() const { return valid_; }
    uint32_t doc() const { return doc_; }
    void Next();
    // Moves to the first number >= target (or past the end).
    void SeekAtLeast(uint32_t target) {
      while (valid_ && doc_ < target) Next();
    }

   private:
    const PostingList* list_;
    size_t pos_ = 0;
    uint32_t seen_ = 0;
    uint32_t doc_ = 0;
    bool valid_ = false;
  };

 private:
  void PutVarint(uint32_t value);

  std::string bytes_;  // the first number, then the gaps, as LEB128 varints
  uint32_t last_ = 0;
  uint32_t count_ = 0;
};

}  // namespace haven

#endif  // HAVEN_SERVER_SEARCH_POSTING_LIST_H_
