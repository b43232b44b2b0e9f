package dev.lamina.runtime.kernels;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A convolution's im2col matrix, kept off-heap where OpenBLAS reads it: im2col writes its rows here directly, so
 * {@link Gemm} does not copy this, the largest operand of a convolution's products (staging it cost a quarter of
 * their time). One per worker; not thread-safe.
 */
public final class Columns {
  final FloatBuffer buffer;

  public Columns(int floats) {
    buffer = ByteBuffer.allocateDirect(Math.max(floats, 1) * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /** One matrix of {@code floats} values per worker. */
  public static Columns[] perWorker(int workers, int floats) {
    Columns[] columns = new Columns[workers];
    for (int w = 0; w < workers; w++) {
      columns[w] = new Columns(floats);
    }
    return columns;
  }

  /** Copies {@code length} values of {@code source} from {@code offset} to position {@code at} of {@code columns}. */
  public static void put(Columns columns, int at, float[] source, int offset, int length) {
    columns.buffer.put(at, source, offset, length);
  }

  /** The same into a heap array (im2col of short runs, which the products then stage). */
  public static void put(float[] columns, int at, float[] source, int offset, int length) {
    System.arraycopy(source, offset, columns, at, length);
  }

  /** Sets {@code length} values from position {@code at} to zero. */
  public static void zero(Columns columns, int at, int length) {
    for (int i = at; i < at + length; i++) {
      columns.buffer.put(i, 0f);
    }
  }

  public static void zero(float[] columns, int at, int length) {
    java.util.Arrays.fill(columns, at, at + length, 0f);
  }

  /** The values {@code [at, at + length)}, copied to a new array (for tests and the fallback without OpenBLAS). */
  public float[] toArray(int at, int length) {
    float[] values = new float[length];
    buffer.get(at, values, 0, length);
    return values;
  }

  /** The buffer positioned at {@code at}, as JavaCPP reads it. */
  FloatBuffer at(int at) {
    return buffer.position(at);
  }
}
