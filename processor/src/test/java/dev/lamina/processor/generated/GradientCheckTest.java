package dev.lamina.processor.generated;

import dev.lamina.runtime.DoubleNetwork;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.generated.models.ActivationsModelDoubleNetwork;
import dev.lamina.processor.generated.models.BatchNormFeaturesModelDoubleNetwork;
import dev.lamina.processor.generated.models.BatchNormImageModelDoubleNetwork;
import dev.lamina.processor.generated.models.BatchNormReluPoolModelDoubleNetwork;
import dev.lamina.processor.generated.models.ConvBatchNormReluPoolModelDoubleNetwork;
import dev.lamina.processor.generated.models.ConvSameModelDoubleNetwork;
import dev.lamina.processor.generated.models.ConvStackModelDoubleNetwork;
import dev.lamina.processor.generated.models.ConvValidModelDoubleNetwork;
import dev.lamina.processor.generated.models.DenseModelDoubleNetwork;
import dev.lamina.processor.generated.models.MaxPoolSameModelDoubleNetwork;
import dev.lamina.processor.generated.models.MaxPoolValidModelDoubleNetwork;
import dev.lamina.processor.generated.models.SeedModelDoubleNetwork;
import dev.lamina.processor.generated.models.SoftmaxDenseModelDoubleNetwork;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every layer kind's generated backward code, alone and in the whole seed model, against central finite
 * differences in double precision: max relative error |a-n|/(|a|+|n|) below 1e-6.
 */
class GradientCheckTest {
  static final double LIMIT = 1e-6;

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("Conv2D valid", (Supplier<DoubleNetwork>) ConvValidModelDoubleNetwork::new, 3),
        Arguments.of("Conv2D same", (Supplier<DoubleNetwork>) ConvSameModelDoubleNetwork::new, 3),
        Arguments.of("Conv2D stack", (Supplier<DoubleNetwork>) ConvStackModelDoubleNetwork::new, 2),
        Arguments.of("BatchNorm images", (Supplier<DoubleNetwork>) BatchNormImageModelDoubleNetwork::new, 4),
        Arguments.of("BatchNorm features", (Supplier<DoubleNetwork>) BatchNormFeaturesModelDoubleNetwork::new, 5),
        Arguments.of("Activation", (Supplier<DoubleNetwork>) ActivationsModelDoubleNetwork::new, 3),
        Arguments.of("MaxPool2D valid", (Supplier<DoubleNetwork>) MaxPoolValidModelDoubleNetwork::new, 2),
        Arguments.of("MaxPool2D same", (Supplier<DoubleNetwork>) MaxPoolSameModelDoubleNetwork::new, 2),
        Arguments.of("BatchNorm+ReLU+MaxPool same",
            (Supplier<DoubleNetwork>) BatchNormReluPoolModelDoubleNetwork::new, 4),
        Arguments.of("Conv+BatchNorm+ReLU+MaxPool (fused)",
            (Supplier<DoubleNetwork>) ConvBatchNormReluPoolModelDoubleNetwork::new, 4),
        Arguments.of("Flatten + Dense", (Supplier<DoubleNetwork>) DenseModelDoubleNetwork::new, 3),
        Arguments.of("Dense softmax", (Supplier<DoubleNetwork>) SoftmaxDenseModelDoubleNetwork::new, 3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void layerGradientsMatchFiniteDifferences(String kind, Supplier<DoubleNetwork> factory, int batch) {
    GradientCheck.Result result = new GradientCheck(factory.get(), batch, 42).run(Integer.MAX_VALUE);
    System.out.printf("gradient check %-30s max relative error %.3e over %d values%n", kind,
        result.maxRelativeError(), result.checked());
    assertTrue(result.checked() > 0);
    assertTrue(result.maxRelativeError() < LIMIT, kind + ": " + result.worst());
  }

  @Test
  void seedModelGradientsMatchFiniteDifferences() {
    // 150 random values of the input and of each parameter (all of the smaller ones). ReLU and max-pool have
    // kinks: with ~43k ReLU inputs, some seeds put one within the step of zero, where a difference quotient is
    // meaningless; seed 4 puts none there.
    GradientCheck.Result result = new GradientCheck(new SeedModelDoubleNetwork(), 2, 4).run(150);
    System.out.printf("gradient check %-30s max relative error %.3e over %d values (worst: %s)%n", "seed model",
        result.maxRelativeError(), result.checked(), result.worst());
    assertTrue(result.maxRelativeError() < LIMIT, "seed model: " + result.worst());
  }

  /** The cross-entropy shortcut: backwardFromLogits(p - y) gives the same gradients as backward(-y / p). */
  @Test
  void logitsShortcutEqualsFullSoftmaxBackward() {
    SeedModelDoubleNetwork net = new SeedModelDoubleNetwork(5);
    int n = 3;
    SplittableRandom random = new SplittableRandom(11);
    double[] x = new double[n * net.sampleSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextDouble();
    }
    int[] labels = {3, 7, 0};
    double[] p = net.forward(x, n, true).clone();
    double[] dOut = new double[p.length];
    double[] dLogits = new double[p.length];
    for (int s = 0; s < n; s++) {
      for (int c = 0; c < 10; c++) {
        int i = s * 10 + c;
        double y = c == labels[s] ? 1 : 0;
        dOut[i] = -y / p[i] / n;
        dLogits[i] = (p[i] - y) / n;
      }
    }
    net.backward(dOut, n);
    double[][] full = cloneAll(net.gradientArrays());
    net.forward(x, n, true);
    net.backwardFromLogits(dLogits, n);
    double[][] shortcut = net.gradientArrays();
    for (int t = 0; t < full.length; t++) {
      assertArrayEquals(full[t], shortcut[t], 1e-12, "trainable parameter " + t);
    }
  }

  private static double[][] cloneAll(double[][] arrays) {
    double[][] copy = new double[arrays.length][];
    for (int i = 0; i < arrays.length; i++) {
      copy[i] = arrays[i].clone();
    }
    return copy;
  }
}
