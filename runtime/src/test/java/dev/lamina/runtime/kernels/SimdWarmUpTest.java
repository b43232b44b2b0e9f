package dev.lamina.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Warming the Vector API kernels up leaves them compiled: once {@link Simd#enabled()} has answered yes, calling them
 * allocates nothing, on shapes other than the warm-up's (before the JIT compiles them, every vector operation
 * allocates; warmed up on unrepresentative shapes, they kept allocating). The tests run with
 * {@code --add-modules jdk.incubator.vector} (surefire's argLine).
 */
class SimdWarmUpTest {
  @Test
  void kernelsAllocateNothingOnceEnabled() {
    assertTrue(Simd.enabled(), "run the tests with --add-modules jdk.incubator.vector");
    int calls = Simd.warmUpCalls();
    assertTrue(calls > 0 && calls < 100_000,
        "warm-up calls " + calls + " (-1 means a kernel never stopped allocating)");

    int rep = 2 * Simd.lanes() + 5;
    int windows = 9; // shapes other than the warm-up's: 3x3 pools, three stretches, longer tails
    int pooled = 3 * rep;
    float[] x = new float[windows * pooled + rep];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 13 - 6;
    }
    float[] mean = new float[rep];
    float[] scale = new float[rep];
    java.util.Arrays.fill(scale, 0.5f);
    float[] beta = new float[rep];
    float[] out = new float[pooled];
    float[] picked = new float[pooled];
    float[] dx = new float[x.length];
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int c = 0; c < 100; c++) {
      Simd.batchNormReluPool(true, x, 0, pooled, windows, rep, mean, scale, beta, out, 0, picked, 0);
      Simd.batchNormReluPoolBackward(x, 0, x.length, out, out, 0, pooled, windows, rep, mean, scale, beta, scale,
          beta, dx);
      Simd.add(x, 0, dx, 0, x.length);
    }
    assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before, 512, "bytes allocated by 300 kernel calls");
  }
}
