package dev.lamina.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Products on an off-heap im2col matrix give what the same products on a heap copy give. */
class ColumnsTest {
  private static float[] random(int n, SplittableRandom random) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextDouble(-1, 1);
    }
    return values;
  }

  @Test
  void productsReadTheOffHeapMatrixAtItsOffset() {
    SplittableRandom random = new SplittableRandom(3);
    int m = 37;
    int n = 11;
    int k = 29;
    int offset = 5;
    float[] a = random(offset + m * k, random);
    Columns columns = new Columns(offset + m * k);
    Columns.put(columns, 0, a, 0, a.length);
    float[] b = random(k * n, random);
    float[] expected = new float[m * n];
    float[] actual = new float[m * n];
    Gemm.nn(m, n, k, a, offset, b, 0, expected, 0, false);
    Gemm.nn(m, n, k, columns, offset, b, 0, actual, 0, false);
    assertArrayEquals(expected, actual, 1e-6f);

    // tn: A stored [k, m]; accumulating onto what is there
    float[] bt = random(m * n, random);
    float[] expectedT = random(k * n, random);
    float[] actualT = expectedT.clone();
    Gemm.tn(k, n, m, a, offset, bt, 0, expectedT, 0, true);
    Gemm.tn(k, n, m, columns, offset, bt, 0, actualT, 0, true);
    assertArrayEquals(expectedT, actualT, 1e-6f);
  }

  @Test
  void zeroClearsOnlyTheRange() {
    Columns columns = new Columns(8);
    Columns.put(columns, 0, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);
    Columns.zero(columns, 2, 3);
    assertArrayEquals(new float[] {1, 2, 0, 0, 0, 6, 7, 8}, columns.toArray(0, 8));
  }
}
