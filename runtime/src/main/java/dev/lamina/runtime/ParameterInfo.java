package dev.lamina.runtime;

import java.util.List;

/**
 * A parameter of a network: its name ({@code conv1.kernel}), its shape in Keras's layout and whether training
 * changes it (BatchNorm's moving statistics are not trainable).
 */
public record ParameterInfo(String name, List<Integer> shape, boolean trainable) {
  public ParameterInfo {
    shape = List.copyOf(shape);
  }

  /** Number of values. */
  public int size() {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    return s;
  }

  public long[] shapeArray() {
    return shape.stream().mapToLong(Integer::longValue).toArray();
  }
}
