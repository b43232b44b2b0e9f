package dev.lamina.processor.generated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.generated.models.ConvBatchNormReluPoolModelNetwork;
import dev.lamina.processor.generated.models.ConvPaddedLinearModelNetwork;
import dev.lamina.processor.generated.models.ConvStackModelNetwork;
import dev.lamina.processor.generated.models.SeedModelNetwork;
import dev.lamina.runtime.FloatNetwork;
import dev.lamina.runtime.kernels.Workers;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inference of a single sample splits each convolution's pixels and each fused pool's values across all the workers
 * ({@code forwardOneSample}); every sample gets the output it gets in a batch (run sample-parallel), with the Vector
 * API kernels and without. The tests run with {@code -Dlamina.threads=2} (surefire), so the split is exercised on any
 * machine, and wake the workers before each sample (the network splits a sample only across workers that are awake).
 */
class OneSampleInferenceTest {
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void seedModel(boolean simd) {
    assertAloneEqualsBatched(() -> new SeedModelNetwork(3), simd);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void fusedBlocksOnOddSizes(boolean simd) {
    assertAloneEqualsBatched(() -> new ConvBatchNormReluPoolModelNetwork(4), simd);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void convolutionAfterOneWorkerZeroRuns(boolean simd) {
    assertAloneEqualsBatched(() -> new ConvStackModelNetwork(5), simd);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void paddedConvolution(boolean simd) {
    assertAloneEqualsBatched(() -> new ConvPaddedLinearModelNetwork(6), simd);
  }

  private static void assertAloneEqualsBatched(Supplier<? extends FloatNetwork> make, boolean simd) {
    assertTrue(Workers.shared().size() >= 2, "run with -Dlamina.threads=2 or more");
    String before = System.getProperty("lamina.simd");
    System.setProperty("lamina.simd", String.valueOf(simd));
    FloatNetwork net;
    try {
      net = make.get();
    } finally {
      if (before == null) {
        System.clearProperty("lamina.simd");
      } else {
        System.setProperty("lamina.simd", before);
      }
    }
    SplittableRandom random = new SplittableRandom(8);
    int n = 9;
    int size = net.sampleSize();
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble(-1, 1);
    }
    net.forward(x, n, true); // moves BatchNorm's moving statistics away from their initial values
    int outputs = net.outputSize();
    float[] batched = Arrays.copyOf(net.forward(x, n, false), n * outputs);
    double largest = 0;
    for (float v : batched) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertTrue(largest > 0, "outputs all zero");
    for (int s = 0; s < n; s++) {
      float[] one = Arrays.copyOfRange(x, s * size, (s + 1) * size);
      while (!Workers.shared().wakeUp()) {
        Thread.onSpinWait(); // sleeping workers would make the network run the sample on one thread
      }
      float[] alone = Arrays.copyOf(net.forward(one, 1, false), outputs);
      for (int o = 0; o < outputs; o++) {
        assertEquals(batched[s * outputs + o], alone[o], 1e-5 * largest, "sample " + s + ", output " + o);
      }
    }
  }
}
