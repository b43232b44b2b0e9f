package dev.lamina.processor.check;

import dev.lamina.processor.read.ModelSpec;
import java.util.List;

/** A model that passed every check, with each layer's shapes; the {@code emit} stage writes code from this. */
public record CheckedModel(ModelSpec spec, List<CheckedLayer> layers) {

  public List<Integer> inputShape() {
    return spec.input();
  }

  public List<Integer> outputShape() {
    return layers.get(layers.size() - 1).outputShape();
  }

  public int trainableParams() {
    return layers.stream().mapToInt(CheckedLayer::trainableParams).sum();
  }

  public int nonTrainableParams() {
    return layers.stream().mapToInt(CheckedLayer::nonTrainableParams).sum();
  }
}
