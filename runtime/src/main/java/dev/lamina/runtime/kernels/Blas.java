package dev.lamina.runtime.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * {@code cblas_sgemm} for heap float arrays. The operands are staged in direct (off-heap) buffers, copying exactly
 * the matrices involved: handing heap arrays to JNI would copy each whole array in and out on every call. The
 * staging buffers belong to the calling thread and only grow, so steady-state training allocates nothing.
 * OpenBLAS runs single-threaded: Lamina owns the threads, never both.
 */
final class Blas {
  static final boolean AVAILABLE = load();

  private static final ThreadLocal<Staging> STAGING = ThreadLocal.withInitial(Staging::new);

  /** A thread's three staging buffers, for A, B and C. */
  private static final class Staging {
    FloatBuffer a = allocate(0);
    FloatBuffer b = allocate(0);
    FloatBuffer c = allocate(0);

    static FloatBuffer allocate(int floats) {
      return ByteBuffer.allocateDirect(Math.max(floats, 1024) * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer();
    }

    static FloatBuffer fit(FloatBuffer buffer, int floats) {
      return buffer.capacity() >= floats ? buffer : allocate(floats + floats / 4);
    }
  }

  private Blas() {}

  private static boolean load() {
    if (Boolean.getBoolean("lamina.noBlas")) {
      return false;
    }
    try {
      openblas_nolapack.blas_set_num_threads(1);
      return true;
    } catch (Throwable e) {
      System.err.println("Lamina: OpenBLAS did not load (" + e + "); using plain Java matrix products, which are slower");
      return false;
    }
  }

  private static FloatBuffer load(FloatBuffer target, float[] source, int offset, int length) {
    target.clear();
    target.put(source, offset, length);
    return target.position(0);
  }

  /** As {@link #sgemm(boolean, boolean, int, int, int, float[], int, float[], int, float[], int, boolean)}, A already off-heap. */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k, Columns a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    Staging s = STAGING.get();
    s.b = Staging.fit(s.b, k * n);
    s.c = Staging.fit(s.c, m * n);
    load(s.b, b, bOff, k * n);
    if (accumulate) {
      load(s.c, c, cOff, m * n);
    }
    s.c.position(0);
    call(transA, transB, m, n, k, a.at(aOff), s.b, s.c, accumulate);
    s.c.position(0);
    s.c.get(c, cOff, m * n);
  }

  private static void call(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, FloatBuffer b,
      FloatBuffer c, boolean accumulate) {
    openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
        transA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        transB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
        m, n, k, 1f, a, transA ? m : k, b, transB ? k : n, accumulate ? 1f : 0f, c, n);
  }

  /** Row-major dense sgemm: C[m, n] (+)= op(A) op(B), with A {@code m x k} (or {@code k x m} transposed). */
  static void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
      float[] c, int cOff, boolean accumulate) {
    Staging s = STAGING.get();
    s.a = Staging.fit(s.a, m * k);
    s.b = Staging.fit(s.b, k * n);
    s.c = Staging.fit(s.c, m * n);
    load(s.a, a, aOff, m * k);
    load(s.b, b, bOff, k * n);
    if (accumulate) {
      load(s.c, c, cOff, m * n);
    }
    s.c.position(0);
    call(transA, transB, m, n, k, s.a, s.b, s.c, accumulate);
    s.c.position(0);
    s.c.get(c, cOff, m * n);
  }
}
