package dev.lamina.processor.read;

import dev.lamina.annotations.Compile;
import java.util.List;

/** A model's training defaults, from {@code @Compile} (or Keras's defaults when the class has none). */
public record CompileSpec(
    Compile.OptimizerType optimizer,
    double learningRate,
    double momentum,
    boolean nesterov,
    Compile.LossType loss,
    List<Compile.MetricType> metrics,
    int batchSize,
    long seed) {

  public static CompileSpec of(Compile c) {
    if (c == null) {
      return new CompileSpec(Compile.OptimizerType.ADAM, 1e-3, 0, false,
          Compile.LossType.SPARSE_CATEGORICAL_CROSSENTROPY, List.of(Compile.MetricType.ACCURACY), 32, 0);
    }
    double lr = c.learningRate() >= 0 ? c.learningRate() : c.optimizer() == Compile.OptimizerType.ADAM ? 1e-3 : 1e-2;
    return new CompileSpec(c.optimizer(), lr, c.momentum(), c.nesterov(), c.loss(), List.of(c.metrics()),
        c.batchSize(), c.seed());
  }
}
