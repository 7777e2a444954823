//===- Npy.cpp - Reading and writing NumPy .npy data ----------------------===//
//
// Format reference: numpy/lib/format.py. The header is a Python dict literal
// with exactly the keys 'descr', 'fortran_order' and 'shape'.
//
//===----------------------------------------------------------------------===//

#include "Npy.h"

#include <cstring>
#include <limits>
#include <stdexcept>

using namespace dlc::run;

namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
// Real headers are tiny; this bounds what a hostile file can make us read.
constexpr uint32_t kMaxHeaderBytes = 1 << 20;

[[noreturn]] void fail(const std::string &message) {
  throw std::runtime_error(message);
}

struct DescrEntry {
  const char *descr;
  dlcrt_dtype_t dtype;
};

// '|' marks byte-sized types; numpy writes '<' for the rest on little-endian.
constexpr DescrEntry kDescrs[] = {
    {"<f2", DLCRT_DTYPE_F16}, {"<f4", DLCRT_DTYPE_F32},
    {"<f8", DLCRT_DTYPE_F64}, {"|i1", DLCRT_DTYPE_I8},
    {"<i2", DLCRT_DTYPE_I16}, {"<i4", DLCRT_DTYPE_I32},
    {"<i8", DLCRT_DTYPE_I64}, {"|u1", DLCRT_DTYPE_U8},
    {"<u2", DLCRT_DTYPE_U16}, {"<u4", DLCRT_DTYPE_U32},
    {"<u8", DLCRT_DTYPE_U64}, {"|b1", DLCRT_DTYPE_BOOL},
};

dlcrt_dtype_t parseDescr(std::string descr) {
  // Byte-sized types have no byte order; accept any marker for them.
  if (descr.size() == 3 && descr[2] == '1' &&
      (descr[0] == '<' || descr[0] == '>' || descr[0] == '='))
    descr[0] = '|';
  for (const DescrEntry &entry : kDescrs)
    if (descr == entry.descr)
      return entry.dtype;
  if (!descr.empty() && descr[0] == '>')
    fail("big-endian arrays are not supported (descr '" + descr + "')");
  fail("unsupported numpy dtype '" + descr + "'");
}

/// A cursor over the dict literal.
class DictParser {
public:
  explicit DictParser(const std::string &text) : text(text) {}

  NpyHeader parse() {
    NpyHeader header;
    bool haveDescr = false, haveOrder = false, haveShape = false;
    expect('{');
    // Python allows a trailing comma before '}', and numpy writes one.
    while (!accept('}')) {
      std::string key = parseString();
      expect(':');
      if (key == "descr" && !haveDescr) {
        skipSpace();
        if (pos < text.size() && text[pos] == '[')
          fail("structured numpy dtypes are not supported");
        header.dtype = parseDescr(parseString());
        haveDescr = true;
      } else if (key == "fortran_order" && !haveOrder) {
        if (parseBool())
          fail("Fortran-ordered arrays are not supported; save a "
               "C-contiguous array (numpy.ascontiguousarray)");
        haveOrder = true;
      } else if (key == "shape" && !haveShape) {
        header.shape = parseShape();
        haveShape = true;
      } else {
        fail("unexpected or repeated key '" + key + "' in the .npy header");
      }
      if (!accept(',')) {
        expect('}');
        break;
      }
    }
    skipSpace();
    if (pos < text.size())
      fail("trailing characters after the .npy header dict");
    if (!haveDescr || !haveOrder || !haveShape)
      fail("the .npy header lacks 'descr', 'fortran_order' or 'shape'");
    return header;
  }

private:
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n'))
      ++pos;
  }
  bool accept(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!accept(c))
      fail(std::string("malformed .npy header: expected '") + c + "' at " +
           std::to_string(pos) + " in " + text);
  }
  std::string parseString() {
    skipSpace();
    char quote = pos < text.size() ? text[pos] : 0;
    if (quote != '\'' && quote != '"')
      fail("malformed .npy header: expected a string at " +
           std::to_string(pos));
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos)
      fail("malformed .npy header: unterminated string");
    std::string value = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return value;
  }
  bool parseBool() {
    skipSpace();
    for (const char *word : {"True", "False"}) {
      if (text.compare(pos, std::strlen(word), word) == 0) {
        pos += std::strlen(word);
        return word[0] == 'T';
      }
    }
    fail("malformed .npy header: expected True or False");
  }
  std::vector<int64_t> parseShape() {
    std::vector<int64_t> shape;
    expect('(');
    while (!accept(')')) {
      skipSpace();
      int64_t value = 0;
      size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        int digit = text[pos++] - '0';
        if (value > (std::numeric_limits<int64_t>::max() - digit) / 10)
          fail("dimension too large in the .npy header");
        value = value * 10 + digit;
      }
      if (pos == start)
        fail("malformed .npy header: bad shape");
      shape.push_back(value);
      if (shape.size() > DLCRT_MAX_RANK)
        fail("the .npy array has more than " + std::to_string(DLCRT_MAX_RANK) +
             " dimensions");
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }

  const std::string &text;
  size_t pos = 0;
};

void readExactly(const ReadFn &read, void *buffer, size_t size) {
  if (read(buffer, size) != size)
    fail("truncated .npy data");
}
} // namespace

std::string dlc::run::formatShape(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string dlc::run::npyDescr(dlcrt_dtype_t dtype) {
  for (const DescrEntry &entry : kDescrs)
    if (entry.dtype == dtype)
      return entry.descr;
  return "";
}

NpyHeader dlc::run::parseNpyDict(const std::string &dict) {
  NpyHeader header = DictParser(dict).parse();
  // Overflow-checked size of the data.
  uint64_t bytes = dlcrt_dtype_size(header.dtype);
  for (int64_t dim : header.shape) {
    auto d = static_cast<uint64_t>(dim);
    if (d && bytes > std::numeric_limits<int64_t>::max() / d)
      fail("the .npy array shape " + formatShape(header.shape) +
           " is too large");
    bytes *= d;
  }
  header.byteSize = bytes;
  return header;
}

NpyHeader dlc::run::readNpyHeader(const ReadFn &read) {
  unsigned char preamble[8];
  readExactly(read, preamble, sizeof(preamble));
  if (std::memcmp(preamble, kMagic, kMagicSize) != 0)
    fail("not a .npy file (bad magic)");
  unsigned major = preamble[6], minor = preamble[7];
  if (major < 1 || major > 3 || minor != 0)
    fail("unsupported .npy format version " + std::to_string(major) + "." +
         std::to_string(minor));
  unsigned char length[4] = {0, 0, 0, 0};
  readExactly(read, length, major == 1 ? 2 : 4);
  uint32_t headerBytes = length[0] | length[1] << 8 | length[2] << 16 |
                         static_cast<uint32_t>(length[3]) << 24;
  if (headerBytes > kMaxHeaderBytes)
    fail(".npy header is too long");
  std::string dict(headerBytes, '\0');
  readExactly(read, dict.data(), headerBytes);
  return parseNpyDict(dict);
}

std::string dlc::run::makeNpyHeader(dlcrt_dtype_t dtype,
                                    const std::vector<int64_t> &shape) {
  std::string descr = npyDescr(dtype);
  if (descr.empty())
    fail(std::string("cannot store dtype ") + dlcrt_dtype_name(dtype) +
         " in a .npy file");
  std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (";
  for (int64_t dim : shape)
    dict += std::to_string(dim) + (shape.size() == 1 ? "," : ", ");
  if (shape.size() > 1)
    dict.resize(dict.size() - 2);
  dict += "), }";
  // Pad with spaces and a newline so that the data starts 64-byte aligned.
  size_t unpadded = kMagicSize + 2 + 2 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  if (dict.size() > 0xffff)
    fail(".npy header is too long");
  std::string out(kMagic, kMagicSize);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(dict.size() & 0xff);
  out += static_cast<char>(dict.size() >> 8);
  return out + dict;
}
