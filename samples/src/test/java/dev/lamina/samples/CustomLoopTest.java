package dev.lamina.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.runtime.data.Dataset;
import dev.lamina.runtime.optim.Adam;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The README's custom training loop: the network's INDArray methods and an optimizer, no Trainer. */
class CustomLoopTest {
  @Test
  void aHandWrittenLoopLowersTheLoss() {
    Dataset data = EmbeddedMnist.train().slice(0, 64);
    INDArray images = data.images();
    INDArray oneHot = Nd4j.zeros(64, 10);
    int[] labels = data.labelArray();
    for (int i = 0; i < 64; i++) {
      oneHot.putScalar(i, labels[i], 1.0);
    }
    SequentialModelNetwork network = new SequentialModelNetwork(3);
    Adam optimizer = new Adam(1e-3);
    double first = 0;
    double last = 0;
    for (int step = 0; step < 15; step++) {
      INDArray probabilities = network.forward(images, true);
      // mean cross-entropy and its gradient w.r.t. the probabilities: -y / p / n
      double loss = -Transforms.log(probabilities, true).mul(oneHot).sumNumber().doubleValue() / 64;
      INDArray dLossDProbabilities = oneHot.div(probabilities).neg().div(64);
      INDArray dInput = network.backward(dLossDProbabilities);
      assertArrayEquals(new long[] {64, 28, 28, 1}, dInput.shape());
      optimizer.step(network.trainableArrays(), network.gradientArrays());
      if (step == 0) {
        first = loss;
      }
      last = loss;
    }
    assertTrue(last < first * 0.7, "loss " + first + " -> " + last);
  }
}
