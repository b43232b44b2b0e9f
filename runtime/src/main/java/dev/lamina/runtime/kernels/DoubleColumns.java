package dev.lamina.runtime.kernels;

/**
 * {@link Columns} for the double-precision networks that gradient checks use: a heap array, the same calls.
 */
public final class DoubleColumns {
  final double[] values;

  public DoubleColumns(int size) {
    values = new double[size];
  }

  public static DoubleColumns[] perWorker(int workers, int size) {
    DoubleColumns[] columns = new DoubleColumns[workers];
    for (int w = 0; w < workers; w++) {
      columns[w] = new DoubleColumns(size);
    }
    return columns;
  }

  public static void put(DoubleColumns columns, int at, double[] source, int offset, int length) {
    System.arraycopy(source, offset, columns.values, at, length);
  }

  public static void put(double[] columns, int at, double[] source, int offset, int length) {
    System.arraycopy(source, offset, columns, at, length);
  }

  public static void zero(DoubleColumns columns, int at, int length) {
    java.util.Arrays.fill(columns.values, at, at + length, 0);
  }

  public static void zero(double[] columns, int at, int length) {
    java.util.Arrays.fill(columns, at, at + length, 0);
  }
}
