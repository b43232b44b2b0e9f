package dev.lamina.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The threads generated networks split batches across. */
class WorkersTest {
  private final Workers workers = new Workers(3);

  @Test
  void everySampleIsDoneOnceInContiguousChunks() {
    for (int n : new int[] {1, 2, 3, 7, 32}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(n);
      int[] chunkStarts = new int[3];
      workers.run(n, (worker, from, to) -> {
        chunkStarts[worker] = from;
        assertEquals(Workers.chunkSize(n, worker, workers.active()), to - from);
        for (int i = from; i < to; i++) {
          seen.incrementAndGet(i);
        }
      });
      for (int i = 0; i < n; i++) {
        assertEquals(1, seen.get(i), "sample " + i + " of " + n);
      }
      assertEquals(Math.min(3, n), workers.active());
    }
  }

  @Test
  void barrierSeparatesPhases() {
    int[] phaseOne = new int[3];
    int[] readAfterBarrier = new int[3];
    workers.run(9, (worker, from, to) -> {
      phaseOne[worker] = to - from;
      workers.barrier();
      int sum = 0;
      for (int w = 0; w < 3; w++) {
        sum += phaseOne[w];
      }
      readAfterBarrier[worker] = sum;
    });
    assertArrayEquals(new int[] {9, 9, 9}, readAfterBarrier);
  }

  @Test
  void runAllEmploysEveryWorkerForASingleSample() {
    int[] ran = new int[3];
    int[] samples = new int[3];
    int[] sumAfterBarrier = new int[3];
    workers.runAll(1, (worker, from, to) -> {
      assertEquals(3, workers.active());
      ran[worker]++;
      samples[worker] = to - from;
      workers.barrier();
      sumAfterBarrier[worker] = ran[0] + ran[1] + ran[2];
    });
    assertArrayEquals(new int[] {1, 1, 1}, ran);
    assertArrayEquals(new int[] {0, 0, 1}, samples); // [0, 1) split three ways: only the last share is not empty
    assertArrayEquals(new int[] {3, 3, 3}, sumAfterBarrier);
  }

  @Test
  @Timeout(10)
  void wakeUpSaysNoWhileWorkersSleepAndWakesThem() throws InterruptedException {
    Workers fresh = new Workers(2);
    Thread.sleep(50); // idle workers spin for a millisecond, then park
    assertFalse(fresh.wakeUp(), "a parked worker counts as asleep");
    while (!fresh.wakeUp()) {
      Thread.onSpinWait(); // woken, the worker spins again for a while
    }
    int[] ran = new int[2];
    fresh.runAll(1, (worker, from, to) -> ran[worker]++);
    assertArrayEquals(new int[] {1, 1}, ran);
    assertTrue(fresh.wakeUp(), "right after a run the workers are awake");
  }

  @Test
  void partialSumsAddUp() {
    float[][] parts = {{1, 2, 3, 4, 5}, {10, 20, 30, 40, 50}, {100, 200, 300, 400, 500}};
    workers.run(3, (worker, from, to) -> Workers.addParts(parts, 3, worker));
    assertArrayEquals(new float[] {111, 222, 333, 444, 555}, parts[0]);
  }

  @Test
  @Timeout(10)
  void aFailingWorkerFailsTheRunInsteadOfHangingAtABarrier() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> workers.run(6, (worker, from, to) -> {
      if (worker == 2) {
        throw new IllegalArgumentException("boom in worker 2");
      }
      workers.barrier();
    }));
    assertEquals("boom in worker 2", e.getMessage());
    // and the workers, and their barrier, still work afterwards
    AtomicIntegerArray seen = new AtomicIntegerArray(6);
    workers.run(6, (worker, from, to) -> {
      workers.barrier();
      for (int i = from; i < to; i++) {
        seen.incrementAndGet(i);
      }
      workers.barrier();
    });
    for (int i = 0; i < 6; i++) {
      assertEquals(1, seen.get(i));
    }
  }
}
