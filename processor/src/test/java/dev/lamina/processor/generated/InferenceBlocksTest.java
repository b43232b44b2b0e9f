package dev.lamina.processor.generated;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.generated.models.SeedModelNetwork;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference runs each worker's samples through all layers a block at a time: a batch larger than a block, of an
 * uneven size, gives every sample the output it gets alone.
 */
class InferenceBlocksTest {
  @Test
  void batchedInferenceEqualsOneSampleAtATime() {
    SeedModelNetwork net = new SeedModelNetwork(3);
    SplittableRandom random = new SplittableRandom(8);
    for (String bias : new String[] {"conv1.bias", "conv2.bias"}) {
      float[] values = new float[bias.startsWith("conv1") ? 32 : 64];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextDouble(-0.2, 0.2);
      }
      net.setParameter(bias, Nd4j.createFromArray(values));
    }
    int n = 29;
    float[] x = new float[n * net.sampleSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextDouble();
    }
    net.forward(x, n, true); // moves the moving statistics away from their initial values
    float[] batched = net.forward(x, n, false).clone();
    for (int s = 0; s < n; s++) {
      float[] one = Arrays.copyOfRange(x, s * net.sampleSize(), (s + 1) * net.sampleSize());
      float[] alone = Arrays.copyOf(net.forward(one, 1, false), 10);
      assertArrayEquals(alone, Arrays.copyOfRange(batched, s * 10, (s + 1) * 10), 1e-6f, "sample " + s);
    }
    assertTrue(batched[0] > 0);
  }
}
