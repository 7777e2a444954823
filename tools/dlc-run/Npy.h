//===- Npy.h - Reading and writing NumPy .npy data --------------*- C++ -*-===//
//
// The subset of the .npy format (versions 1.0-3.0) that maps onto dlcrt
// tensors: little-endian, C-ordered arrays of plain numeric or bool dtypes.
// Errors are thrown as std::runtime_error.
//
//===----------------------------------------------------------------------===//

#ifndef DLC_TOOLS_DLCRUN_NPY_H
#define DLC_TOOLS_DLCRUN_NPY_H

#include "dlc/runtime/dlcrt.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dlc::run {

struct NpyHeader {
  dlcrt_dtype_t dtype = DLCRT_DTYPE_INVALID;
  std::vector<int64_t> shape;
  size_t byteSize = 0; // of the data that follows the header
};

/// Reads up to `size` bytes into `buffer`, returning how many it read (less
/// only at the end of the stream).
using ReadFn = std::function<size_t(void *buffer, size_t size)>;

/// Reads and strictly checks the header of a .npy stream.
NpyHeader readNpyHeader(const ReadFn &read);

/// Parses the Python dict literal of a .npy header.
NpyHeader parseNpyDict(const std::string &dict);

/// Returns the complete .npy preamble (magic, version, header) for data of
/// `dtype` and `shape`.
std::string makeNpyHeader(dlcrt_dtype_t dtype,
                          const std::vector<int64_t> &shape);

/// Returns the numpy descr for `dtype` ("<f4"), or "" for bf16 (numpy has no
/// bfloat16).
std::string npyDescr(dlcrt_dtype_t dtype);

/// Formats a shape as "[2,3]".
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace dlc::run

#endif // DLC_TOOLS_DLCRUN_NPY_H
