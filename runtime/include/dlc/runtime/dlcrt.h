/*===- dlcrt.h - C API of the dlc runtime ---------------------------------===*\
|*                                                                            *|
|* libdlcrt loads models compiled by dlc and runs them on a device.           *|
|*                                                                            *|
|* Conventions:                                                               *|
|*  - Every fallible call returns a dlcrt_status: NULL means success,         *|
|*    anything else is an error the caller owns and frees with                *|
|*    dlcrt_status_free. Out-parameters come last and are written only on     *|
|*    success.                                                                *|
|*  - Objects (device, module, tensor) are opaque, reference-counted handles: *|
|*    create/open returns one reference, retain adds one, release drops one.  *|
|*    Objects keep what they depend on alive (a tensor retains its device).   *|
|*  - Arguments are validated: a NULL pointer, a wrong count or a mismatched  *|
|*    tensor gives DLCRT_STATUS_INVALID_ARGUMENT, never a crash. Accessors    *|
|*    that cannot fail return 0 or NULL for a NULL handle.                    *|
|*  - All calls are thread-safe; a module may run on several threads at once. *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef DLC_RUNTIME_DLCRT_H
#define DLC_RUNTIME_DLCRT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define DLCRT_API __declspec(dllexport)
#else
#define DLCRT_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*\
|* Status                                                                     *|
\*===----------------------------------------------------------------------===*/

typedef enum dlcrt_status_code_t {
  DLCRT_STATUS_OK = 0,
  DLCRT_STATUS_INVALID_ARGUMENT = 1,   /* bad call: NULL, count, shape, dtype */
  DLCRT_STATUS_OUT_OF_RANGE = 2,       /* index past the end */
  DLCRT_STATUS_NOT_FOUND = 3,          /* missing file or name */
  DLCRT_STATUS_UNAVAILABLE = 4,        /* device kind not built or absent */
  DLCRT_STATUS_RESOURCE_EXHAUSTED = 5, /* allocation failed */
  DLCRT_STATUS_INVALID_MODEL = 6,      /* not a loadable model, bad metadata */
  DLCRT_STATUS_INCOMPATIBLE = 7,       /* model built for another ABI version */
  DLCRT_STATUS_INTERNAL = 8,
  /* Makes all of [0, 2^31) valid dlcrt_status_code_t values, so that C++ code
   * may receive unknown values from C callers without undefined behaviour. */
  DLCRT_STATUS_CODE_MAX_ENUM = 0x7fffffff,
} dlcrt_status_code_t;

/* An error; NULL is success. */
typedef struct dlcrt_status_s *dlcrt_status;

/* Returns the code of `status` (DLCRT_STATUS_OK for NULL). */
DLCRT_API dlcrt_status_code_t dlcrt_status_code(dlcrt_status status);

/* Returns the message of `status` ("" for NULL), valid until it is freed. */
DLCRT_API const char *dlcrt_status_message(dlcrt_status status);

/* Frees `status`; NULL is allowed. */
DLCRT_API void dlcrt_status_free(dlcrt_status status);

/* Returns a static name for `code`, e.g. "INVALID_ARGUMENT". */
DLCRT_API const char *dlcrt_status_code_name(dlcrt_status_code_t code);

/*===----------------------------------------------------------------------===*\
|* Element types                                                              *|
\*===----------------------------------------------------------------------===*/

typedef enum dlcrt_dtype_t {
  DLCRT_DTYPE_INVALID = 0,
  DLCRT_DTYPE_F16,
  DLCRT_DTYPE_BF16,
  DLCRT_DTYPE_F32,
  DLCRT_DTYPE_F64,
  DLCRT_DTYPE_I8,
  DLCRT_DTYPE_I16,
  DLCRT_DTYPE_I32,
  DLCRT_DTYPE_I64,
  DLCRT_DTYPE_U8,
  DLCRT_DTYPE_U16,
  DLCRT_DTYPE_U32,
  DLCRT_DTYPE_U64,
  DLCRT_DTYPE_BOOL,                  /* one byte, 0 or 1 */
  DLCRT_DTYPE_MAX_ENUM = 0x7fffffff, /* see DLCRT_STATUS_CODE_MAX_ENUM */
} dlcrt_dtype_t;

/* Returns the metadata spelling of `dtype` ("f32", "bool", ...), or NULL for
 * a value that is not a dtype. */
DLCRT_API const char *dlcrt_dtype_name(dlcrt_dtype_t dtype);

/* Returns the size in bytes of one element of `dtype`, or 0 if invalid. */
DLCRT_API size_t dlcrt_dtype_size(dlcrt_dtype_t dtype);

/* Parses the metadata spelling `name` into `*out_dtype`. */
DLCRT_API dlcrt_status dlcrt_dtype_parse(const char *name,
                                         dlcrt_dtype_t *out_dtype);

/* The largest tensor rank the runtime accepts. */
#define DLCRT_MAX_RANK 32

/*===----------------------------------------------------------------------===*\
|* Devices                                                                    *|
\*===----------------------------------------------------------------------===*/

typedef enum dlcrt_device_kind_t {
  DLCRT_DEVICE_CPU = 0,
  DLCRT_DEVICE_CUDA = 1,
  DLCRT_DEVICE_KIND_MAX_ENUM = 0x7fffffff, /* see DLCRT_STATUS_CODE_MAX_ENUM */
} dlcrt_device_kind_t;

typedef struct dlcrt_device_s *dlcrt_device;

/* Stores in `*out_count` how many devices of `kind` exist (0 for a kind this
 * runtime was built without). */
DLCRT_API dlcrt_status dlcrt_device_count(dlcrt_device_kind_t kind,
                                          size_t *out_count);

/* Creates a handle to device number `ordinal` of `kind`. Fails with
 * DLCRT_STATUS_UNAVAILABLE for a kind that is not built in and with
 * DLCRT_STATUS_OUT_OF_RANGE for an ordinal past the count. */
DLCRT_API dlcrt_status dlcrt_device_create(dlcrt_device_kind_t kind,
                                           size_t ordinal,
                                           dlcrt_device *out_device);

/* Creates a handle to the host CPU; same as kind CPU, ordinal 0. */
DLCRT_API dlcrt_status dlcrt_device_create_cpu(dlcrt_device *out_device);

/* Adds a reference to `device`; NULL is allowed. */
DLCRT_API void dlcrt_device_retain(dlcrt_device device);

/* Drops a reference to `device`; NULL is allowed. */
DLCRT_API void dlcrt_device_release(dlcrt_device device);

/* Returns the kind of `device` (CPU for NULL). */
DLCRT_API dlcrt_device_kind_t dlcrt_device_kind(dlcrt_device device);

/* Returns the ordinal of `device` among its kind (0 for NULL). */
DLCRT_API size_t dlcrt_device_ordinal(dlcrt_device device);

/*===----------------------------------------------------------------------===*\
|* Tensors                                                                    *|
\*===----------------------------------------------------------------------===*/

typedef struct dlcrt_tensor_s *dlcrt_tensor;

/* Creates a tensor that owns zero-initialised, 64-byte aligned storage on
 * `device`, of element type `dtype` and shape `dims[0..rank)`. `dims` may be
 * NULL when `rank` is 0. */
DLCRT_API dlcrt_status dlcrt_tensor_create(dlcrt_device device,
                                           dlcrt_dtype_t dtype, size_t rank,
                                           const int64_t *dims,
                                           dlcrt_tensor *out_tensor);

/* Creates a tensor that borrows `data` (dense row-major, `byte_size` bytes,
 * aligned to the element size) on `device`. The caller keeps ownership and
 * must keep `data` alive as long as the tensor. `byte_size` must equal the
 * element count times the element size. Models compiled for CUDA take only
 * 16-byte aligned device tensors (dlcrt_module_run fails on others). */
DLCRT_API dlcrt_status dlcrt_tensor_wrap(dlcrt_device device,
                                         dlcrt_dtype_t dtype, size_t rank,
                                         const int64_t *dims, void *data,
                                         size_t byte_size,
                                         dlcrt_tensor *out_tensor);

/* Adds a reference to `tensor`; NULL is allowed. */
DLCRT_API void dlcrt_tensor_retain(dlcrt_tensor tensor);

/* Drops a reference to `tensor`, freeing owned storage with the last one;
 * NULL is allowed. */
DLCRT_API void dlcrt_tensor_release(dlcrt_tensor tensor);

/* Returns the device `tensor` lives on, without adding a reference. */
DLCRT_API dlcrt_device dlcrt_tensor_device(dlcrt_tensor tensor);

/* Returns the element type of `tensor`. */
DLCRT_API dlcrt_dtype_t dlcrt_tensor_dtype(dlcrt_tensor tensor);

/* Returns the rank of `tensor`. */
DLCRT_API size_t dlcrt_tensor_rank(dlcrt_tensor tensor);

/* Returns the dims of `tensor` (`rank` entries), valid while it lives. */
DLCRT_API const int64_t *dlcrt_tensor_dims(dlcrt_tensor tensor);

/* Returns the data pointer of `tensor` in its device's address space. */
DLCRT_API void *dlcrt_tensor_data(dlcrt_tensor tensor);

/* Returns the size of the data of `tensor` in bytes. */
DLCRT_API size_t dlcrt_tensor_byte_size(dlcrt_tensor tensor);

/* Returns the number of elements of `tensor` (1 for rank 0). */
DLCRT_API size_t dlcrt_tensor_element_count(dlcrt_tensor tensor);

/* Returns nonzero if `tensor` owns its storage (created, not wrapped). */
DLCRT_API int dlcrt_tensor_is_owned(dlcrt_tensor tensor);

/* Copies `byte_size` bytes from host memory `src` into `tensor`; `byte_size`
 * must equal the tensor's byte size. */
DLCRT_API dlcrt_status dlcrt_tensor_copy_from_host(dlcrt_tensor tensor,
                                                   const void *src,
                                                   size_t byte_size);

/* Copies the data of `tensor` into host memory `dst` of `byte_size` bytes;
 * `byte_size` must equal the tensor's byte size. */
DLCRT_API dlcrt_status dlcrt_tensor_copy_to_host(dlcrt_tensor tensor, void *dst,
                                                 size_t byte_size);

/*===----------------------------------------------------------------------===*\
|* Modules                                                                    *|
\*===----------------------------------------------------------------------===*/

typedef struct dlcrt_module_s *dlcrt_module;

/* Describes one input or output of a module. Pointers stay valid while the
 * module lives. */
typedef struct dlcrt_tensor_info_t {
  const char *name; /* decoded from the metadata, NUL-terminated */
  dlcrt_dtype_t dtype;
  size_t rank;
  /* -1 (DLCRT_DYNAMIC_DIM) for a dim known only when the model runs. */
  const int64_t *dims;
  /* Element count times element size; 0 when a dim is dynamic. */
  size_t byte_size;
  /* `rank` NUL-terminated symbol names, one per dim: "" for a static dim or
   * an anonymous dynamic one, else the symbol (such as "batch"). Dynamic dims
   * with the same symbol take the same value in a run, across all inputs and
   * outputs. */
  const char *const *dim_names;
} dlcrt_tensor_info_t;

/* The value of a dynamic dim in dlcrt_tensor_info_t::dims. */
#define DLCRT_DYNAMIC_DIM (-1)

/* Loads the compiled model at `path` for `device`: checks its ABI version and
 * validates its metadata. */
DLCRT_API dlcrt_status dlcrt_module_open(dlcrt_device device, const char *path,
                                         dlcrt_module *out_module);

/* Adds a reference to `module`; NULL is allowed. */
DLCRT_API void dlcrt_module_retain(dlcrt_module module);

/* Drops a reference to `module`, unloading it with the last one; NULL is
 * allowed. Tensors returned by dlcrt_module_run stay valid. */
DLCRT_API void dlcrt_module_release(dlcrt_module module);

/* Returns the device `module` runs on, without adding a reference. */
DLCRT_API dlcrt_device dlcrt_module_device(dlcrt_module module);

/* Returns the number of inputs of `module` (0 for NULL). */
DLCRT_API size_t dlcrt_module_num_inputs(dlcrt_module module);

/* Returns the number of outputs of `module` (0 for NULL). */
DLCRT_API size_t dlcrt_module_num_outputs(dlcrt_module module);

/* Describes input number `index` of `module` in `*out_info`. */
DLCRT_API dlcrt_status dlcrt_module_input_info(dlcrt_module module,
                                               size_t index,
                                               dlcrt_tensor_info_t *out_info);

/* Describes output number `index` of `module` in `*out_info`. */
DLCRT_API dlcrt_status dlcrt_module_output_info(dlcrt_module module,
                                                size_t index,
                                                dlcrt_tensor_info_t *out_info);

/* Stores in `*out_index` the index of the input of `module` called `name`;
 * DLCRT_STATUS_NOT_FOUND if there is none. */
DLCRT_API dlcrt_status dlcrt_module_find_input(dlcrt_module module,
                                               const char *name,
                                               size_t *out_index);

/* Stores in `*out_index` the index of the output of `module` called `name`;
 * DLCRT_STATUS_NOT_FOUND if there is none. */
DLCRT_API dlcrt_status dlcrt_module_find_output(dlcrt_module module,
                                                const char *name,
                                                size_t *out_index);

/* Runs `module`. `inputs[0..num_inputs)` must match the module's inputs in
 * dtype, rank and static dims and live on the module's device; a dynamic dim
 * takes any size >= 0, but dims with the same symbol name must agree across
 * all inputs. For each `outputs[i]` that is NULL the runtime stores there an
 * owned tensor (the caller releases it): for a static output one it created
 * before the run, for an output with a dynamic dim the model's own result of
 * the shape the run produced. A non-NULL `outputs[i]` must match output `i`
 * in dtype and rank (and its static dims) and not overlap any other input or
 * output; for a dynamic output the model's result is copied into it, and the
 * run fails with DLCRT_STATUS_INVALID_ARGUMENT if the shapes differ.
 * Everything is validated before the model runs; on failure no output slot
 * is changed. */
DLCRT_API dlcrt_status dlcrt_module_run(dlcrt_module module,
                                        const dlcrt_tensor *inputs,
                                        size_t num_inputs,
                                        dlcrt_tensor *outputs,
                                        size_t num_outputs);

#ifdef __cplusplus
}
#endif

#endif /* DLC_RUNTIME_DLCRT_H */
