package dev.lamina.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Losses against their definitions, their gradients against finite differences, and accuracy. */
class LossTest {
  static final int N = 3;
  static final int C = 4;
  static final float[] LOGITS = {0.5f, -1.2f, 2.0f, 0.1f, -0.3f, 0.8f, 0.0f, 1.5f, 2.2f, -0.7f, 0.4f, -1.0f};
  static final float[] LABELS = {2, 3, 0};

  static float[] softmax(float[] z) {
    float[] p = new float[z.length];
    for (int s = 0; s < N; s++) {
      double sum = 0;
      for (int c = 0; c < C; c++) {
        sum += Math.exp(z[s * C + c]);
      }
      for (int c = 0; c < C; c++) {
        p[s * C + c] = (float) (Math.exp(z[s * C + c]) / sum);
      }
    }
    return p;
  }

  static float[] oneHot(float[] labels) {
    float[] y = new float[N * C];
    for (int s = 0; s < N; s++) {
      y[s * C + (int) labels[s]] = 1;
    }
    return y;
  }

  @Test
  void sparseCrossEntropyIsTheMeanNegativeLogProbability() {
    float[] p = softmax(LOGITS);
    double expected = 0;
    for (int s = 0; s < N; s++) {
      expected -= Math.log(p[s * C + (int) LABELS[s]]) / N;
    }
    Loss loss = new SparseCategoricalCrossentropy();
    assertEquals(expected, loss.compute(p, LOGITS, LABELS, N, C, null), 1e-6, "from logits");
    assertEquals(expected, loss.compute(p, null, LABELS, N, C, null), 1e-6, "from probabilities");
    assertEquals(expected, new CategoricalCrossentropy().compute(p, LOGITS, oneHot(LABELS), N, C, null), 1e-6);
  }

  /** dLoss/dLogits from the logits path, against central differences of the loss in the logits. */
  @Test
  void crossEntropyLogitGradientsMatchFiniteDifferences() {
    for (Loss loss : new Loss[] {new SparseCategoricalCrossentropy(), new CategoricalCrossentropy()}) {
      float[] targets = loss.targetSize(C) == 1 ? LABELS : oneHot(LABELS);
      float[] gradient = new float[N * C];
      loss.compute(softmax(LOGITS), LOGITS, targets, N, C, gradient);
      for (int i = 0; i < N * C; i++) {
        float[] plus = LOGITS.clone();
        float[] minus = LOGITS.clone();
        plus[i] += 1e-2f;
        minus[i] -= 1e-2f;
        double numeric = (loss.compute(softmax(plus), plus, targets, N, C, null)
            - loss.compute(softmax(minus), minus, targets, N, C, null)) / 2e-2;
        assertEquals(numeric, gradient[i], 1e-4, loss.name() + " logit " + i);
      }
    }
  }

  /** dLoss/dOutput when there are no logits (probabilities in), and for mean squared error. */
  @Test
  void outputGradientsMatchFiniteDifferences() {
    float[] p = softmax(LOGITS);
    Loss[] losses = {new SparseCategoricalCrossentropy(), new CategoricalCrossentropy(), new MeanSquaredError()};
    for (Loss loss : losses) {
      float[] targets = loss.targetSize(C) == 1 ? LABELS : oneHot(LABELS);
      float[] gradient = new float[N * C];
      loss.compute(p, null, targets, N, C, gradient);
      for (int i = 0; i < N * C; i++) {
        float[] plus = p.clone();
        float[] minus = p.clone();
        plus[i] += 1e-3f;
        minus[i] -= 1e-3f;
        double numeric = (loss.compute(plus, null, targets, N, C, null)
            - loss.compute(minus, null, targets, N, C, null)) / 2e-3;
        assertEquals(numeric, gradient[i], 2e-3 * Math.max(1, Math.abs(numeric)), loss.name() + " output " + i);
      }
    }
    assertEquals(0.0, new MeanSquaredError().compute(p, null, p, N, C, null), 0.0);
  }

  @Test
  void aLabelOutsideTheClassesSaysWhich() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SparseCategoricalCrossentropy().compute(softmax(LOGITS), LOGITS, new float[] {2, 7, 0}, N, C, null));
    assertTrue(e.getMessage().contains("label 7.0 of sample 1 is not a class index in [0, 4)"), e.getMessage());
  }

  @Test
  void accuracyCountsArgmaxHits() {
    Accuracy accuracy = new Accuracy();
    float[] p = softmax(LOGITS); // argmax per sample: 2, 3, 0 -> all right
    accuracy.update(p, LABELS, N, C, 1);
    assertEquals(1.0, accuracy.result(), 0.0);
    accuracy.update(p, new float[] {0, 0, 0}, N, C, 1); // one of three right
    assertEquals(4.0 / 6, accuracy.result(), 1e-12);
    accuracy.reset();
    accuracy.update(p, oneHot(new float[] {2, 1, 1}), N, C, C); // one-hot targets: one of three right
    assertEquals(1.0 / 3, accuracy.result(), 1e-12);
  }
}
