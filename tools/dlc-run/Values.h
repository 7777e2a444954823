//===- Values.h - Random fill, printing, conversion of values ---*- C++ -*-===//

#ifndef DLC_TOOLS_DLCRUN_VALUES_H
#define DLC_TOOLS_DLCRUN_VALUES_H

#include "dlc/runtime/dlcrt.h"

#include <cstdint>
#include <random>
#include <string>

namespace dlc::run {

/// Fills `count` elements of `dtype` at `data`: floats uniform in [-1, 1),
/// integers in [0, 10), bools 0 or 1. Deterministic for a given `rng` state.
void fillRandom(dlcrt_dtype_t dtype, void *data, size_t count,
                std::mt19937_64 &rng);

/// Formats element `index` of `data`.
std::string formatValue(dlcrt_dtype_t dtype, const void *data, size_t index);

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bf16ToFloat(uint16_t bits);
uint16_t floatToBf16(float value);

} // namespace dlc::run

#endif // DLC_TOOLS_DLCRUN_VALUES_H
