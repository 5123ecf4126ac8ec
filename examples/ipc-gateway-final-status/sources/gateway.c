/* A stand-in for the IPC Gateway's four core components (the report's code is not public):
 * each mode runs its component's allocation pattern for N operations and frees everything.
 *   gateway COMPONENT OPS      run one component (ring_buffer, frame_codec, conn_pool, backpressure)
 *   gateway soak SECONDS       all four in a loop; prints "ops=N" when done                      */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct { char *slots[64]; size_t head, tail; } ring_t;

static unsigned long ring_buffer(unsigned long ops) {
  ring_t r = {0};
  for (unsigned long i = 0; i < ops; i++) {
    r.slots[r.head++ % 64] = strdup("beamline.router.v1.decide");
    if (r.head - r.tail == 64) free(r.slots[r.tail++ % 64]);
  }
  while (r.tail < r.head) free(r.slots[r.tail++ % 64]);
  return ops;
}

static unsigned long frame_codec(unsigned long ops) {
  for (unsigned long i = 0; i < ops; i++) {
    size_t n = 16 + i % 240;
    unsigned char *frame = malloc(n + 4);
    frame[0] = (unsigned char)(n >> 24); frame[1] = (unsigned char)(n >> 16);
    frame[2] = (unsigned char)(n >> 8);  frame[3] = (unsigned char)n;
    memset(frame + 4, 'x', n);
    size_t decoded = ((size_t)frame[2] << 8) | frame[3];
    if (decoded != n) abort();
    free(frame);
  }
  return ops;
}

static unsigned long conn_pool(unsigned long ops) {
  char *pool[8] = {0};
  for (unsigned long i = 0; i < ops; i++) {
    size_t k = i % 8;
    if (pool[k] == NULL) pool[k] = calloc(1, 512);
    else if (i % 5 == 0) { free(pool[k]); pool[k] = NULL; }
  }
  for (size_t k = 0; k < 8; k++) free(pool[k]);
  return ops;
}

static unsigned long backpressure(unsigned long ops) {
  size_t cap = 16, len = 0;
  int *queue = malloc(cap * sizeof *queue);
  for (unsigned long i = 0; i < ops; i++) {
    if (len == cap) len = cap / 2; /* shed load: drop the older half */
    queue[len++] = (int)i;
  }
  free(queue);
  return ops;
}

static unsigned long run(const char *name, unsigned long ops) {
  if (strcmp(name, "ring_buffer") == 0) return ring_buffer(ops);
  if (strcmp(name, "frame_codec") == 0) return frame_codec(ops);
  if (strcmp(name, "conn_pool") == 0) return conn_pool(ops);
  if (strcmp(name, "backpressure") == 0) return backpressure(ops);
  fprintf(stderr, "unknown component %s\n", name);
  exit(2);
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: gateway COMPONENT OPS | gateway soak SECONDS\n"); return 2; }
  if (strcmp(argv[1], "soak") == 0) {
    static const char *all[] = {"ring_buffer", "frame_codec", "conn_pool", "backpressure"};
    time_t end = time(NULL) + atol(argv[2]);
    unsigned long total = 0;
    while (time(NULL) < end) for (int c = 0; c < 4; c++) total += run(all[c], 1000);
    printf("ops=%lu\n", total);
    return 0;
  }
  unsigned long done = run(argv[1], strtoul(argv[2], NULL, 10));
  printf("ipc-gw %s: %lu ops done\n", argv[1], done);
  return 0;
}
