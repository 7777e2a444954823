//===- Values.cpp - Element values: random fill, printing, conversion -----===//

#include "Values.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace dlc::run;

namespace {
uint32_t floatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

float bitsFloat(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

template <typename T> T load(const void *data, size_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T),
              sizeof(T));
  return value;
}

template <typename T> void store(void *data, size_t index, T value) {
  std::memcpy(static_cast<char *>(data) + index * sizeof(T), &value, sizeof(T));
}

std::string formatDouble(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}
} // namespace

float dlc::run::halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0) {
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 31)
    return bitsFloat(sign | 0x7f800000 | mantissa << 13);
  return bitsFloat(sign | (exponent + 112) << 23 | mantissa << 13);
}

uint16_t dlc::run::floatToHalf(float value) {
  // Round to nearest even, after F. Giesen's float_to_half_fast3_rtne.
  uint32_t x = floatBits(value);
  uint16_t sign = (x >> 16) & 0x8000;
  x &= 0x7fffffff;
  if (x >= 0x7f800000) // inf or NaN (kept quiet)
    return sign | 0x7c00 | (x > 0x7f800000 ? 0x200 : 0);
  if (x >= 0x477ff000) // rounds past the largest half
    return sign | 0x7c00;
  if (x < 0x38800000) // below the smallest normal half: subnormal or zero
    return sign |
           static_cast<uint16_t>(std::nearbyint(bitsFloat(x) * 16777216.0f));
  x += 0xc8000fffu + ((x >> 13) & 1); // rebias the exponent and round
  return sign | static_cast<uint16_t>(x >> 13);
}

float dlc::run::bf16ToFloat(uint16_t bits) {
  return bitsFloat(static_cast<uint32_t>(bits) << 16);
}

uint16_t dlc::run::floatToBf16(float value) {
  uint32_t x = floatBits(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return static_cast<uint16_t>((x >> 16) | 0x40); // quiet NaN
  return static_cast<uint16_t>((x + 0x7fff + ((x >> 16) & 1)) >> 16);
}

void dlc::run::fillRandom(dlcrt_dtype_t dtype, void *data, size_t count,
                          std::mt19937_64 &rng) {
  // Exact conversions of the raw 64-bit draws keep results identical across
  // standard libraries (std::uniform_*_distribution is not specified).
  auto unit = [&] {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53 * 2.0 - 1.0;
  };
  auto small = [&] { return rng() % 10; };
  for (size_t i = 0; i < count; ++i) {
    switch (dtype) {
    case DLCRT_DTYPE_F16:
      store(data, i, floatToHalf(static_cast<float>(unit())));
      break;
    case DLCRT_DTYPE_BF16:
      store(data, i, floatToBf16(static_cast<float>(unit())));
      break;
    case DLCRT_DTYPE_F32:
      store(data, i, static_cast<float>(unit()));
      break;
    case DLCRT_DTYPE_F64:
      store(data, i, unit());
      break;
    case DLCRT_DTYPE_I8:
    case DLCRT_DTYPE_U8:
      store(data, i, static_cast<uint8_t>(small()));
      break;
    case DLCRT_DTYPE_I16:
    case DLCRT_DTYPE_U16:
      store(data, i, static_cast<uint16_t>(small()));
      break;
    case DLCRT_DTYPE_I32:
    case DLCRT_DTYPE_U32:
      store(data, i, static_cast<uint32_t>(small()));
      break;
    case DLCRT_DTYPE_I64:
    case DLCRT_DTYPE_U64:
      store(data, i, static_cast<uint64_t>(small()));
      break;
    case DLCRT_DTYPE_BOOL:
      store(data, i, static_cast<uint8_t>(rng() >> 63));
      break;
    case DLCRT_DTYPE_INVALID:
    case DLCRT_DTYPE_MAX_ENUM:
      return;
    }
  }
}

std::string dlc::run::formatValue(dlcrt_dtype_t dtype, const void *data,
                                  size_t index) {
  switch (dtype) {
  case DLCRT_DTYPE_F16:
    return formatDouble(halfToFloat(load<uint16_t>(data, index)));
  case DLCRT_DTYPE_BF16:
    return formatDouble(bf16ToFloat(load<uint16_t>(data, index)));
  case DLCRT_DTYPE_F32:
    return formatDouble(load<float>(data, index));
  case DLCRT_DTYPE_F64:
    return formatDouble(load<double>(data, index));
  case DLCRT_DTYPE_I8:
    return std::to_string(load<int8_t>(data, index));
  case DLCRT_DTYPE_I16:
    return std::to_string(load<int16_t>(data, index));
  case DLCRT_DTYPE_I32:
    return std::to_string(load<int32_t>(data, index));
  case DLCRT_DTYPE_I64:
    return std::to_string(load<int64_t>(data, index));
  case DLCRT_DTYPE_U8:
    return std::to_string(load<uint8_t>(data, index));
  case DLCRT_DTYPE_U16:
    return std::to_string(load<uint16_t>(data, index));
  case DLCRT_DTYPE_U32:
    return std::to_string(load<uint32_t>(data, index));
  case DLCRT_DTYPE_U64:
    return std::to_string(load<uint64_t>(data, index));
  case DLCRT_DTYPE_BOOL:
    return load<uint8_t>(data, index) ? "true" : "false";
  case DLCRT_DTYPE_INVALID:
  case DLCRT_DTYPE_MAX_ENUM:
    break;
  }
  return "?";
}
