package dev.lamina.runtime.kernels;

/**
 * The order in which a convolution writes its output pixels when a non-overlapping max-pool reads them: window
 * position first. For a {@code ph x pw} pool, the pixels at position {@code (i, j)} of every window come as one
 * contiguous block, in the pooled output's own row-major order; then the pixels no window covers (the last rows or
 * columns of odd sizes), row by row. Pooling is then an element-wise maximum of {@code ph * pw} contiguous blocks,
 * loops the JIT vectorises, instead of a strided walk over short channel rows.
 */
public final class WindowOrder {
  private WindowOrder() {}

  /**
   * For each pixel {@code h * width + w} of a {@code height x width} image, its row in window-position order for a
   * {@code ph x pw} pool with stride equal to its size and no padding.
   */
  public static int[] rowOfPixel(int height, int width, int ph, int pw) {
    int pooledH = height / ph;
    int pooledW = width / pw;
    int[] row = new int[height * width];
    int next = 0;
    for (int i = 0; i < ph; i++) {
      for (int j = 0; j < pw; j++) {
        for (int h = 0; h < pooledH; h++) {
          for (int w = 0; w < pooledW; w++) {
            row[(h * ph + i) * width + w * pw + j] = next++;
          }
        }
      }
    }
    for (int h = 0; h < height; h++) {
      for (int w = 0; w < width; w++) {
        if (h >= pooledH * ph || w >= pooledW * pw) {
          row[h * width + w] = next++;
        }
      }
    }
    return row;
  }
}
