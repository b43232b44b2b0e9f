package dev.lamina.runtime.kernels;

/**
 * Matrix products on row-major arrays, the three shapes generated code needs:
 *
 * <ul>
 *   <li>{@code nn}: {@code C[m, n] = A[m, k] x B[k, n]}
 *   <li>{@code tn}: {@code C[m, n] = A^T x B}, with {@code A} stored {@code [k, m]}
 *   <li>{@code nt}: {@code C[m, n] = A x B^T}, with {@code B} stored {@code [n, k]}
 * </ul>
 *
 * Each matrix starts at its offset and is dense (its leading dimension is its column count). With {@code accumulate}
 * the product is added to {@code C}; otherwise it replaces it.
 *
 * <p>Float products go to OpenBLAS's {@code cblas_sgemm} (the build ND4J ships, through JavaCPP); double products (used by gradient checks) and the fallback when OpenBLAS cannot load are plain Java
 * loops here.
 */
public final class Gemm {
  private Gemm() {}

  public static void nn(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (Blas.AVAILABLE) {
      Blas.sgemm(false, false, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      javaNn(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }
  }

  public static void tn(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (Blas.AVAILABLE) {
      Blas.sgemm(true, false, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      javaTn(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }
  }

  public static void nt(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (Blas.AVAILABLE) {
      Blas.sgemm(false, true, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      javaNt(m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    }
  }

  /** {@link #nn}, with A an off-heap im2col matrix. */
  public static void nn(
      int m, int n, int k, Columns a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (Blas.AVAILABLE) {
      Blas.sgemm(false, false, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      javaNn(m, n, k, a.toArray(aOff, m * k), 0, b, bOff, c, cOff, accumulate);
    }
  }

  /** {@link #tn}, with A an off-heap im2col matrix. */
  public static void tn(
      int m, int n, int k, Columns a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (Blas.AVAILABLE) {
      Blas.sgemm(true, false, m, n, k, a, aOff, b, bOff, c, cOff, accumulate);
    } else {
      javaTn(m, n, k, a.toArray(aOff, m * k), 0, b, bOff, c, cOff, accumulate);
    }
  }

  public static void nn(int m, int n, int k, DoubleColumns a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    nn(m, n, k, a.values, aOff, b, bOff, c, cOff, accumulate);
  }

  public static void tn(int m, int n, int k, DoubleColumns a, int aOff, double[] b, int bOff, double[] c, int cOff,
      boolean accumulate) {
    tn(m, n, k, a.values, aOff, b, bOff, c, cOff, accumulate);
  }

  static void javaNn(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    for (int i = 0; i < m; i++) {
      int ci = cOff + i * n;
      int ai = aOff + i * k;
      for (int p = 0; p < k; p++) {
        float av = a[ai + p];
        if (av == 0f) {
          continue;
        }
        int bp = bOff + p * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += av * b[bp + j];
        }
      }
    }
  }

  static void javaTn(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
    }
    for (int p = 0; p < k; p++) {
      int ap = aOff + p * m;
      int bp = bOff + p * n;
      for (int i = 0; i < m; i++) {
        float av = a[ap + i];
        if (av == 0f) {
          continue;
        }
        int ci = cOff + i * n;
        for (int j = 0; j < n; j++) {
          c[ci + j] += av * b[bp + j];
        }
      }
    }
  }

  static void javaNt(
      int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      int ai = aOff + i * k;
      int ci = cOff + i * n;
      for (int j = 0; j < n; j++) {
        int bj = bOff + j * k;
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int p = 0;
        for (; p + 3 < k; p += 4) {
          s0 += a[ai + p] * b[bj + p];
          s1 += a[ai + p + 1] * b[bj + p + 1];
          s2 += a[ai + p + 2] * b[bj + p + 2];
          s3 += a[ai + p + 3] * b[bj + p + 3];
        }
        for (; p < k; p++) {
          s0 += a[ai + p] * b[bj + p];
        }
        float s = (s0 + s1) + (s2 + s3);
        c[ci + j] = accumulate ? c[ci + j] + s : s;
      }
    }
  }

  public static void nn(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0d);
    }
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double av = a[aOff + i * k + p];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += av * b[bOff + p * n + j];
        }
      }
    }
  }

  public static void tn(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, boolean accumulate) {
    if (!accumulate) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0d);
    }
    for (int p = 0; p < k; p++) {
      for (int i = 0; i < m; i++) {
        double av = a[aOff + p * m + i];
        for (int j = 0; j < n; j++) {
          c[cOff + i * n + j] += av * b[bOff + p * n + j];
        }
      }
    }
  }

  public static void nt(
      int m, int n, int k, double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[aOff + i * k + p] * b[bOff + j * k + p];
        }
        c[cOff + i * n + j] = accumulate ? c[cOff + i * n + j] + s : s;
      }
    }
  }
}
