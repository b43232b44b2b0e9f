package dev.lamina.processor.check;

import dev.lamina.processor.read.LayerSpec;
import java.util.List;

/**
 * A layer whose shapes are known: the input and output shape of one sample (channels last) and its parameter counts.
 */
public record CheckedLayer(
    LayerSpec spec, List<Integer> inputShape, List<Integer> outputShape, int trainableParams, int nonTrainableParams) {

  public String name() {
    return spec.name();
  }

  public int inputSize() {
    return product(inputShape);
  }

  public int outputSize() {
    return product(outputShape);
  }

  public int params() {
    return trainableParams + nonTrainableParams;
  }

  static int product(List<Integer> shape) {
    int p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }
}
