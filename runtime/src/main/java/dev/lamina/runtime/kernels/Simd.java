package dev.lamina.runtime.kernels;

/**
 * Element-wise kernels of generated networks written with the JDK's Vector API ({@code jdk.incubator.vector}), for
 * the loops the JIT does not vectorise on its own: loops that read one array at one offset and another at a
 * different one (the JIT cannot rule out that they overlap), and choices per value (a mask here, arithmetic tricks in
 * the plain Java versions).
 *
 * <p>The Vector API is an incubator module in JDK 17 to 25: it is there only when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}. Without it {@link #AVAILABLE} is false and generated networks run their
 * plain Java loops instead, which give exactly the same values (the same float operations in the same order), more
 * slowly. The system property {@code lamina.simd=false} turns the kernels off for networks created after it is set.
 *
 * <p>Each kernel is documented by the plain loop it replaces. Per-channel values come as {@code rep}-long arrays
 * ({@code rep} a multiple of the channel count) so that value {@code j} of every stretch of {@code rep} values uses
 * entry {@code j}. The vector code lives in {@code VectorKernels}, loaded only when the module is present. The
 * kernels are only to be called when {@link #enabled()} said yes.
 */
public final class Simd {
  /** True when the JVM has the Vector API module. */
  public static final boolean AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && vectorsWork();

  private Simd() {}

  /**
   * Whether a network created now uses these kernels: {@link #AVAILABLE}, unless {@code lamina.simd=false}, and
   * compiled. The first call that gets that far warms the kernels up (see {@link WarmUp}); if they are still not
   * compiled after that, it says so on standard error and the answer is no.
   */
  public static boolean enabled() {
    return AVAILABLE && !"false".equals(System.getProperty("lamina.simd")) && WarmUp.COMPILED;
  }

  /**
   * Runs every kernel on small arrays until the JIT has compiled it, once per JVM (about 1.3 s). Until C2 compiles
   * Vector API code, each vector operation allocates its result on the heap: left to the first training steps, that
   * is about 850 MB of garbage in the first second on the seed model, and the garbage collector grows the young
   * generation to match, so the process keeps some 270 MiB more resident memory (peak RSS training Fashion-MNIST:
   * 731 MiB, against 459 MiB with the plain loops). Warmed up here it is about 65 MB, and the peak 475-520 MiB.
   */
  private static final class WarmUp {
    /** Calls of the kernels that warming up took, for tests; -1 when one never stopped allocating. */
    static final int CALLS = VectorKernels.warmUp();
    /** False when a kernel still allocated after warming up: then the plain loops are faster. */
    static final boolean COMPILED = compiled();

    private static boolean compiled() {
      if (CALLS < 0) {
        System.err.println("Lamina: this JVM does not compile the Vector API kernels to vector instructions on this"
            + " CPU (they still allocate after warming up); using plain loops");
      }
      return CALLS >= 0;
    }
  }

  /**
   * How many kernel calls warming up took, over all kernels; -1 if one never stopped allocating, 0 without the Vector
   * API.
   */
  static int warmUpCalls() {
    return AVAILABLE ? WarmUp.CALLS : 0;
  }

  /** Values per vector, or 0 without the Vector API. */
  public static int lanes() {
    return AVAILABLE ? VectorKernels.lanes() : 0;
  }

  private static boolean vectorsWork() {
    try {
      return VectorKernels.lanes() > 1;
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * BatchNorm statistics over {@code x[from, to)}, stretch by stretch of {@code rep} values:
   * {@code d = x[r + j] - k[j]; sum[j] += d; squares[j] += d * d}.
   */
  public static void shiftedSums(float[] x, int from, int to, int rep, float[] k, float[] sum, float[] squares) {
    VectorKernels.shiftedSums(x, from, to, rep, k, sum, squares);
  }

  /**
   * One sample of a fused BatchNorm -> ReLU -> MaxPool2D over a window-ordered input: for each of the
   * {@code pooled} outputs, the maximum over the {@code windows} blocks of {@code v = (x - mean) * scale + beta}
   * ({@code x[at + p * pooled + i]} for block {@code p}), then ReLU, into {@code out[outAt + i]}; in training also
   * the input at the first block holding the maximum into {@code picked[pickedAt + i]}.
   */
  public static void batchNormReluPool(boolean training, float[] x, int at, int pooled, int windows, int rep,
      float[] mean, float[] scale, float[] beta, float[] out, int outAt, float[] picked, int pickedAt) {
    VectorKernels.batchNormReluPool(training, x, at, 0, pooled, pooled, windows, rep, mean, scale, beta, out, outAt,
        picked, pickedAt);
  }

  /**
   * {@link #batchNormReluPool(boolean, float[], int, int, int, int, float[], float[], float[], float[], int, float[],
   * int)} for the pooled outputs {@code [from, to)} only ({@code from} a multiple of {@code rep}): one worker's share
   * of a single sample.
   */
  public static void batchNormReluPool(boolean training, float[] x, int at, int from, int to, int pooled, int windows,
      int rep, float[] mean, float[] scale, float[] beta, float[] out, int outAt, float[] picked, int pickedAt) {
    VectorKernels.batchNormReluPool(training, x, at, from, to, pooled, windows, rep, mean, scale, beta, out, outAt,
        picked, pickedAt);
  }

  /**
   * BatchNorm's gradient sums at the pooled maxima, over {@code [from, to)} of the pooled output {@code y}, its
   * gradient {@code dy} and the BatchNorm inputs {@code selected} at the maxima: where {@code y > 0},
   * {@code dBeta[j] += dy} and {@code dGamma[j] += dy * ((selected - mean[j]) * invStd[j])}.
   */
  public static void gradientSums(float[] y, float[] dy, float[] selected, int from, int to, int rep, float[] mean,
      float[] invStd, float[] dBeta, float[] dGamma) {
    VectorKernels.gradientSums(y, dy, selected, from, to, rep, mean, invStd, dBeta, dGamma);
  }

  /**
   * One sample of the fused block's input gradient: {@code dx = (x - mean) * alpha + beta0} over
   * {@code [at, at + inSize)}, plus {@code dy * scale} at the first block whose {@code (x - mean) * scale + beta}
   * equals the pooled output {@code y} (where {@code y > 0}). {@code dx} is written at the offsets of {@code x}.
   */
  public static void batchNormReluPoolBackward(float[] x, int at, int inSize, float[] y, float[] dy, int yAt,
      int pooled, int windows, int rep, float[] mean, float[] scale, float[] beta, float[] alpha, float[] beta0,
      float[] dx) {
    VectorKernels.batchNormReluPoolBackward(x, at, inSize, y, dy, yAt, pooled, windows, rep, mean, scale, beta, alpha,
        beta0, dx);
  }

  /**
   * A matrix product with a short inner dimension, where OpenBLAS is slow (a first convolution's patches of a few
   * pixels): {@code out[r, f] = sum over t of cols[r, t] * kernel[t, f]} for {@code r < rows}, {@code f < filters},
   * {@code t < patch}, all row-major and dense from their offsets; each sum starts with the product at {@code t = 0}
   * and adds the next ones in order with fused multiply-adds, so values agree with OpenBLAS's to float rounding (not
   * bit for bit: OpenBLAS's order differs for some values).
   */
  public static void smallPatchProduct(int rows, int patch, int filters, float[] cols, int colsAt, float[] kernel,
      float[] out, int outAt) {
    VectorKernels.smallPatchProduct(rows, patch, filters, cols, colsAt, kernel, out, outAt);
  }

  /**
   * The kernel gradient of a {@link #smallPatchProduct}: {@code dKernel[t, f] (+)= sum over r < rows of cols[r, t] *
   * grad[r, f]}, added to {@code dKernel} with {@code accumulate}, else replacing it. Sums in an order of its own
   * (64 rows at a time, four interleaved partial sums), so values agree with OpenBLAS's to float rounding.
   */
  public static void smallPatchKernelGradient(int rows, int patch, int filters, float[] cols, int colsAt,
      float[] grad, int gradAt, float[] dKernel, boolean accumulate) {
    VectorKernels.smallPatchKernelGradient(rows, patch, filters, cols, colsAt, grad, gradAt, dKernel, accumulate);
  }

  /**
   * One row times a matrix with at most {@link #lanes()} columns (a dense layer's output for one sample, where
   * OpenBLAS's call and copies cost more than the arithmetic): {@code out[outAt + u] = sum over t < k of
   * x[xAt + t] * w[t * units + u]} for {@code u < units}, {@code w} holding exactly {@code k * units} values. Sums in
   * an order of its own (four interleaved partial sums), so values agree with OpenBLAS's to float rounding.
   */
  public static void rowTimesNarrowMatrix(float[] x, int xAt, int k, float[] w, int units, float[] out, int outAt) {
    VectorKernels.rowTimesNarrowMatrix(x, xAt, k, w, units, out, outAt);
  }

  /** {@code dst[dstAt + i] += src[srcAt + i]} for {@code i < length} (col2im). */
  public static void add(float[] src, int srcAt, float[] dst, int dstAt, int length) {
    VectorKernels.add(src, srcAt, dst, dstAt, length);
  }

}
