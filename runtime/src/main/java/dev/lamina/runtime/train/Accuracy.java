package dev.lamina.runtime.train;

/**
 * Keras's {@code "accuracy"}: the fraction of samples whose largest output is the target class. The target is a
 * class index (sparse targets) or the position of the largest target value (one-hot targets).
 */
public final class Accuracy implements Metric {
  private long correct;
  private long seen;

  @Override
  public String name() {
    return "accuracy";
  }

  @Override
  public void reset() {
    correct = 0;
    seen = 0;
  }

  static int argmax(float[] values, int from, int length) {
    int best = 0;
    for (int c = 1; c < length; c++) {
      if (values[from + c] > values[from + best]) {
        best = c;
      }
    }
    return best;
  }

  @Override
  public void update(float[] output, float[] targets, int n, int outputSize, int targetSize) {
    for (int s = 0; s < n; s++) {
      int predicted = argmax(output, s * outputSize, outputSize);
      int expected = targetSize == 1 ? (int) targets[s] : argmax(targets, s * targetSize, targetSize);
      if (predicted == expected) {
        correct++;
      }
    }
    seen += n;
  }

  @Override
  public double result() {
    return seen == 0 ? 0 : (double) correct / seen;
  }
}
