/*===- fake_model.c - Hand-written models implementing ModelABI.h ---------===*\
|*                                                                            *|
|* Stand-ins for dlc-compiled models, so that the runtime is tested without   *|
|* the compiler. Built once per FAKE_* variant:                               *|
|*   FAKE_SUM      a, b: f32[2,3] -> sum = a + b                              *|
|*   FAKE_MIXED    "x y": i32[4], flag: bool[4] -> out: i64[4] =              *|
|*                 flag ? x : -x, count: i32[] = number of set flags          *|
|*   FAKE_BAD_ABI  like FAKE_SUM but reports ABI version 99                   *|
|*   FAKE_NO_RUN   like FAKE_SUM but without dlc_model_run                    *|
|*   FAKE_ENV      metadata from $DLC_FAKE_METADATA, a run that does nothing  *|
|*   FAKE_CHECK    shape: i64[2] -> y: f32[6], check 1 fails unless [2, 3]    *|
|*   FAKE_DYN      a, b: f32[?batch,2] -> sum: f32[?batch,2] = a + b         *|
|*                 (model-allocated), total: f32[] = sum of all; the mode in  *|
|*                 $DLC_FAKE_DYN_MODE: "fail" (check 1 fails after allocating *|
|*                 sum), "bad_dim" (sum claims batch + 1 rows), "neg_dim"     *|
|*                 (a negative dim), "null" (NULL data for a non-empty sum)   *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "dlc/runtime/ModelABI.h"

#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

#ifdef FAKE_BAD_ABI
#define FAKE_SUM
EXPORT int32_t dlc_model_abi_version(void) { return 99; }
#else
EXPORT int32_t dlc_model_abi_version(void) { return DLC_MODEL_ABI_VERSION; }
#endif

#ifdef FAKE_NO_RUN
#define FAKE_SUM
#endif

#if defined(FAKE_SUM)
EXPORT const char *dlc_model_metadata(void) {
  return "dlc-model 4\n"
         "input a f32 2 2 3\n"
         "input b f32 2 2 3\n"
         "output sum f32 2 2 3\n";
}

#ifndef FAKE_NO_RUN
EXPORT int32_t dlc_model_run(void **buffers, int64_t *dims) {
  const float *a = buffers[0], *b = buffers[1];
  float *sum = buffers[2];
  for (int i = 0; i < 6; ++i)
    sum[i] = a[i] + b[i];
  dims[4] = 2;
  dims[5] = 3;
  return 0;
}
#endif

#elif defined(FAKE_MIXED)
EXPORT const char *dlc_model_metadata(void) {
  return "dlc-model 4\n"
         "input x%20y i32 1 4\n"
         "input flag bool 1 4\n"
         "output out i64 1 4\n"
         "output count i32 0\n";
}

EXPORT int32_t dlc_model_run(void **buffers, int64_t *dims) {
  const int32_t *x = buffers[0];
  const uint8_t *flag = buffers[1];
  int64_t *out = buffers[2];
  int32_t *count = buffers[3];
  *count = 0;
  dims[2] = 4;
  for (int i = 0; i < 4; ++i) {
    out[i] = flag[i] ? x[i] : -(int64_t)x[i];
    *count += flag[i] != 0;
  }
  return 0;
}

#elif defined(FAKE_ENV)
EXPORT const char *dlc_model_metadata(void) {
  return getenv("DLC_FAKE_METADATA");
}

EXPORT int32_t dlc_model_run(void **buffers, int64_t *dims) {
  (void)buffers;
  (void)dims;
  return 0;
}

#elif defined(FAKE_CHECK)
EXPORT const char *dlc_model_metadata(void) {
  return "dlc-model 4\n"
         "input shape i64 1 2\n"
         "output y f32 1 6\n"
         "check 1 node%20%27Reshape_0%27%3A%20the%20run-time%20shape%20is%20not%202x3\n";
}

/* Fails check 1 unless shape = [2, 3], like a compiled Reshape would. */
EXPORT int32_t dlc_model_run(void **buffers, int64_t *dims) {
  const int64_t *shape = buffers[0];
  float *y = buffers[1];
  for (int i = 0; i < 6; ++i)
    y[i] = (float)i;
  dims[1] = 6;
  return shape[0] == 2 && shape[1] == 3 ? 0 : 1;
}

#elif defined(FAKE_DYN)
EXPORT const char *dlc_model_metadata(void) {
  return "dlc-model 4\n"
         "input a f32 2 ?batch 2\n"
         "input b f32 2 ?batch 2\n"
         "output sum f32 2 ?batch 2\n"
         "output total f32 0\n"
         "check 1 forced%20failure\n";
}

/* dims: a [0, 1], b [2, 3], sum [4, 5]; total has none. */
EXPORT int32_t dlc_model_run(void **buffers, int64_t *dims) {
  const char *mode = getenv("DLC_FAKE_DYN_MODE");
  if (!mode)
    mode = "";
  const float *a = buffers[0], *b = buffers[1];
  float *total = buffers[3];
  int64_t n = dims[0] * 2;
  float *sum = malloc(n ? n * sizeof(float) : 1);
  *total = 0;
  for (int64_t i = 0; i < n; ++i) {
    sum[i] = a[i] + b[i];
    *total += sum[i];
  }
  buffers[2] = sum;
  dims[4] = dims[0];
  dims[5] = 2;
  if (!strcmp(mode, "fail"))
    return 1;
  if (!strcmp(mode, "bad_dim"))
    dims[4] = dims[0] + 1;
  if (!strcmp(mode, "neg_dim"))
    dims[4] = -1;
  if (!strcmp(mode, "null")) {
    free(sum);
    buffers[2] = NULL;
  }
  return 0;
}

#else
#error "define one FAKE_* variant"
#endif
