// Peak fp32 FMA throughput of this machine, the yardstick for dlc's GEMMs.
//
// Each thread runs independent vector FMA chains (more than latency x ports,
// so the FMA units never wait on a result) on registers only. Prints the
// ISA, the vector width and the best GFLOP/s of a few repetitions.
//
// Build: clang -O2 -march=native -pthread peak.c -o peak
// Usage: peak [threads] [repetitions]

#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ACCUMULATORS 12
#define ITERATIONS 20000000L

#if defined(__AVX512F__)
typedef __m512 vec;
#define ISA "avx512f"
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define STORE _mm512_storeu_ps
#elif defined(__FMA__) && defined(__AVX__)
typedef __m256 vec;
#define ISA "avx2+fma"
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
#define STORE _mm256_storeu_ps
#else
#error "peak.c needs FMA (AVX2+FMA or AVX-512)"
#endif

static pthread_barrier_t barrier;
static long iterations = ITERATIONS;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *worker(void *arg) {
  float *sink = arg;
  // acc = acc * a + b converges to b / (1 - a): no overflow, no denormals.
  vec a = SET1(0.999999f), b = SET1(1e-6f);
  vec acc[ACCUMULATORS];
  for (int i = 0; i < ACCUMULATORS; ++i)
    acc[i] = SET1((float)i);
  pthread_barrier_wait(&barrier);
  for (long it = 0; it < iterations; ++it) {
    // The compiler may not reassociate (no -ffast-math): 12 real chains.
    for (int i = 0; i < ACCUMULATORS; ++i)
      acc[i] = FMA(acc[i], a, b);
  }
  vec sum = acc[0];
  for (int i = 1; i < ACCUMULATORS; ++i)
    sum = ADD(sum, acc[i]);
  float lanes[LANES];
  STORE(lanes, sum);
  *sink = lanes[0];
  return NULL;
}

static double run(int threads) {
  pthread_t ids[threads];
  float sinks[threads];
  pthread_barrier_init(&barrier, NULL, threads + 1);
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, worker, &sinks[t]);
  pthread_barrier_wait(&barrier);
  double start = now();
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  double seconds = now() - start;
  pthread_barrier_destroy(&barrier);
  float check = 0;
  for (int t = 0; t < threads; ++t)
    check += sinks[t];
  if (check != check)
    fprintf(stderr, "unexpected NaN\n");
  return 2.0 * LANES * ACCUMULATORS * (double)iterations * threads / seconds *
         1e-9;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  int repetitions = argc > 2 ? atoi(argv[2]) : 5;
  if (argc > 3)
    iterations = atol(argv[3]);
  if (threads < 1 || repetitions < 1 || iterations < 1) {
    fprintf(stderr, "usage: peak [threads >= 1] [repetitions >= 1] "
                    "[iterations >= 1]\n");
    return 2;
  }
  double best = 0;
  for (int r = 0; r < repetitions; ++r) {
    double gflops = run(threads);
    if (gflops > best)
      best = gflops;
  }
  printf("isa: %s\nlanes: %d\naccumulators: %d\nthreads: %d\n"
         "gflops: %.2f\n",
         ISA, LANES, ACCUMULATORS, threads, best);
  return 0;
}
