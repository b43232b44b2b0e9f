package dev.lamina.runtime.train;

/**
 * Cross-entropy with one-hot (or probability) targets (Keras {@code CategoricalCrossentropy}). With a softmax
 * output's logits: {@code sum(y) * logsumexp(z) - sum(y * z)}, gradient {@code (p * sum(y) - y) / n}; from
 * probabilities alone it clips them to {@code [1e-7, 1 - 1e-7]}.
 */
public final class CategoricalCrossentropy implements Loss {
  @Override
  public String name() {
    return "categorical_crossentropy";
  }

  @Override
  public int targetSize(int outputSize) {
    return outputSize;
  }

  @Override
  public boolean usesLogits() {
    return true;
  }

  @Override
  public double compute(float[] output, float[] logits, float[] targets, int n, int outputSize, float[] gradient) {
    double total = 0;
    double eps = SparseCategoricalCrossentropy.EPSILON;
    for (int s = 0; s < n; s++) {
      int row = s * outputSize;
      double ySum = 0;
      for (int c = 0; c < outputSize; c++) {
        ySum += targets[row + c];
      }
      if (logits != null) {
        double logSumExp = SparseCategoricalCrossentropy.logSumExp(logits, row, outputSize);
        for (int c = 0; c < outputSize; c++) {
          total += targets[row + c] * (logSumExp - logits[row + c]);
          if (gradient != null) {
            gradient[row + c] = (float) ((output[row + c] * ySum - targets[row + c]) / n);
          }
        }
      } else {
        for (int c = 0; c < outputSize; c++) {
          double p = Math.min(Math.max(output[row + c], eps), 1 - eps);
          total -= targets[row + c] * Math.log(p);
          if (gradient != null) {
            boolean clipped = output[row + c] < eps || output[row + c] > 1 - eps;
            gradient[row + c] = clipped ? 0 : (float) (-targets[row + c] / (p * n));
          }
        }
      }
    }
    return total / n;
  }
}
