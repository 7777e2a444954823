/*===- ModelABI.h - Contract between dlc-compiled models and libdlcrt -----===*\
|*                                                                            *|
|* A model compiled by `dlc -o model.so` is a plain shared library that       *|
|* exports the symbols below. The compiler emits them and the runtime loads   *|
|* them with dlopen/dlsym, so neither links against the other.                *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef DLC_RUNTIME_MODELABI_H
#define DLC_RUNTIME_MODELABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever the layout of the exported symbols or the metadata changes.
 */
#define DLC_MODEL_ABI_VERSION 2

/* int32_t dlc_model_abi_version(void);
 *   Returns DLC_MODEL_ABI_VERSION of the compiler that built the model. */
#define DLC_MODEL_SYM_ABI_VERSION "dlc_model_abi_version"
typedef int32_t (*dlc_model_abi_version_fn)(void);

/* const char *dlc_model_metadata(void);
 *   A NUL-terminated text, one record per line, fields separated by one space:
 *     dlc-model <abi-version>
 *     input <name> <dtype> <rank> <dim0> ... <dimN-1>
 *     output <name> <dtype> <rank> <dim0> ... <dimN-1>
 *     check <code> <message>
 *   Inputs and outputs appear in call order. <name> is percent-encoded: every
 *   byte outside [A-Za-z0-9_.:/-] is written as %XX (upper-case hex).
 *   <dtype> is one of: f16 bf16 f32 f64 i8 i16 i32 i64 u8 u16 u32 u64 bool.
 *   Dimensions are non-negative decimal integers (static shapes).
 *   Each `check` record describes a run-time check of the model, such as a
 *   shape argument that is a graph input; <code> is 1, 2, ... in order and
 *   <message> (percent-encoded like names) says what failed. */
#define DLC_MODEL_SYM_METADATA "dlc_model_metadata"
typedef const char *(*dlc_model_metadata_fn)(void);

/* int32_t dlc_model_run(void **buffers);
 *   buffers[0..numInputs) point to the input data and
 *   buffers[numInputs..numInputs+numOutputs) to caller-allocated output
 *   storage; each is dense row-major data of the declared dtype and shape,
 *   aligned to at least the element size. The caller validates everything
 *   before the call: the model trusts its buffers. Outputs must not alias
 *   inputs or each other. Thread-safe: a model keeps no mutable state.
 *   Returns 0, or the code of a failed `check` record; the outputs are then
 *   unspecified (but the model wrote nothing outside them). */
#define DLC_MODEL_SYM_RUN "dlc_model_run"
typedef int32_t (*dlc_model_run_fn)(void **buffers);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_MODELABI_H */
