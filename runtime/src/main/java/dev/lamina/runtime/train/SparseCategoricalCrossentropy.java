package dev.lamina.runtime.train;

/**
 * Cross-entropy with integer class targets (Keras {@code SparseCategoricalCrossentropy}). With a softmax output's
 * logits it is computed stably as {@code logsumexp(z) - z[y]} with gradient {@code (softmax(z) - onehot(y)) / n};
 * from probabilities alone it clips them to {@code [1e-7, 1 - 1e-7]} as Keras does.
 */
public final class SparseCategoricalCrossentropy implements Loss {
  static final double EPSILON = 1e-7;

  @Override
  public String name() {
    return "sparse_categorical_crossentropy";
  }

  @Override
  public int targetSize(int outputSize) {
    return 1;
  }

  @Override
  public boolean usesLogits() {
    return true;
  }

  /** {@code log(sum(exp(z)))} over {@code z = values[row, row + length)}, shifted by the maximum for stability. */
  static double logSumExp(float[] values, int row, int length) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < length; c++) {
      max = Math.max(max, values[row + c]);
    }
    double sum = 0;
    for (int c = 0; c < length; c++) {
      sum += Math.exp(values[row + c] - max);
    }
    return Math.log(sum) + max;
  }

  static int label(float[] targets, int s, int outputSize) {
    float t = targets[s];
    int y = (int) t;
    if (y != t || y < 0 || y >= outputSize) {
      throw new IllegalArgumentException("label " + t + " of sample " + s + " is not a class index in [0, "
          + outputSize + ")");
    }
    return y;
  }

  @Override
  public double compute(float[] output, float[] logits, float[] targets, int n, int outputSize, float[] gradient) {
    double total = 0;
    for (int s = 0; s < n; s++) {
      int row = s * outputSize;
      int y = label(targets, s, outputSize);
      if (logits != null) {
        total += logSumExp(logits, row, outputSize) - logits[row + y];
        if (gradient != null) {
          for (int c = 0; c < outputSize; c++) {
            gradient[row + c] = (float) ((output[row + c] - (c == y ? 1 : 0)) / n);
          }
        }
      } else {
        double p = Math.min(Math.max(output[row + y], EPSILON), 1 - EPSILON);
        total -= Math.log(p);
        if (gradient != null) {
          for (int c = 0; c < outputSize; c++) {
            gradient[row + c] = 0;
          }
          boolean clipped = output[row + y] < EPSILON || output[row + y] > 1 - EPSILON;
          gradient[row + y] = clipped ? 0 : (float) (-1 / (p * n));
        }
      }
    }
    return total / n;
  }
}
