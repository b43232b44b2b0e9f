package dev.lamina.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API product kernels against the products summed in double precision: {@link Simd#smallPatchProduct} on
 * shapes that take every path (rows in fours and the rows after them, filters in whole vectors and the filters after
 * them, offsets not zero) and its kernel gradient {@link Simd#smallPatchKernelGradient} (more than one block of 64
 * rows, replacing and accumulating), {@link Simd#rowTimesNarrowMatrix} with as many units as a vector holds and fewer.
 */
class ProductKernelsTest {
  @Test
  void matchesTheProductInDoublePrecision() {
    assertTrue(Simd.enabled(), "run the tests with --add-modules jdk.incubator.vector");
    int lanes = Simd.lanes();
    for (int[] shape : new int[][] {{7, 9, 2 * lanes + 3}, {4, 1, lanes}, {13, 25, 3}, {1, 32, 2 * lanes}}) {
      int rows = shape[0];
      int patch = shape[1];
      int filters = shape[2];
      SplittableRandom random = new SplittableRandom(rows * 31 + patch);
      float[] cols = new float[5 + rows * patch];
      float[] kernel = new float[patch * filters];
      float[] out = new float[3 + rows * filters + 2];
      for (int i = 0; i < cols.length; i++) {
        cols[i] = (float) random.nextDouble(-1, 1);
      }
      for (int i = 0; i < kernel.length; i++) {
        kernel[i] = (float) random.nextDouble(-1, 1);
      }
      out[out.length - 1] = 42;
      Simd.smallPatchProduct(rows, patch, filters, cols, 5, kernel, out, 3);
      for (int r = 0; r < rows; r++) {
        for (int f = 0; f < filters; f++) {
          double sum = 0;
          for (int t = 0; t < patch; t++) {
            sum += (double) cols[5 + r * patch + t] * kernel[t * filters + f];
          }
          assertEquals(sum, out[3 + r * filters + f], 1e-5,
              "rows " + rows + " patch " + patch + " filters " + filters + ": out[" + r + ", " + f + "]");
        }
      }
      assertEquals(0, out[0]);
      assertEquals(42, out[out.length - 1], "wrote past its rows");
    }
  }

  @Test
  void rowTimesNarrowMatrixMatchesTheProductInDoublePrecision() {
    assertTrue(Simd.enabled(), "run the tests with --add-modules jdk.incubator.vector");
    for (int[] shape : new int[][] {{1600, 10}, {7, Simd.lanes()}, {3, 1}, {33, 5}}) {
      int k = shape[0];
      int units = shape[1];
      SplittableRandom random = new SplittableRandom(k * 7 + units);
      float[] x = new float[2 + k];
      float[] w = new float[k * units];
      float[] out = new float[1 + units + 1];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextDouble(-1, 1);
      }
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextDouble(-1, 1);
      }
      out[out.length - 1] = 42;
      Simd.rowTimesNarrowMatrix(x, 2, k, w, units, out, 1);
      for (int u = 0; u < units; u++) {
        double sum = 0;
        for (int t = 0; t < k; t++) {
          sum += (double) x[2 + t] * w[t * units + u];
        }
        assertEquals(sum, out[1 + u], 1e-5 * Math.sqrt(k), "k " + k + " units " + units + ": out[" + u + "]");
      }
      assertEquals(0, out[0]);
      assertEquals(42, out[out.length - 1], "wrote past its units");
    }
  }

  @Test
  void smallPatchKernelGradientMatchesTheSumInDoublePrecision() {
    assertTrue(Simd.enabled(), "run the tests with --add-modules jdk.incubator.vector");
    int lanes = Simd.lanes();
    for (int[] shape : new int[][] {{150, 9, 2 * lanes + 3}, {3, 4, lanes}, {65, 18, 3}}) {
      int rows = shape[0];
      int patch = shape[1];
      int filters = shape[2];
      SplittableRandom random = new SplittableRandom(rows * 13 + filters);
      float[] cols = new float[4 + rows * patch];
      float[] grad = new float[6 + rows * filters];
      for (int i = 0; i < cols.length; i++) {
        cols[i] = (float) random.nextDouble(-1, 1);
      }
      for (int i = 0; i < grad.length; i++) {
        grad[i] = (float) random.nextDouble(-1, 1);
      }
      for (boolean accumulate : new boolean[] {false, true}) {
        float[] dKernel = new float[patch * filters];
        java.util.Arrays.fill(dKernel, 0.5f);
        Simd.smallPatchKernelGradient(rows, patch, filters, cols, 4, grad, 6, dKernel, accumulate);
        for (int t = 0; t < patch; t++) {
          for (int f = 0; f < filters; f++) {
            double sum = accumulate ? 0.5 : 0;
            for (int r = 0; r < rows; r++) {
              sum += (double) cols[4 + r * patch + t] * grad[6 + r * filters + f];
            }
            assertEquals(sum, dKernel[t * filters + f], 1e-5 * Math.sqrt(rows), "rows " + rows + " patch " + patch
                + " filters " + filters + " accumulate " + accumulate + ": dKernel[" + t + ", " + f + "]");
          }
        }
      }
    }
  }
}
