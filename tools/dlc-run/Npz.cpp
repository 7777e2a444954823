//===- Npz.cpp - Reading and writing NumPy .npz archives ------------------===//

#include "Npz.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <zip.h>

using namespace dlc::run;

namespace {
[[noreturn]] void fail(const std::string &message) {
  throw std::runtime_error(message);
}

std::string zipErrorString(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string message = zip_error_strerror(&error);
  zip_error_fini(&error);
  return message;
}

const char kSuffix[] = ".npy";
constexpr size_t kSuffixSize = sizeof(kSuffix) - 1;
} // namespace

NpzReader::NpzReader(const std::string &path) : path(path) {
  int error = 0;
  archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (!archive)
    fail(path + ": cannot open as .npz: " + zipErrorString(error));
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char *name = zip_get_name(archive, i, 0);
    std::string key = name ? name : "";
    if (key.size() > kSuffixSize &&
        key.compare(key.size() - kSuffixSize, kSuffixSize, kSuffix) == 0)
      entryKeys.push_back(key.substr(0, key.size() - kSuffixSize));
  }
}

NpzReader::~NpzReader() {
  if (archive)
    zip_discard(archive);
}

std::vector<char>
NpzReader::read(const std::string &key,
                const std::function<void(const NpyHeader &)> &check,
                NpyHeader &header) {
  std::string entry = key + kSuffix;
  std::unique_ptr<zip_file_t, int (*)(zip_file_t *)> file(
      zip_fopen(archive, entry.c_str(), 0), zip_fclose);
  if (!file)
    fail(path + ": cannot read entry '" + entry +
         "': " + zip_strerror(archive));
  std::string what = path + ": entry '" + entry + "'";
  ReadFn read = [&](void *buffer, size_t size) -> size_t {
    size_t done = 0;
    while (done < size) {
      zip_int64_t n = zip_fread(file.get(), static_cast<char *>(buffer) + done,
                                size - done);
      if (n < 0)
        fail(zip_file_strerror(file.get()));
      if (n == 0)
        break;
      done += n;
    }
    return done;
  };
  try {
    header = readNpyHeader(read);
  } catch (const std::runtime_error &e) {
    fail(what + ": " + e.what());
  }
  check(header);
  std::vector<char> data(header.byteSize);
  size_t got = 0, extra = 0;
  try {
    got = read(data.data(), data.size());
    char byte;
    extra = read(&byte, 1);
  } catch (const std::runtime_error &e) {
    fail(what + ": " + e.what());
  }
  if (got != data.size() || extra != 0)
    fail(what + ": data is " + (extra ? "longer" : "shorter") +
         " than its shape " + formatShape(header.shape) + " needs");
  return data;
}

NpzWriter::NpzWriter(const std::string &path) : path(path) {
  int error = 0;
  archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!archive)
    fail(path + ": cannot create: " + zipErrorString(error));
}

NpzWriter::~NpzWriter() {
  if (archive)
    zip_discard(archive);
}

void NpzWriter::add(const std::string &key, dlcrt_dtype_t dtype,
                    const std::vector<int64_t> &shape, const void *data,
                    size_t bytes) {
  std::string header = makeNpyHeader(dtype, shape);
  // libzip reads the buffer at close time and frees it then (freep = 1).
  size_t total = header.size() + bytes;
  char *buffer = static_cast<char *>(std::malloc(total ? total : 1));
  if (!buffer)
    throw std::bad_alloc();
  std::memcpy(buffer, header.data(), header.size());
  if (bytes)
    std::memcpy(buffer + header.size(), data, bytes);
  zip_source_t *source = zip_source_buffer(archive, buffer, total, 1);
  if (!source) {
    std::free(buffer);
    fail(path + ": " + zip_strerror(archive));
  }
  std::string entry = key + kSuffix;
  zip_int64_t index =
      zip_file_add(archive, entry.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    fail(path + ": cannot add '" + entry + "': " + zip_strerror(archive));
  }
  // Stored entries: outputs are mostly incompressible floats.
  if (zip_set_file_compression(archive, index, ZIP_CM_STORE, 0) != 0)
    fail(path + ": " + zip_strerror(archive));
}

void NpzWriter::close() {
  if (zip_close(archive) != 0)
    fail(path + ": cannot write: " + zip_strerror(archive));
  archive = nullptr;
}
