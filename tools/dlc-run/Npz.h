//===- Npz.h - Reading and writing NumPy .npz archives ----------*- C++ -*-===//
//
// An .npz is a zip of .npy entries named "<key>.npy", stored or deflated
// (numpy.savez / numpy.savez_compressed). libzip does the zip part.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLCRUN_NPZ_H
#define DLC_TOOLS_DLCRUN_NPZ_H

#include "Npy.h"

#include <functional>
#include <string>
#include <vector>

typedef struct zip zip_t;

namespace dlc::run {

class NpzReader {
public:
  explicit NpzReader(const std::string &path);
  ~NpzReader();
  NpzReader(const NpzReader &) = delete;
  NpzReader &operator=(const NpzReader &) = delete;

  /// The keys of all .npy entries, in archive order.
  const std::vector<std::string> &keys() const { return entryKeys; }

  /// Reads entry `key`: parses its header, lets `check` reject it (by
  /// throwing) before any data is read, then returns the data, which must be
  /// exactly as long as the header says.
  std::vector<char> read(const std::string &key,
                         const std::function<void(const NpyHeader &)> &check,
                         NpyHeader &header);

private:
  std::string path;
  zip_t *archive = nullptr;
  std::vector<std::string> entryKeys;
};

class NpzWriter {
public:
  explicit NpzWriter(const std::string &path);
  ~NpzWriter();
  NpzWriter(const NpzWriter &) = delete;
  NpzWriter &operator=(const NpzWriter &) = delete;

  /// Adds an uncompressed entry "<key>.npy".
  void add(const std::string &key, dlcrt_dtype_t dtype,
           const std::vector<int64_t> &shape, const void *data, size_t bytes);

  /// Writes the archive; nothing is written if this is never called.
  void close();

private:
  std::string path;
  zip_t *archive = nullptr;
};

} // namespace dlc::run

#endif // DLC_TOOLS_DLCRUN_NPZ_H
