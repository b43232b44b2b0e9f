package dev.lamina.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves values between ND4J arrays and a generated network's plain arrays, and checks what comes in: a wrong shape
 * is an {@link IllegalArgumentException} that says what was expected and what came, not an error deep in ND4J.
 */
public final class Tensors {
  private Tensors() {}

  /** {@code (None, 28, 28, 1)}. */
  public static String describe(int[] sampleShape) {
    return Arrays.stream(sampleShape).mapToObj(String::valueOf).collect(Collectors.joining(", ", "(None, ", ")"));
  }

  private static String describe(long[] shape) {
    return Arrays.stream(shape).mapToObj(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
  }

  /** The batch size of {@code batch}, after checking it is {@code [n, ...sampleShape]} with {@code n >= 1}. */
  public static int batchSize(String model, INDArray batch, int[] sampleShape) {
    if (batch == null) {
      throw new IllegalArgumentException(model + ": expected a batch of shape " + describe(sampleShape) + ", got null");
    }
    long[] shape = batch.shape();
    boolean ok = shape.length == sampleShape.length + 1 && shape[0] >= 1;
    for (int i = 0; ok && i < sampleShape.length; i++) {
      ok = shape[i + 1] == sampleShape[i];
    }
    if (!ok) {
      throw new IllegalArgumentException(
          model + ": expected a batch of shape " + describe(sampleShape) + ", got " + describe(shape));
    }
    if (shape[0] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(model + ": batch of " + shape[0] + " samples is too large");
    }
    return (int) shape[0];
  }

  /** Checks that a plain-array batch holds {@code n} samples of {@code sampleSize} values. */
  public static void checkBatch(String model, int length, int n, int sampleSize) {
    if (n < 1) {
      throw new IllegalArgumentException(model + ": batch size must be positive. Received: n=" + n);
    }
    if ((long) n * sampleSize > length) {
      throw new IllegalArgumentException(model + ": a batch of " + n + " samples needs " + (long) n * sampleSize
          + " values (" + sampleSize + " per sample), but the array has " + length);
    }
  }

  /** The values of {@code array} in row-major order, as floats (a copy). */
  public static float[] toFloats(INDArray array) {
    return array.castTo(DataType.FLOAT).dup('c').data().asFloat();
  }

  /** The values of {@code array} in row-major order, as doubles (a copy). */
  public static double[] toDoubles(INDArray array) {
    return array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

  private static long[] batchShape(int n, int[] sampleShape) {
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = n;
    for (int i = 0; i < sampleShape.length; i++) {
      shape[i + 1] = sampleShape[i];
    }
    return shape;
  }

  /** A new {@code [n, ...sampleShape]} float array from the first values of {@code data}. */
  public static INDArray create(float[] data, int n, int[] sampleShape) {
    long[] shape = batchShape(n, sampleShape);
    return Nd4j.create(Arrays.copyOf(data, (int) product(shape)), shape, 'c');
  }

  /** A new {@code [n, ...sampleShape]} double array from the first values of {@code data}. */
  public static INDArray create(double[] data, int n, int[] sampleShape) {
    long[] shape = batchShape(n, sampleShape);
    return Nd4j.create(Arrays.copyOf(data, (int) product(shape)), shape, 'c');
  }

  /** A copy of a parameter's values, in its shape. */
  public static INDArray create(float[] data, ParameterInfo info) {
    return Nd4j.create(data.clone(), info.shapeArray(), 'c');
  }

  /** A copy of a parameter's values, in its shape. */
  public static INDArray create(double[] data, ParameterInfo info) {
    return Nd4j.create(data.clone(), info.shapeArray(), 'c');
  }

  private static void checkShape(INDArray value, String model, ParameterInfo info) {
    if (value == null || !Arrays.equals(value.shape(), info.shapeArray())) {
      throw new IllegalArgumentException(model + ": parameter " + info.name() + " has shape "
          + describe(info.shapeArray()) + ", got " + (value == null ? "null" : describe(value.shape())));
    }
  }

  /** Copies {@code value} into a parameter's array after checking its shape. */
  public static void copyInto(INDArray value, float[] target, String model, ParameterInfo info) {
    checkShape(value, model, info);
    System.arraycopy(toFloats(value), 0, target, 0, target.length);
  }

  /** Copies {@code value} into a parameter's array after checking its shape. */
  public static void copyInto(INDArray value, double[] target, String model, ParameterInfo info) {
    checkShape(value, model, info);
    System.arraycopy(toDoubles(value), 0, target, 0, target.length);
  }

  /** The parameter named {@code name}, or an exception listing the names there are. */
  public static ParameterInfo find(String model, String name, List<ParameterInfo> parameters) {
    for (ParameterInfo p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw unknownParameter(model, name, parameters);
  }

  public static IllegalArgumentException unknownParameter(String model, String name, List<ParameterInfo> parameters) {
    return new IllegalArgumentException(model + " has no parameter \"" + name + "\"; it has "
        + parameters.stream().map(ParameterInfo::name).collect(Collectors.joining(", ")));
  }

  public static IllegalArgumentException noGradient(String model, String name, List<ParameterInfo> parameters) {
    ParameterInfo p = find(model, name, parameters);
    return new IllegalArgumentException(model + ": parameter " + p.name() + " is not trainable and has no gradient");
  }

  private static long product(long[] shape) {
    long p = 1;
    for (long d : shape) {
      p *= d;
    }
    return p;
  }
}
