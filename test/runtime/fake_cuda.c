/* A stand-in for libcuda.so.1 for the CUDA device tests on machines without a
 * GPU: "device memory" is host memory, and FAKE_CUDA_DEVICES (default 1)
 * devices exist. Allocations above FAKE_CUDA_MEMORY bytes (default 1 GiB)
 * fail with CUDA_ERROR_OUT_OF_MEMORY, as a full device would. */

#include <stdlib.h>
#include <string.h>

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;

enum {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  INVALID_DEVICE = 101,
  INVALID_CONTEXT = 201
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

static const struct {
  CUresult code;
  const char *name, *text;
} kErrors[] = {{OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
               {INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE",
                "invalid device ordinal"}};

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
