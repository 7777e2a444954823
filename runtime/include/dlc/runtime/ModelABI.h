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
#define DLC_MODEL_ABI_VERSION 4

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
 *     device <kind> <arch>
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
 *   <message> (percent-encoded like names) says what failed.
 *   A `device` record, at most one, names the device the model runs on when
 *   it is not the CPU: `device cuda sm_80` is a model for CUDA GPUs of compute
 *   capability 8.0 or later, whose buffers are device memory (see
 *   dlc_model_set_cuda_api below); an architecture-specific `sm_90a` model
 *   runs on compute capability 9.0 only. */
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

/* Models with a `device cuda <arch>` record also export
 * void dlc_model_set_cuda_api(const dlc_model_cuda_api_t *api);
 *   The runtime calls it once after loading the model and before any run; the
 *   table must outlive the model. During dlc_model_run the model calls the
 *   table's functions on the calling thread, which the runtime has bound to
 *   one CUDA device: buffers and `dims` are host memory as above, but every
 *   buffer the model reads or writes is device memory of that device. The
 *   functions cannot fail from the model's point of view: the runtime records
 *   the first error of a run, turns later calls into no-ops (alloc then
 *   returns NULL) and reports the error when the run returns. */
#define DLC_MODEL_SYM_SET_CUDA_API "dlc_model_set_cuda_api"
/* The table's layout is part of DLC_MODEL_ABI_VERSION (models do not check
 * `version`; a change of layout bumps the ABI version). */
#define DLC_MODEL_CUDA_API_VERSION 1

typedef struct dlc_model_cuda_api {
  int32_t version; /* DLC_MODEL_CUDA_API_VERSION */
  /* Device memory of `bytes` bytes (256-byte aligned), valid until free. */
  void *(*alloc)(int64_t bytes);
  void (*free)(void *ptr);
  /* A device copy of the model's constant `host[0, bytes)`, made on first
   * use and kept by the runtime for the life of the model. */
  void *(*constant)(const void *host, int64_t bytes);
  /* Launches kernel `name` of the module `ptx` (ptx_bytes bytes of PTX, no
   * NUL needed) on the run's stream, in order with the run's other launches;
   * `args` points to each kernel parameter's value, as cuLaunchKernel takes
   * them. `cubin` (cubin_bytes bytes; NULL and 0 without one) is the same
   * module assembled for the model's architecture: the runtime loads it if
   * the device takes it, and otherwise compiles the PTX (once per model). */
  void (*launch)(const char *ptx, int64_t ptx_bytes, const char *cubin,
                 int64_t cubin_bytes, const char *name,
                 int64_t grid_x, int64_t grid_y, int64_t grid_z,
                 int64_t block_x, int64_t block_y, int64_t block_z,
                 int32_t shared_bytes, void **args);
  /* A device pointer to a TMA descriptor (CUtensorMap) for the strided
   * memref whose descriptor (allocated and aligned pointers, offset, sizes
   * and strides, `rank` of each, as MLIR lays it out) is at `memref`: tiles
   * of `box` (outermost first), cuTensorMapEncodeTiled's data type,
   * interleave, swizzle, L2 promotion and out-of-bounds fill enums. Valid
   * until the run returns. */
  void *(*tensor_map)(int64_t rank, const void *memref, int64_t data_type,
                      int64_t interleave, int64_t swizzle,
                      int64_t l2_promotion, int64_t oob_fill,
                      const int64_t *box);
} dlc_model_cuda_api_t;

typedef void (*dlc_model_set_cuda_api_fn)(const dlc_model_cuda_api_t *api);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_MODELABI_H */
