#pragma once
/// @file
/// A checkpoint store's files: one append-only pack of results per rank and run, and beside it an
/// index of what the pack holds. A record counts only once it is whole and on disk: the writer
/// appends records, fdatasyncs the pack, and only then appends their index entries, each with its
/// own checksum. A process killed mid-write leaves at most a torn record without an entry, or a
/// torn entry that fails its checksum; readers ignore both.
///
///   pack record:  "TSR1" | key (16 bytes) | payload length (u64) | payload | XXH3-64 of all before
///   payload:      block count (u64), then per block rows (i64), cols (i64), rows*cols doubles
///   index entry:  key (16) | offset (u64) | length (u64, the whole record) | record checksum (u64)
///                 | XXH3-64 of the 40 bytes before
///
/// Integers and doubles are stored in the machine's byte order (little-endian on every platform
/// tessera builds on); a store is read back by the cluster that wrote it.
#include <cstdint>
#include <string>
#include <vector>

#include "tessera/core/value.hpp"
#include "tessera/core/task_key.hpp"

namespace tessera {

/// Where a stored result is: the pack's file name (relative to the store directory) and the record.
struct PackLocation {
  std::string file;
  std::uint64_t offset = 0, length = 0, checksum = 0;
  template <class A>
  void serialize(A& ar, unsigned) {
    ar & file & offset & length & checksum;
  }
};

struct PackEntry {
  TaskKey key;
  PackLocation location;
};

/// Appends records to a new pack (and its index, `PACK.idx`). Every failure is an IoError with
/// the system's reason (No space left on device).
class PackWriter {
 public:
  /// Creates `directory/name` (refusing one that exists) and its index.
  PackWriter(std::string directory, std::string name);
  ~PackWriter();
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  /// Writes a record; it counts once flush() has returned.
  void append(const TaskKey& key, const Value& value);
  /// Puts the records appended since the last flush on disk, then their index entries.
  void flush();

 private:
  std::string directory_, name_;
  int pack_ = -1, index_ = -1;
  std::uint64_t end_ = 0, index_end_ = 0;
  std::vector<PackEntry> unflushed_;
};

/// Every whole entry of the index files (`*.pack.idx`) in `directory`, in file-name order, then
/// file order. Torn or corrupt entries are skipped and counted in `*skipped`.
std::vector<PackEntry> read_pack_indexes(const std::string& directory, std::uint64_t* skipped = nullptr);

/// A record read back and checked: IoError saying why if it is missing, truncated, or fails its
/// checksum (the caller then computes the result again).
Value read_pack_record(const std::string& directory, const TaskKey& key, const PackLocation& location);

}  // namespace tessera
