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
#define DLC_MODEL_ABI_VERSION 3

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
 *   Each dimension is a token: a non-negative decimal integer (no sign, no
 *   leading zeros) for a static dimension, or `?` followed by an optional
 *   symbol name, percent-encoded like names (`?batch`, `?`), for a dynamic
 *   dimension known only when the model runs. Dynamic dimensions with the
 *   same symbol name are equal in every run, across all inputs and outputs;
 *   an anonymous `?` is independent of every other dimension.
 *   Each `check` record describes a run-time check of the model, such as a
 *   shape argument that is a graph input; <code> is 1, 2, ... in order and
 *   <message> (percent-encoded like names) says what failed. */
#define DLC_MODEL_SYM_METADATA "dlc_model_metadata"
typedef const char *(*dlc_model_metadata_fn)(void);

/* int32_t dlc_model_run(void **buffers, int64_t *dims);
 *   `dims` has one slot per dimension of every input (in input order, each
 *   input's dimensions in order), then one per dimension of every output
 *   (static dimensions included). The caller fills the input slots with the
 *   actual sizes; the model writes every output slot before returning.
 *   buffers[0..numInputs) point to the input data: dense row-major data of
 *   the declared dtype and of the shape given in `dims`, aligned to at least
 *   the element size.
 *   buffers[numInputs + i] for output i:
 *   - fully static shape: points to caller-allocated storage of the declared
 *     shape, which the model fills;
 *   - at least one dynamic dimension: ignored on entry; the model stores
 *     there a pointer to storage it allocated with the malloc family (the
 *     data starts at that very pointer, dense row-major, of the shape it
 *     wrote to `dims`), which the caller releases with free(). It may be NULL
 *     when the output has no elements. The model stores it even when a
 *     check fails, so the caller should zero these slots before the call and
 *     free them whatever the result.
 *   The caller validates everything before the call: the model trusts its
 *   buffers and dims. Caller-allocated outputs must not alias inputs or each
 *   other. Thread-safe: a model keeps no mutable state.
 *   Returns 0, or the code of a failed `check` record; the outputs are then
 *   unspecified (but the model wrote nothing outside them). */
#define DLC_MODEL_SYM_RUN "dlc_model_run"
typedef int32_t (*dlc_model_run_fn)(void **buffers, int64_t *dims);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_MODELABI_H */
