package dev.lamina.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API code behind {@link Simd}; only loaded when the {@code jdk.incubator.vector} module is present.
 * Every kernel does the same float operations, in the same order, as the plain loop documented on {@link Simd}, so
 * the two give the same values; the last values of a stretch that do not fill a vector take a scalar loop.
 */
final class VectorKernels {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorKernels() {}

  static int lanes() {
    return L;
  }

  /**
   * Warms each kernel up in turn on small arrays (2x2 pool windows, two stretches of one vector and a scalar tail),
   * taking every branch that real calls take (a branch the JIT never saw taken recompiles the kernel when it is):
   * rounds of 100 calls, with a 10 ms pause after each (the kernel waits in the compiler's queue, and calls made
   * meanwhile only make garbage: 2 ms pauses made twice as much, 25 ms little less), until a round
   * allocates no heap memory (the JIT has compiled the kernel), at most 150 rounds (20 where the JVM cannot count a
   * thread's allocations, which are then taken as enough). Returns the calls made, over all kernels, or -1 when a
   * kernel still allocated after 150 rounds: this JVM does not compile the Vector API to vector instructions on this
   * CPU.
   */
  static int warmUp() {
    java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean threads = bean instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;
    int rep = L + 2;
    int windows = 4;
    int pooled = 2 * rep;
    float[] x = new float[windows * pooled + rep];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 37 % 11 - 5; // ties and changes of maximum, positive and negative values
    }
    float[] mean = new float[rep];
    float[] scale = new float[rep];
    float[] beta = new float[rep];
    float[] sums = new float[rep];
    float[] squares = new float[rep];
    java.util.Arrays.fill(scale, 1f);
    float[] out = new float[pooled];
    float[] picked = new float[pooled];
    float[] dy = new float[pooled];
    java.util.Arrays.fill(dy, 1f);
    float[] dx = new float[x.length];
    float[] weights = java.util.Arrays.copyOf(x, 9 * rep);
    Runnable[] kernels = {
      () -> shiftedSums(x, 0, pooled, rep, mean, sums, squares),
      () -> {
        batchNormReluPool(true, x, 0, 0, pooled, pooled, windows, rep, mean, scale, beta, out, 0, picked, 0);
        batchNormReluPool(false, x, 0, rep, pooled, pooled, windows, rep, mean, scale, beta, out, 0, picked, 0);
      },
      () -> gradientSums(out, dy, picked, 0, pooled, rep, mean, scale, sums, squares),
      () -> batchNormReluPoolBackward(x, 0, x.length, out, dy, 0, pooled, windows, rep, mean, scale, beta, scale,
          beta, dx),
      () -> add(x, 0, dx, 0, x.length),
      () -> smallPatchProduct(5, 9, rep, x, 0, weights, dx, 0),
      () -> rowTimesNarrowMatrix(x, 0, 9 * rep / 5, weights, 5, dx, 0),
      () -> {
        smallPatchKernelGradient(5, 9, rep, x, 0, dx, 0, weights, false);
        smallPatchKernelGradient(5, 9, rep, x, 0, dx, 0, weights, true);
      }
    };
    int calls = 0;
    for (Runnable kernel : kernels) {
      boolean compiled = false;
      for (int round = 0; round < (threads == null ? 20 : 150); round++) {
        long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
        for (int c = 0; c < 100; c++) {
          kernel.run();
        }
        calls += 100;
        if (threads != null && threads.getCurrentThreadAllocatedBytes() - before < 1024) {
          compiled = true;
          break;
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return calls;
        }
      }
      if (!compiled && threads != null) {
        return -1;
      }
    }
    return calls;
  }

  static void shiftedSums(float[] x, int from, int to, int rep, float[] k, float[] sum, float[] squares) {
    for (int r = from; r < to; r += rep) {
      int length = Math.min(rep, to - r);
      int j = 0;
      for (; j <= length - L; j += L) {
        FloatVector d = FloatVector.fromArray(S, x, r + j).sub(FloatVector.fromArray(S, k, j));
        FloatVector.fromArray(S, sum, j).add(d).intoArray(sum, j);
        FloatVector.fromArray(S, squares, j).add(d.mul(d)).intoArray(squares, j);
      }
      for (; j < length; j++) {
        float d = x[r + j] - k[j];
        sum[j] += d;
        squares[j] += d * d;
      }
    }
  }

  static void batchNormReluPool(boolean training, float[] x, int at, int from, int to, int pooled, int windows,
      int rep, float[] mean, float[] scale, float[] beta, float[] out, int outAt, float[] picked, int pickedAt) {
    for (int r = from; r < to; r += rep) {
      int length = Math.min(rep, to - r);
      int j = 0;
      for (; j <= length - L; j += L) {
        FloatVector m = FloatVector.fromArray(S, mean, j);
        FloatVector s = FloatVector.fromArray(S, scale, j);
        FloatVector b = FloatVector.fromArray(S, beta, j);
        int i = at + r + j;
        FloatVector first = FloatVector.fromArray(S, x, i);
        FloatVector max = first.sub(m).mul(s).add(b);
        if (training) {
          FloatVector chosen = first;
          for (int p = 1; p < windows; p++) {
            FloatVector xp = FloatVector.fromArray(S, x, i + p * pooled);
            FloatVector v = xp.sub(m).mul(s).add(b);
            VectorMask<Float> beats = v.compare(VectorOperators.GT, max);
            max = max.blend(v, beats);
            chosen = chosen.blend(xp, beats);
          }
          chosen.intoArray(picked, pickedAt + r + j);
        } else {
          for (int p = 1; p < windows; p++) {
            max = max.max(FloatVector.fromArray(S, x, i + p * pooled).sub(m).mul(s).add(b));
          }
        }
        max.max(0f).intoArray(out, outAt + r + j);
      }
      for (; j < length; j++) {
        int i = at + r + j;
        float max = (x[i] - mean[j]) * scale[j] + beta[j];
        float chosen = x[i];
        for (int p = 1; p < windows; p++) {
          float xp = x[i + p * pooled];
          float v = (xp - mean[j]) * scale[j] + beta[j];
          if (v > max) {
            max = v;
            chosen = xp;
          }
        }
        if (training) {
          picked[pickedAt + r + j] = chosen;
        }
        out[outAt + r + j] = Math.max(max, 0);
      }
    }
  }

  static void gradientSums(float[] y, float[] dy, float[] selected, int from, int to, int rep, float[] mean,
      float[] invStd, float[] dBeta, float[] dGamma) {
    for (int r = from; r < to; r += rep) {
      int length = Math.min(rep, to - r);
      int j = 0;
      for (; j <= length - L; j += L) {
        FloatVector zero = FloatVector.zero(S); // made here: a vector kept across iterations is boxed on the heap
        VectorMask<Float> active = FloatVector.fromArray(S, y, r + j).compare(VectorOperators.GT, 0f);
        FloatVector g = FloatVector.fromArray(S, dy, r + j);
        FloatVector xHat = FloatVector.fromArray(S, selected, r + j).sub(FloatVector.fromArray(S, mean, j))
            .mul(FloatVector.fromArray(S, invStd, j));
        FloatVector.fromArray(S, dBeta, j).add(zero.blend(g, active)).intoArray(dBeta, j);
        FloatVector.fromArray(S, dGamma, j).add(zero.blend(g.mul(xHat), active)).intoArray(dGamma, j);
      }
      for (; j < length; j++) {
        if (y[r + j] > 0) {
          float g = dy[r + j];
          dBeta[j] += g;
          dGamma[j] += g * ((selected[r + j] - mean[j]) * invStd[j]);
        }
      }
    }
  }

  static void batchNormReluPoolBackward(float[] x, int at, int inSize, float[] y, float[] dy, int yAt, int pooled,
      int windows, int rep, float[] mean, float[] scale, float[] beta, float[] alpha, float[] beta0, float[] dx) {
    for (int r = 0; r < pooled; r += rep) {
      int length = Math.min(rep, pooled - r);
      int j = 0;
      for (; j <= length - L; j += L) {
        FloatVector m = FloatVector.fromArray(S, mean, j);
        FloatVector s = FloatVector.fromArray(S, scale, j);
        FloatVector b = FloatVector.fromArray(S, beta, j);
        FloatVector a = FloatVector.fromArray(S, alpha, j);
        FloatVector b0 = FloatVector.fromArray(S, beta0, j);
        FloatVector zero = FloatVector.zero(S); // made here: a vector kept across iterations is boxed on the heap
        FloatVector yv = FloatVector.fromArray(S, y, yAt + r + j);
        FloatVector g = zero.blend(FloatVector.fromArray(S, dy, yAt + r + j).mul(s),
            yv.compare(VectorOperators.GT, 0f));
        VectorMask<Float> left = S.maskAll(true);
        for (int p = 0; p < windows; p++) {
          int i = at + p * pooled + r + j;
          FloatVector centred = FloatVector.fromArray(S, x, i).sub(m);
          VectorMask<Float> hit = left.and(centred.mul(s).add(b).compare(VectorOperators.EQ, yv));
          left = left.andNot(hit);
          centred.mul(a).add(b0).add(zero.blend(g, hit)).intoArray(dx, i);
        }
      }
      for (; j < length; j++) {
        float yj = y[yAt + r + j];
        float g = yj > 0 ? dy[yAt + r + j] * scale[j] : 0;
        boolean left = true;
        for (int p = 0; p < windows; p++) {
          int i = at + p * pooled + r + j;
          float centred = x[i] - mean[j];
          boolean hit = left && centred * scale[j] + beta[j] == yj;
          left &= !hit;
          dx[i] = centred * alpha[j] + beta0[j] + (hit ? g : 0);
        }
      }
    }
    // the values no window covers: the BatchNorm term alone
    for (int r = at + windows * pooled; r < at + inSize; r += rep) {
      int length = Math.min(rep, at + inSize - r);
      int j = 0;
      for (; j <= length - L; j += L) {
        FloatVector.fromArray(S, x, r + j).sub(FloatVector.fromArray(S, mean, j))
            .mul(FloatVector.fromArray(S, alpha, j)).add(FloatVector.fromArray(S, beta0, j)).intoArray(dx, r + j);
      }
      for (; j < length; j++) {
        dx[r + j] = (x[r + j] - mean[j]) * alpha[j] + beta0[j];
      }
    }
  }

  static void smallPatchProduct(int rows, int patch, int filters, float[] cols, int colsAt, float[] kernel,
      float[] out, int outAt) {
    int r = 0;
    // four rows at a time: four independent chains of multiply-adds keep the FMA units busy
    for (; r <= rows - 4; r += 4) {
      int c0 = colsAt + r * patch;
      int o0 = outAt + r * filters;
      int f = 0;
      for (; f <= filters - L; f += L) {
        FloatVector w = FloatVector.fromArray(S, kernel, f);
        FloatVector s0 = w.mul(cols[c0]);
        FloatVector s1 = w.mul(cols[c0 + patch]);
        FloatVector s2 = w.mul(cols[c0 + 2 * patch]);
        FloatVector s3 = w.mul(cols[c0 + 3 * patch]);
        for (int t = 1; t < patch; t++) {
          w = FloatVector.fromArray(S, kernel, t * filters + f);
          s0 = w.fma(FloatVector.broadcast(S, cols[c0 + t]), s0);
          s1 = w.fma(FloatVector.broadcast(S, cols[c0 + patch + t]), s1);
          s2 = w.fma(FloatVector.broadcast(S, cols[c0 + 2 * patch + t]), s2);
          s3 = w.fma(FloatVector.broadcast(S, cols[c0 + 3 * patch + t]), s3);
        }
        s0.intoArray(out, o0 + f);
        s1.intoArray(out, o0 + filters + f);
        s2.intoArray(out, o0 + 2 * filters + f);
        s3.intoArray(out, o0 + 3 * filters + f);
      }
      for (; f < filters; f++) {
        for (int i = 0; i < 4; i++) {
          out[o0 + i * filters + f] = scalarPatchSum(cols, c0 + i * patch, patch, kernel, filters, f);
        }
      }
    }
    for (; r < rows; r++) {
      int c0 = colsAt + r * patch;
      int o0 = outAt + r * filters;
      int f = 0;
      for (; f <= filters - L; f += L) {
        FloatVector sum = FloatVector.fromArray(S, kernel, f).mul(cols[c0]);
        for (int t = 1; t < patch; t++) {
          sum = FloatVector.fromArray(S, kernel, t * filters + f).fma(FloatVector.broadcast(S, cols[c0 + t]), sum);
        }
        sum.intoArray(out, o0 + f);
      }
      for (; f < filters; f++) {
        out[o0 + f] = scalarPatchSum(cols, c0, patch, kernel, filters, f);
      }
    }
  }

  private static float scalarPatchSum(float[] cols, int c0, int patch, float[] kernel, int filters, int f) {
    float sum = cols[c0] * kernel[f];
    for (int t = 1; t < patch; t++) {
      sum = Math.fma(cols[c0 + t], kernel[t * filters + f], sum);
    }
    return sum;
  }

  static void smallPatchKernelGradient(int rows, int patch, int filters, float[] cols, int colsAt, float[] grad,
      int gradAt, float[] dKernel, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(dKernel, 0, patch * filters, 0f);
    }
    // 64 rows at a time (their gradients stay in the first-level cache while every patch value is done); four
    // sums over the rows modulo 4 keep the multiply-adds independent
    for (int r0 = 0; r0 < rows; r0 += 64) {
      int r1 = Math.min(rows, r0 + 64);
      for (int t = 0; t < patch; t++) {
        int f = 0;
        for (; f <= filters - L; f += L) {
          FloatVector s0 = FloatVector.zero(S);
          FloatVector s1 = FloatVector.zero(S);
          FloatVector s2 = FloatVector.zero(S);
          FloatVector s3 = FloatVector.zero(S);
          int r = r0;
          for (; r + 3 < r1; r += 4) {
            int c = colsAt + r * patch + t;
            int g = gradAt + r * filters + f;
            s0 = FloatVector.fromArray(S, grad, g).fma(FloatVector.broadcast(S, cols[c]), s0);
            s1 = FloatVector.fromArray(S, grad, g + filters).fma(FloatVector.broadcast(S, cols[c + patch]), s1);
            s2 = FloatVector.fromArray(S, grad, g + 2 * filters).fma(FloatVector.broadcast(S, cols[c + 2 * patch]),
                s2);
            s3 = FloatVector.fromArray(S, grad, g + 3 * filters).fma(FloatVector.broadcast(S, cols[c + 3 * patch]),
                s3);
          }
          for (; r < r1; r++) {
            s0 = FloatVector.fromArray(S, grad, gradAt + r * filters + f)
                .fma(FloatVector.broadcast(S, cols[colsAt + r * patch + t]), s0);
          }
          FloatVector.fromArray(S, dKernel, t * filters + f).add(s0.add(s1).add(s2.add(s3)))
              .intoArray(dKernel, t * filters + f);
        }
        for (; f < filters; f++) {
          float sum = 0;
          for (int r = r0; r < r1; r++) {
            sum = Math.fma(cols[colsAt + r * patch + t], grad[gradAt + r * filters + f], sum);
          }
          dKernel[t * filters + f] += sum;
        }
      }
    }
  }

  static void rowTimesNarrowMatrix(float[] x, int xAt, int k, float[] w, int units, float[] out, int outAt) {
    // lane u sums x[t] * w[t, u]; each load takes L values from row t on, so the lanes past `units` add up values of
    // the next rows, which are dropped. Four sums over t modulo 4 keep the multiply-adds independent.
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = FloatVector.zero(S);
    FloatVector s2 = FloatVector.zero(S);
    FloatVector s3 = FloatVector.zero(S);
    int t = 0;
    for (; t + 3 < k && (t + 3) * units + L <= w.length; t += 4) {
      s0 = FloatVector.fromArray(S, w, t * units).fma(FloatVector.broadcast(S, x[xAt + t]), s0);
      s1 = FloatVector.fromArray(S, w, (t + 1) * units).fma(FloatVector.broadcast(S, x[xAt + t + 1]), s1);
      s2 = FloatVector.fromArray(S, w, (t + 2) * units).fma(FloatVector.broadcast(S, x[xAt + t + 2]), s2);
      s3 = FloatVector.fromArray(S, w, (t + 3) * units).fma(FloatVector.broadcast(S, x[xAt + t + 3]), s3);
    }
    FloatVector sum = s0.add(s1).add(s2.add(s3));
    for (int u = 0; u < units; u++) {
      float v = sum.lane(u);
      for (int r = t; r < k; r++) { // the last rows, whose loads would run past the end of w
        v = Math.fma(x[xAt + r], w[r * units + u], v);
      }
      out[outAt + u] = v;
    }
  }

  static void add(float[] src, int srcAt, float[] dst, int dstAt, int length) {
    int i = 0;
    for (; i <= length - L; i += L) {
      FloatVector.fromArray(S, dst, dstAt + i).add(FloatVector.fromArray(S, src, srcAt + i)).intoArray(dst, dstAt + i);
    }
    for (; i < length; i++) {
      dst[dstAt + i] += src[srcAt + i];
    }
  }
}
