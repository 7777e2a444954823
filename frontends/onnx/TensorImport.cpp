//===- TensorImport.cpp - ONNX TensorProto -> constant attribute ----------===//

#include "frontends/onnx/TensorImport.h"
#include "frontends/onnx/ImportContext.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(SYS_openat2) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#define DLC_HAVE_OPENAT2 1
#endif

using namespace mlir;

namespace dlc::onnx {
namespace {

/// Tensors up to this many bytes become dense attributes, which fold; larger
/// ones stay opaque blobs that are never copied element by element.
constexpr size_t kInlineLimitBytes = 256;

size_t byteWidth(Type type) {
  return type.isInteger(1) ? 1 : std::max(type.getIntOrFloatBitWidth() / 8, 1u);
}

/// Whether elements are packed several to a byte (int4, float4, int2).
bool isSubByte(Type type) {
  return !type.isInteger(1) && type.getIntOrFloatBitWidth() < 8;
}

/// Unpacks sub-byte elements (low bits first) into a dense attribute.
ElementsAttr unpackSubByte(RankedTensorType type, StringRef bytes,
                           uint64_t count) {
  Type elementType = type.getElementType();
  unsigned bits = elementType.getIntOrFloatBitWidth();
  unsigned perByte = 8 / bits;
  SmallVector<APInt> values;
  for (uint64_t i = 0; i < count; ++i) {
    uint8_t byte = bytes[i / perByte];
    values.push_back(
        APInt(bits, (byte >> ((i % perByte) * bits)) & ((1u << bits) - 1)));
  }
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> floats;
    for (const APInt &value : values)
      floats.push_back(APFloat(floatType.getFloatSemantics(), value));
    return DenseElementsAttr::get(type, floats);
  }
  return DenseElementsAttr::get(type, values);
}

/// A file descriptor closed when it goes out of scope.
struct FileDescriptor {
  explicit FileDescriptor(int fd = -1) : fd(fd) {}
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
  int fd;
};

/// Opens `location` (relative, without "..") below the directory `dirFd`
/// without following any symbolic link: openat2 with RESOLVE_BENEATH and
/// RESOLVE_NO_SYMLINKS where the kernel has it (Linux 5.6), else one
/// O_NOFOLLOW openat per path component. Returns -1 and sets errno on
/// failure (ELOOP for a link).
int openBeneath(int dirFd, StringRef location) {
  std::string path = location.str();
#ifdef DLC_HAVE_OPENAT2
  struct open_how how;
  std::memset(&how, 0, sizeof(how));
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  how.flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(
      ::syscall(SYS_openat2, dirFd, path.c_str(), &how, sizeof(how)));
  // ENOSYS: an older kernel; EPERM: a seccomp filter that refuses it.
  if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
    return fd;
#endif
  SmallVector<StringRef> parts;
  location.split(parts, '/', -1, /*KeepEmpty=*/false);
  FileDescriptor current(::fcntl(dirFd, F_DUPFD_CLOEXEC, 0));
  for (auto [i, part] : llvm::enumerate(parts)) {
    if (current.fd < 0)
      return -1;
    if (part == ".")
      continue;
    bool last = i + 1 == parts.size();
    int next = ::openat(current.fd, part.str().c_str(),
                        O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
                            O_NOCTTY | (last ? 0 : O_DIRECTORY));
    if (next < 0) {
      int error = errno;
      // O_DIRECTORY | O_NOFOLLOW on a link to a directory: ENOTDIR.
      struct stat info;
      if (error == ENOTDIR &&
          ::fstatat(current.fd, part.str().c_str(), &info,
                    AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(info.st_mode))
        error = ELOOP;
      errno = error;
      return -1;
    }
    ::close(current.fd);
    current.fd = next;
  }
  int opened = current.fd;
  current.fd = -1;
  return opened;
}

/// Reads an external-data segment. The location must name a regular file
/// of a single link inside `baseDir`, reached without symbolic links, and
/// the segment must lie within it.
FailureOr<std::string> readExternal(Location loc,
                                    const ::onnx::TensorProto &tensor,
                                    StringRef baseDir,
                                    uint64_t expectedBytes) {
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  for (const auto &entry : tensor.external_data()) {
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset" || entry.key() == "length") {
      uint64_t value;
      if (StringRef(entry.value()).getAsInteger(10, value))
        return emitError(loc) << "tensor '" << tensor.name() << "': bad "
                              << entry.key() << " '" << entry.value() << "'",
               failure();
      (entry.key() == "offset" ? offset : length) = value;
      hasLength |= entry.key() == "length";
    }
  }
  auto fail = [&](const Twine &why) {
    emitError(loc) << "tensor '" << tensor.name() << "': external data '"
                   << location << "' " << why;
    return failure();
  };
  if (baseDir.empty())
    return fail("cannot be resolved: the model was not loaded from a file");
  bool climbsOut =
      llvm::any_of(llvm::make_range(llvm::sys::path::begin(location),
                                    llvm::sys::path::end(location)),
                   [](StringRef component) { return component == ".."; });
  if (location.empty() || llvm::sys::path::is_absolute(location) ||
      climbsOut || location.find('\0') != std::string::npos)
    return fail("must be a relative path inside the model's directory");
  FileDescriptor dir(::open(baseDir.str().c_str(),
                            O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0)
    return fail("cannot be read: the model's directory cannot be opened: " +
                Twine(std::strerror(errno)));
  FileDescriptor file(openBeneath(dir.fd, location));
  if (file.fd < 0) {
    if (errno == ELOOP)
      return fail("is a symbolic link or goes through one; external data "
                  "must be plain files in the model's directory");
    if (errno == EXDEV)
      return fail("resolves outside the model's directory");
    if (errno == ENOENT || errno == ENOTDIR)
      return fail("does not exist");
    return fail("cannot be read: " + Twine(std::strerror(errno)));
  }
  struct stat info;
  if (::fstat(file.fd, &info) != 0)
    return fail("cannot be read: " + Twine(std::strerror(errno)));
  if (!S_ISREG(info.st_mode))
    return fail("is not a regular file");
  // A second link may live anywhere: the file is not the model's own.
  if (info.st_nlink > 1)
    return fail("has " + Twine(static_cast<uint64_t>(info.st_nlink)) +
                " hard links; external data must be a file of its own");
  uint64_t size = static_cast<uint64_t>(info.st_size);
  if (offset > size || (hasLength && length > size - offset))
    return fail("has offset " + Twine(offset) + " and length " + Twine(length) +
                " beyond the file's " + Twine(size) + " bytes");
  if (!hasLength)
    length = size - offset;
  // Checked before anything is read: a small tensor cannot pull in a large
  // file.
  if (length != expectedBytes)
    return fail("has " + Twine(length) + " bytes at offset " + Twine(offset) +
                " but the tensor's shape and type need " +
                Twine(expectedBytes));
  std::string bytes(length, '\0');
  for (uint64_t done = 0; done < length;) {
    ssize_t got = ::pread(file.fd, bytes.data() + done, length - done,
                          static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      return fail("cannot be read: " +
                  Twine(got < 0 ? std::strerror(errno) : "it is shorter "
                                                         "than its size"));
    done += static_cast<uint64_t>(got);
  }
  return bytes;
}

/// Gathers the typed-field contents of `tensor` as little-endian bytes.
std::string typedFieldBytes(const ::onnx::TensorProto &tensor, Type type) {
  std::string bytes;
  auto append = [&](const auto &field, size_t width) {
    for (auto value : field) {
      char raw[sizeof(value)];
      std::memcpy(raw, &value, sizeof(value));
      bytes.append(raw, width); // little-endian host: low bytes first
    }
  };
  switch (tensor.data_type()) {
  case ::onnx::TensorProto::FLOAT:
    append(tensor.float_data(), 4);
    break;
  case ::onnx::TensorProto::DOUBLE:
    append(tensor.double_data(), 8);
    break;
  case ::onnx::TensorProto::INT64:
    append(tensor.int64_data(), 8);
    break;
  case ::onnx::TensorProto::UINT32:
    append(tensor.uint64_data(), 4);
    break;
  case ::onnx::TensorProto::UINT64:
    append(tensor.uint64_data(), 8);
    break;
  default: // int32_data holds INT32 and every narrower type, and f16 bits.
    append(tensor.int32_data(), byteWidth(type));
    break;
  }
  return bytes;
}

std::string sanitizeBlobName(StringRef name) {
  std::string result;
  for (char c : name)
    result += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  return result.empty() ? "tensor" : result;
}

} // namespace

FailureOr<ElementsAttr> importTensor(MLIRContext *ctx, Location loc,
                                     ::onnx::TensorProto &tensor,
                                     StringRef baseDir,
                                     SmallVectorImpl<int64_t> *ints) {
  Type elementType = convertElementType(ctx, tensor.data_type());
  if (!elementType)
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has unsupported data type "
                          << dataTypeName(tensor.data_type()),
           failure();
  SmallVector<int64_t> shape;
  uint64_t count = 1;
  for (int64_t dim : tensor.dims()) {
    if (dim < 0 || (dim && count > (uint64_t(1) << 40) / uint64_t(dim)))
      return emitError(loc) << "tensor '" << tensor.name()
                            << "' has invalid dimension " << dim,
             failure();
    count *= dim;
    shape.push_back(dim);
  }
  size_t width = byteWidth(elementType);
  uint64_t expectedBytes =
      isSubByte(elementType)
          ? (count * elementType.getIntOrFloatBitWidth() + 7) / 8
          : count * width;

  std::string bytes;
  if (tensor.data_location() == ::onnx::TensorProto::EXTERNAL) {
    FailureOr<std::string> external =
        readExternal(loc, tensor, baseDir, expectedBytes);
    if (failed(external))
      return failure();
    bytes = std::move(*external);
  } else if (tensor.has_raw_data()) {
    bytes = std::move(*tensor.mutable_raw_data());
  } else {
    bytes = typedFieldBytes(tensor, elementType);
  }
  if (bytes.size() != expectedBytes)
    return emitError(loc) << "tensor '" << tensor.name() << "' has "
                          << bytes.size() << " bytes of data but its shape and "
                          << dataTypeName(tensor.data_type()) << " type need "
                          << expectedBytes,
           failure();

  auto type = RankedTensorType::get(shape, elementType);
  if (isSubByte(elementType))
    return unpackSubByte(type, bytes, count);
  if (ints && elementType.isInteger(64))
    for (uint64_t i = 0; i < count && count <= 4096; ++i) {
      int64_t value;
      std::memcpy(&value, bytes.data() + i * 8, 8);
      ints->push_back(value);
    }
  else if (ints && elementType.isInteger(1))
    for (uint64_t i = 0; i < count && count <= 4096; ++i)
      ints->push_back(bytes[i] != 0);
  else if (ints && elementType.isInteger(32))
    for (uint64_t i = 0; i < count && count <= 4096; ++i) {
      int32_t value;
      std::memcpy(&value, bytes.data() + i * 4, 4);
      ints->push_back(value);
    }

  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return ElementsAttr(DenseElementsAttr::get(type, values));
  }
  if (bytes.size() <= kInlineLimitBytes) {
    bool isSplat = false;
    if (!DenseElementsAttr::isValidRawBuffer(
            type, ArrayRef<char>(bytes.data(), bytes.size()), isSplat))
      return emitError(loc)
                 << "tensor '" << tensor.name() << "' has malformed data",
             failure();
    return ElementsAttr(DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(bytes.data(), bytes.size())));
  }
  // The blob takes ownership of the bytes: no element-wise copy.
  auto *owned = new std::string(std::move(bytes));
  AsmResourceBlob blob(
      ArrayRef<char>(owned->data(), owned->size()), width,
      [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/false);
  return ElementsAttr(DenseResourceElementsAttr::get(
      type, sanitizeBlobName(tensor.name()), std::move(blob)));
}

} // namespace dlc::onnx
