package dev.lamina.processor.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.generated.models.ConvBatchNormReluPoolModelNetwork;
import dev.lamina.processor.generated.models.ConvStackModelNetwork;
import dev.lamina.processor.generated.models.SeedModelNetwork;
import dev.lamina.runtime.FloatNetwork;
import dev.lamina.runtime.ParameterInfo;
import dev.lamina.runtime.Tensors;
import dev.lamina.runtime.kernels.Simd;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels ({@code Simd}) give the values of the plain code they replace: the same network, built once
 * with the kernels and once without ({@code lamina.simd=false}), yields the same outputs, gradients and moving
 * statistics through a training step and in inference. The element-wise kernels (the fused pool, col2im) do the
 * plain loops' operations in the same order; the product kernels of convolutions with small patches
 * ({@code Simd.smallPatchProduct}, {@code smallPatchKernelGradient}) sum in an order of their own where the plain
 * network calls OpenBLAS, so the values agree to float rounding (within 1e-5 of the largest value of each array),
 * not bit for bit. All three models here have such a convolution. The tests run with
 * {@code --add-modules jdk.incubator.vector} (surefire's argLine); without it the first test fails rather than
 * comparing the plain loops with themselves.
 */
class SimdTest {
  @Test
  void testsRunWithTheVectorApi() {
    assertTrue(Simd.AVAILABLE, "run the tests with --add-modules jdk.incubator.vector");
    assertTrue(Simd.lanes() >= 4, "lanes " + Simd.lanes());
  }

  @Test
  void seedModelSameValuesWithAndWithoutKernels() {
    assertSameValues(() -> new SeedModelNetwork(5), 13, 1e-5);
  }

  /** Odd sizes and channel counts: the kernels' scalar tails, pixels no window covers, a 3x3 pool. */
  @Test
  void oddShapesSameValuesWithAndWithoutKernels() {
    assertSameValues(() -> new ConvBatchNormReluPoolModelNetwork(6), 7, 1e-5);
  }

  @Test
  void convolutionStackSameValuesWithAndWithoutKernels() {
    assertSameValues(() -> new ConvStackModelNetwork(7), 5, 1e-5);
  }

  private static FloatNetwork build(Supplier<? extends FloatNetwork> network, boolean simd) {
    String before = System.getProperty("lamina.simd");
    System.setProperty("lamina.simd", String.valueOf(simd));
    try {
      return network.get();
    } finally {
      if (before == null) {
        System.clearProperty("lamina.simd");
      } else {
        System.setProperty("lamina.simd", before);
      }
    }
  }

  /** Same values, or within {@code tolerance} times the largest magnitude of each array when it is not 0. */
  private static void assertSameValues(Supplier<? extends FloatNetwork> network, int n, double tolerance) {
    FloatNetwork vector = build(network, true);
    FloatNetwork plain = build(network, false);
    float[] x = images(n, vector.inputShape());
    int outputs = vector.outputSize();
    float[] outVector = vector.forward(x, n, true).clone();
    float[] outPlain = plain.forward(x, n, true).clone();
    assertSame(tolerance, "training output", outPlain, outVector, n * outputs);

    float[] dy = new float[n * outputs];
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < dy.length; i++) {
      dy[i] = (float) random.nextDouble(-1, 1);
    }
    vector.backward(dy, n);
    plain.backward(dy, n);
    for (ParameterInfo p : vector.parameters()) {
      if (p.trainable()) {
        assertSame(tolerance, "gradient " + p.name(), Tensors.toFloats(plain.gradient(p.name())),
            Tensors.toFloats(vector.gradient(p.name())), -1);
      } else {
        assertSame(tolerance, p.name(), Tensors.toFloats(plain.parameter(p.name())), Tensors.toFloats(vector.parameter(p.name())),
            -1);
      }
    }
    assertSame(tolerance, "inference output", plain.forward(x, n, false).clone(), vector.forward(x, n, false).clone(),
        n * outputs);
  }

  /** Images whose top-left quarter is blank (all zero), so that pool windows there hold ties. */
  private static float[] images(int n, int[] shape) {
    SplittableRandom random = new SplittableRandom(11);
    int h = shape[0];
    int w = shape[1];
    int c = shape[2];
    float[] x = new float[n * h * w * c];
    for (int i = 0; i < x.length; i++) {
      int pixel = i % (h * w * c) / c;
      boolean blank = pixel / w < h / 2 && pixel % w < w / 2;
      x[i] = blank ? 0 : (float) random.nextDouble();
    }
    return x;
  }

  /**
   * Equal value for value ({@code ==}, so 0 and -0 count as equal), or within {@code tolerance} times the largest
   * magnitude, over {@code length} values or all of them.
   */
  private static void assertSame(double tolerance, String what, float[] expected, float[] actual, int length) {
    int count = length < 0 ? expected.length : length;
    assertTrue(actual.length >= count && expected.length >= count, what + ": sizes");
    double largest = 0;
    for (int i = 0; i < count; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
    }
    double allowed = tolerance * largest;
    int differences = 0;
    int first = -1;
    for (int i = 0; i < count; i++) {
      if (!(expected[i] == actual[i] || Math.abs(expected[i] - actual[i]) <= allowed)) {
        differences++;
        first = first < 0 ? i : first;
      }
    }
    assertEquals(0, differences, what + ": " + differences + " of " + count + " values differ, first at " + first
        + (first < 0 ? "" : " (" + expected[first] + " without the kernels, " + actual[first] + " with)"));
  }
}
