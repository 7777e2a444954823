//===- Metadata.cpp - Parsing the model metadata text ---------------------===//

#include "Metadata.h"

#include <limits>
#include <set>
#include <string_view>

using namespace dlc::rt;

TensorSpec &TensorSpec::operator=(const TensorSpec &other) {
  if (this == &other)
    return *this;
  name = other.name;
  dtype = other.dtype;
  dims = other.dims;
  dimNames = other.dimNames;
  byteSize = other.byteSize;
  isDynamic = other.isDynamic;
  refreshDimNamePtrs();
  return *this;
}

void TensorSpec::refreshDimNamePtrs() {
  // The pointers must point into this spec's own strings.
  dimNamePtrs.clear();
  for (const std::string &dimName : dimNames)
    dimNamePtrs.push_back(dimName.c_str());
}

namespace {
class Parser {
public:
  Parser(std::string_view text, int32_t abiVersion)
      : text(text), abiVersion(abiVersion) {}

  dlcrt_status parse(ModelSignature &out);

private:
  dlcrt_status error(const std::string &message) const {
    return makeError(DLCRT_STATUS_INVALID_MODEL,
                     "malformed model metadata at line " +
                         std::to_string(lineNo) + ": " + message);
  }
  dlcrt_status parseHeader(const std::vector<std::string_view> &fields);
  dlcrt_status parseTensor(const std::vector<std::string_view> &fields,
                           TensorSpec &spec);
  dlcrt_status parseDevice(const std::vector<std::string_view> &fields,
                           ModelSignature &out);
  dlcrt_status parseCheck(const std::vector<std::string_view> &fields,
                          ModelSignature &out);
  dlcrt_status parseName(std::string_view field, std::string &name);
  bool parseNumber(std::string_view field, uint64_t max, uint64_t &value);

  std::string_view text;
  int32_t abiVersion;
  size_t lineNo = 0;
};

bool isNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' ||
         c == '/' || c == '-';
}

int upperHexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Quotes a field for an error message, escaping what would not print.
std::string quote(std::string_view field) {
  std::string out = "'";
  for (char c : field.substr(0, 64)) {
    if (c >= 0x20 && c < 0x7f) {
      out += c;
    } else {
      const char *hex = "0123456789ABCDEF";
      auto byte = static_cast<unsigned char>(c);
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  return out + (field.size() > 64 ? "...'" : "'");
}

/// Splits on single spaces; empty fields (double or edge spaces) stay empty
/// so that the caller rejects them.
std::vector<std::string_view> splitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    size_t space = line.find(' ', start);
    fields.push_back(line.substr(start, space - start));
    if (space == std::string_view::npos)
      return fields;
    start = space + 1;
  }
}
} // namespace

bool Parser::parseNumber(std::string_view field, uint64_t max,
                         uint64_t &value) {
  // Canonical decimal only: no sign, no leading zeros, no overflow.
  if (field.empty() || (field.size() > 1 && field[0] == '0'))
    return false;
  value = 0;
  for (char c : field) {
    if (c < '0' || c > '9')
      return false;
    uint64_t digit = c - '0';
    if (value > (max - digit) / 10)
      return false;
    value = value * 10 + digit;
  }
  return true;
}

dlcrt_status Parser::parseName(std::string_view field, std::string &name) {
  if (field.empty())
    return error("empty tensor name");
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (isNameChar(c)) {
      name += c;
      continue;
    }
    if (c != '%')
      return error("name " + quote(field) + " has the character " +
                   quote(field.substr(i, 1)) + " that must be percent-encoded");
    int hi = i + 1 < field.size() ? upperHexValue(field[i + 1]) : -1;
    int lo = i + 2 < field.size() ? upperHexValue(field[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return error("name " + quote(field) +
                   " has '%' without two upper-case hex digits");
    if (hi == 0 && lo == 0)
      return error("name " + quote(field) + " encodes a NUL byte");
    name += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return nullptr;
}

dlcrt_status Parser::parseHeader(const std::vector<std::string_view> &fields) {
  uint64_t version = 0;
  if (fields.size() != 2 || fields[0] != "dlc-model")
    return error("expected 'dlc-model <abi-version>' as the first line");
  if (!parseNumber(fields[1], std::numeric_limits<int32_t>::max(), version))
    return error("bad ABI version " + quote(fields[1]));
  if (version != static_cast<uint64_t>(abiVersion))
    return error("metadata is for ABI version " + std::to_string(version) +
                 " but the model reports version " +
                 std::to_string(abiVersion));
  return nullptr;
}

dlcrt_status Parser::parseTensor(const std::vector<std::string_view> &fields,
                                 TensorSpec &spec) {
  std::string_view kind = fields[0];
  if (fields.size() < 4)
    return error("expected '" + std::string(kind) +
                 " <name> <dtype> <rank> <dims>...'");
  if (dlcrt_status status = parseName(fields[1], spec.name))
    return status;
  std::string dtypeName(fields[2]);
  if (dlcrt_status status = dlcrt_dtype_parse(dtypeName.c_str(), &spec.dtype)) {
    dlcrt_status_free(status);
    return error(std::string(kind) + " '" + spec.name + "' has unknown dtype " +
                 quote(fields[2]));
  }
  uint64_t rank = 0;
  if (!parseNumber(fields[3], DLCRT_MAX_RANK, rank))
    return error(std::string(kind) + " '" + spec.name + "' has bad rank " +
                 quote(fields[3]) + " (expected 0 to " +
                 std::to_string(DLCRT_MAX_RANK) + ")");
  if (fields.size() != 4 + rank)
    return error(std::string(kind) + " '" + spec.name + "' has rank " +
                 std::to_string(rank) + " but " +
                 std::to_string(fields.size() - 4) + " dims");
  for (uint64_t i = 0; i < rank; ++i) {
    std::string_view field = fields[4 + i];
    std::string dimName;
    if (field[0] == '?') {
      // `?` and an optional percent-encoded symbol name.
      std::string_view symbol = field.substr(1);
      if (!symbol.empty())
        if (dlcrt_status status = parseName(symbol, dimName)) {
          std::string message = dlcrt_status_message(status);
          dlcrt_status_free(status);
          return error(std::string(kind) + " '" + spec.name +
                       "' has bad dynamic dim " + quote(field) + ": " +
                       message.substr(message.find(": ") + 2));
        }
      spec.dims.push_back(kDynamicDim);
      spec.dimNames.push_back(std::move(dimName));
      spec.isDynamic = true;
      continue;
    }
    uint64_t dim = 0;
    if (!parseNumber(field, std::numeric_limits<int64_t>::max(), dim))
      return error(std::string(kind) + " '" + spec.name + "' has bad dim " +
                   quote(field) +
                   " (expected a decimal integer or '?' and a symbol name)");
    spec.dims.push_back(static_cast<int64_t>(dim));
    spec.dimNames.emplace_back();
  }
  spec.refreshDimNamePtrs();
  if (spec.isDynamic)
    return nullptr;
  size_t elements = 0;
  if (dlcrt_status status = checkedSizes(
          std::string(kind) + " '" + spec.name + "'", spec.dtype,
          spec.dims.size(), spec.dims.data(), &elements, &spec.byteSize)) {
    std::string message = dlcrt_status_message(status);
    dlcrt_status_free(status);
    return error(message);
  }
  return nullptr;
}

dlcrt_status Parser::parseCheck(const std::vector<std::string_view> &fields,
                                ModelSignature &out) {
  uint64_t code = 0;
  if (fields.size() != 3)
    return error("expected 'check <code> <message>'");
  if (!parseNumber(fields[1], std::numeric_limits<int32_t>::max(), code) ||
      code != out.checks.size() + 1)
    return error("check code " + quote(fields[1]) + " is not " +
                 std::to_string(out.checks.size() + 1));
  std::string message;
  if (dlcrt_status status = parseName(fields[2], message))
    return status;
  out.checks.push_back(std::move(message));
  return nullptr;
}

dlcrt_status Parser::parseDevice(const std::vector<std::string_view> &fields,
                                 ModelSignature &out) {
  if (fields.size() != 3 || fields[1] != "cuda")
    return error("expected 'device cuda <arch>'");
  if (!out.deviceArch.empty())
    return error("more than one 'device' record");
  // sm_<major><minor>, optionally with an 'a' (architecture-specific).
  std::string_view arch = fields[2];
  std::string_view digits = arch;
  if (!digits.empty() && digits.back() == 'a')
    digits.remove_suffix(1);
  if (digits.substr(0, 3) != "sm_" || digits.size() < 5 || digits.size() > 6 ||
      digits.find_first_not_of("0123456789", 3) != std::string_view::npos)
    return error("bad CUDA architecture " + quote(arch) +
                 " (expected sm_<major><minor>)");
  out.device = DLCRT_DEVICE_CUDA;
  out.deviceArch = std::string(arch);
  return nullptr;
}

dlcrt_status Parser::parse(ModelSignature &out) {
  if (text.empty())
    return error("metadata is empty");
  // One trailing newline ends the last line; anything else empty is an error.
  std::string_view body = text;
  if (body.back() == '\n')
    body.remove_suffix(1);
  std::set<std::string> inputNames, outputNames;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos)
      end = body.size();
    std::string_view line = body.substr(start, end - start);
    start = end + 1;
    ++lineNo;
    if (line.empty())
      return error("empty line");
    for (char c : line)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return error("control character in " + quote(line));
    std::vector<std::string_view> fields = splitFields(line);
    for (std::string_view field : fields)
      if (field.empty())
        return error("fields must be separated by exactly one space in " +
                     quote(line));
    if (lineNo == 1) {
      if (dlcrt_status status = parseHeader(fields))
        return status;
      continue;
    }
    if (fields[0] == "check") {
      if (dlcrt_status status = parseCheck(fields, out))
        return status;
      continue;
    }
    if (fields[0] == "device") {
      if (dlcrt_status status = parseDevice(fields, out))
        return status;
      continue;
    }
    bool isInput = fields[0] == "input";
    if (!isInput && fields[0] != "output")
      return error("unknown record " + quote(fields[0]) +
                   " (expected 'input', 'output', 'check' or 'device')");
    TensorSpec spec;
    if (dlcrt_status status = parseTensor(fields, spec))
      return status;
    std::set<std::string> &names = isInput ? inputNames : outputNames;
    if (!names.insert(spec.name).second)
      return error("duplicate " + std::string(fields[0]) + " name '" +
                   spec.name + "'");
    (isInput ? out.inputs : out.outputs).push_back(std::move(spec));
  }
  if (out.outputs.empty())
    return error("the model declares no outputs");
  return nullptr;
}

dlcrt_status dlc::rt::parseMetadata(const char *text, size_t length,
                                    int32_t abiVersion, ModelSignature &out) {
  out = ModelSignature();
  return Parser(std::string_view(text, length), abiVersion).parse(out);
}
