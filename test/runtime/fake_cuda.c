/* A stand-in for libcuda.so.1 for the CUDA device tests on machines without a
 * GPU: "device memory" is host memory, and FAKE_CUDA_DEVICES (default 1)
 * devices exist, of compute capability FAKE_CUDA_ARCH (default 80).
 * Allocations above FAKE_CUDA_MEMORY bytes (default 1 GiB) fail with
 * CUDA_ERROR_OUT_OF_MEMORY, as a full device would.
 *
 * Modules must be NUL-terminated PTX; kernels run nothing. A launch checks
 * that its kernel is an entry of its module, that the context is current,
 * that every parameter pointer is set, and that the dynamic shared memory
 * fits the function's limit, then appends a line to the file named by
 * FAKE_CUDA_LOG ("launch <kernel> <grid x y z> <block x y z> <shared>").
 * TMA descriptors check their strides' 16-byte alignment. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;

typedef struct FakeModule *CUmodule;
typedef struct FakeFunction *CUfunction;
typedef struct FakeStream *CUstream;

enum {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  INVALID_DEVICE = 101,
  INVALID_IMAGE = 200,
  INVALID_CONTEXT = 201,
  NOT_FOUND = 500
};

static int initialized;
static int contextDepth;
static struct CUctx_st *const kContext = (struct CUctx_st *)0x1000;

static long envOr(const char *name, long fallback) {
  const char *value = getenv(name);
  return value && *value ? atol(value) : fallback;
}

CUresult cuInit(unsigned flags) {
  if (flags != 0)
    return INVALID_VALUE;
  initialized = 1;
  return SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return NOT_INITIALIZED;
  *count = (int)envOr("FAKE_CUDA_DEVICES", 1);
  return SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal < 0 || ordinal >= envOr("FAKE_CUDA_DEVICES", 1))
    return INVALID_DEVICE;
  *device = ordinal;
  return SUCCESS;
}

CUresult cuDeviceGetName(char *name, int length, CUdevice device) {
  (void)device;
  strncpy(name, "fake", (size_t)length);
  return SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  (void)device;
  *context = kContext;
  return SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  (void)device;
  return SUCCESS;
}

CUresult cuCtxPushCurrent_v2(CUcontext context) {
  if (context != kContext)
    return INVALID_CONTEXT;
  ++contextDepth;
  return SUCCESS;
}

CUresult cuCtxPopCurrent_v2(CUcontext *context) {
  if (contextDepth == 0)
    return INVALID_CONTEXT;
  --contextDepth;
  *context = kContext;
  return SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  if (contextDepth == 0)
    return INVALID_CONTEXT;
  if (bytes > (size_t)envOr("FAKE_CUDA_MEMORY", 1L << 30))
    return OUT_OF_MEMORY;
  void *memory = malloc(bytes);
  if (!memory)
    return OUT_OF_MEMORY;
  *ptr = (CUdeviceptr)(size_t)memory;
  return SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  free((void *)(size_t)ptr);
  return SUCCESS;
}

CUresult cuMemsetD8_v2(CUdeviceptr ptr, unsigned char value, size_t count) {
  memset((void *)(size_t)ptr, value, count);
  return SUCCESS;
}

CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t bytes) {
  memcpy((void *)(size_t)dst, src, bytes);
  return SUCCESS;
}

CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t bytes) {
  memcpy(dst, (const void *)(size_t)src, bytes);
  return SUCCESS;
}

CUresult cuMemcpyDtoD_v2(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  memmove((void *)(size_t)dst, (const void *)(size_t)src, bytes);
  return SUCCESS;
}

/* Models. */

struct FakeModule {
  char *ptx;
};
struct FakeFunction {
  struct FakeModule *module;
  char name[256];
  int sharedLimit;
};
struct FakeStream {
  int pending;
};

CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
  (void)device;
  long arch = envOr("FAKE_CUDA_ARCH", 80);
  if (attribute == 75) /* COMPUTE_CAPABILITY_MAJOR */
    *value = (int)(arch / 10);
  else if (attribute == 76) /* COMPUTE_CAPABILITY_MINOR */
    *value = (int)(arch % 10);
  else
    return INVALID_VALUE;
  return SUCCESS;
}

CUresult cuModuleLoadData(CUmodule *module, const void *image) {
  if (contextDepth == 0)
    return INVALID_CONTEXT;
  const char *text = (const char *)image;
  if (!strstr(text, ".version") || !strstr(text, ".target"))
    return INVALID_IMAGE;
  *module = calloc(1, sizeof(struct FakeModule));
  (*module)->ptx = strdup(text);
  return SUCCESS;
}

CUresult cuModuleUnload(CUmodule module) {
  free(module->ptx);
  free(module);
  return SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                             const char *name) {
  char entry[300];
  snprintf(entry, sizeof(entry), ".entry %s(", name);
  if (strlen(name) >= 256 || !strstr(module->ptx, entry))
    return NOT_FOUND;
  /* Leaked, like the driver's handles until the module unloads. */
  *function = calloc(1, sizeof(struct FakeFunction));
  (*function)->module = module;
  strcpy((*function)->name, name);
  (*function)->sharedLimit = 48 << 10;
  return SUCCESS;
}

CUresult cuFuncSetAttribute(CUfunction function, int attribute, int value) {
  if (attribute != 8 || value > 227 << 10) /* MAX_DYNAMIC_SHARED_SIZE */
    return INVALID_VALUE;
  function->sharedLimit = value;
  return SUCCESS;
}

CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  (void)flags;
  if (contextDepth == 0)
    return INVALID_CONTEXT;
  *stream = calloc(1, sizeof(struct FakeStream));
  return SUCCESS;
}

CUresult cuStreamSynchronize(CUstream stream) {
  stream->pending = 0;
  return SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
  free(stream);
  return SUCCESS;
}

CUresult cuLaunchKernel(CUfunction function, unsigned gridX, unsigned gridY,
                        unsigned gridZ, unsigned blockX, unsigned blockY,
                        unsigned blockZ, unsigned shared, CUstream stream,
                        void **params, void **extra) {
  if (contextDepth == 0)
    return INVALID_CONTEXT;
  /* A .param per parameter in the entry's signature: count the pointers. */
  char entryName[300];
  snprintf(entryName, sizeof(entryName), ".entry %s(", function->name);
  const char *entry = strstr(function->module->ptx, entryName);
  const char *end = entry ? strchr(entry, ')') : NULL;
  int count = 0;
  for (const char *p = entry; p && p < end; p = strstr(p + 1, ".param"))
    if (strncmp(p, ".param", 6) == 0)
      ++count;
  int valid = gridX && gridY && gridZ && blockX && blockY && blockZ &&
              blockX * blockY * blockZ <= 1024 &&
              (int)shared <= function->sharedLimit && !extra && params;
  for (int i = 0; valid && i < count; ++i)
    valid = params[i] != NULL;
  const char *log = getenv("FAKE_CUDA_LOG");
  if (log && *log) {
    FILE *file = fopen(log, "a");
    if (file) {
      fprintf(file, "%s %s %u %u %u %u %u %u %u params %d\n",
              valid ? "launch" : "invalid-launch", function->name, gridX,
              gridY, gridZ, blockX, blockY, blockZ, shared, count);
      fclose(file);
    }
  }
  if (!valid)
    return INVALID_VALUE;
  ++stream->pending;
  return SUCCESS;
}

CUresult cuTensorMapEncodeTiled(void *map, int dataType, unsigned rank,
                                void *address, const unsigned long long *dims,
                                const unsigned long long *strides,
                                const unsigned *box,
                                const unsigned *elementStrides, int interleave,
                                int swizzle, int l2Promotion, int oobFill) {
  (void)dataType, (void)dims, (void)box, (void)elementStrides;
  (void)interleave, (void)swizzle, (void)l2Promotion, (void)oobFill;
  if (rank < 1 || rank > 5 || ((size_t)address % 16) != 0)
    return INVALID_VALUE;
  for (unsigned i = 0; i + 1 < rank; ++i)
    if (strides[i] % 16)
      return INVALID_VALUE;
  memset(map, 0, 128);
  return SUCCESS;
}

static const struct {
  CUresult code;
  const char *name, *text;
} kErrors[] = {{OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
               {INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE",
                "invalid device ordinal"},
               {INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
               {INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE",
                "device kernel image is invalid"},
               {NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"}};

/* The entry of `error` in kErrors, or NULL. */
static const char *describe(CUresult error, int wantName) {
  for (size_t i = 0; i < sizeof(kErrors) / sizeof(kErrors[0]); ++i)
    if (kErrors[i].code == error)
      return wantName ? kErrors[i].name : kErrors[i].text;
  return NULL;
}

CUresult cuGetErrorName(CUresult error, const char **name) {
  *name = describe(error, 1);
  return *name ? SUCCESS : INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char **text) {
  *text = describe(error, 0);
  return *text ? SUCCESS : INVALID_VALUE;
}
