package dev.lamina.processor.generated;

import dev.lamina.runtime.Tensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.processor.generated.models.SeedModelNetwork;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The generated float32 seed network against PyTorch (float64) on fixed weights and a fixed batch: output, loss,
 * every parameter gradient, the moving statistics after one training step and the inference-mode output agree to
 * 1e-4, relative to each tensor's largest value. The fixture comes from processor/src/test/python/seed_model_oracle.py.
 */
class PyTorchOracleTest {
  static final double TOLERANCE = 1e-4;
  static Fixture fixture;
  static final String[] PARAMETERS = {
    "conv1.kernel", "conv1.bias", "bn1.gamma", "bn1.beta", "bn1.moving_mean", "bn1.moving_variance",
    "conv2.kernel", "conv2.bias", "bn2.gamma", "bn2.beta", "bn2.moving_mean", "bn2.moving_variance",
    "out.kernel", "out.bias"
  };
  static final String[] TRAINABLE = {
    "conv1.kernel", "conv1.bias", "bn1.gamma", "bn1.beta", "conv2.kernel", "conv2.bias", "bn2.gamma", "bn2.beta",
    "out.kernel", "out.bias"
  };

  @BeforeAll
  static void load() throws IOException {
    fixture = new Fixture("/oracle/seed_model.txt");
  }

  private static SeedModelNetwork loadedNetwork() {
    SeedModelNetwork net = new SeedModelNetwork(99);
    for (String name : PARAMETERS) {
      Fixture.Entry e = fixture.get(name);
      net.setParameter(name, Nd4j.create(e.values(), e.shape(), 'c'));
    }
    return net;
  }

  private static INDArray input() {
    Fixture.Entry e = fixture.get("input");
    return Nd4j.create(e.values(), e.shape(), 'c');
  }

  /** max |actual - expected| / max |expected|, printed for the record. */
  static double compare(String what, double[] actual, double[] expected) {
    assertEquals(expected.length, actual.length, what + " size");
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    double relative = scale == 0 ? worst : worst / scale;
    System.out.printf("oracle %-28s max |diff| %.3e, relative to max |expected| %.3e%n", what, worst, relative);
    return relative;
  }

  private static void assertClose(String what, double[] actual, double[] expected) {
    double relative = compare(what, actual, expected);
    assertTrue(relative <= TOLERANCE, what + ": relative difference " + relative);
  }

  @Test
  void trainingStepMatchesPyTorch() {
    SeedModelNetwork net = loadedNetwork();
    INDArray x = input();
    int n = (int) x.size(0);
    float[] batch = Tensors.toFloats(x);
    float[] probabilities = net.forward(batch, n, true);
    assertClose("output (training mode)", toDoubles(probabilities, n * 10), fixture.values("output"));

    // sparse categorical cross-entropy from the logits, and its gradient (p - onehot) / n
    double[] labels = fixture.values("labels");
    float[] logits = net.logits();
    float[] dLogits = new float[n * 10];
    double loss = 0;
    for (int s = 0; s < n; s++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < 10; c++) {
        max = Math.max(max, logits[s * 10 + c]);
      }
      double sum = 0;
      for (int c = 0; c < 10; c++) {
        sum += Math.exp(logits[s * 10 + c] - max);
      }
      int y = (int) labels[s];
      loss += (Math.log(sum) + max - logits[s * 10 + y]) / n;
      for (int c = 0; c < 10; c++) {
        dLogits[s * 10 + c] = (probabilities[s * 10 + c] - (c == y ? 1 : 0)) / n;
      }
    }
    assertClose("loss", new double[] {loss}, fixture.values("loss"));

    net.backwardFromLogits(dLogits, n);
    for (String name : TRAINABLE) {
      double[] expected = fixture.values("grad." + name);
      double[] actual = Tensors.toDoubles(net.gradient(name));
      if (name.endsWith("conv1.bias") || name.endsWith("conv2.bias")) {
        // BatchNorm cancels a conv bias: the true gradient is 0, both sides hold rounding noise
        double largest = 0;
        for (double a : actual) {
          largest = Math.max(largest, Math.abs(a));
        }
        System.out.printf("oracle %-28s max |actual| %.3e (exactly 0 in theory)%n", "grad." + name, largest);
        // float rounding of a sum over 21,632 terms whose gradients are O(0.1): zero within 1e-5
        assertTrue(largest < 1e-5, name + " gradient should vanish, max " + largest);
        continue;
      }
      assertClose("grad." + name, actual, expected);
    }
    for (String name : new String[] {"bn1.moving_mean", "bn1.moving_variance", "bn2.moving_mean", "bn2.moving_variance"}) {
      assertClose("after." + name, Tensors.toDoubles(net.parameter(name)), fixture.values("after." + name));
    }
  }

  @Test
  void inferenceMatchesPyTorch() {
    SeedModelNetwork net = loadedNetwork();
    INDArray out = net.forward(input(), false);
    assertClose("output (inference mode)", Tensors.toDoubles(out), fixture.values("inference_output"));
  }

  private static double[] toDoubles(float[] values, int length) {
    double[] d = new double[length];
    for (int i = 0; i < length; i++) {
      d[i] = values[i];
    }
    return d;
  }
}
