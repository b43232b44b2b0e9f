package dev.lamina.runtime.train;

/** Keras {@code MeanSquaredError}: the mean over outputs of {@code (output - target)^2}, averaged over the batch. */
public final class MeanSquaredError implements Loss {
  @Override
  public String name() {
    return "mean_squared_error";
  }

  @Override
  public int targetSize(int outputSize) {
    return outputSize;
  }

  @Override
  public boolean usesLogits() {
    return false;
  }

  @Override
  public double compute(float[] output, float[] logits, float[] targets, int n, int outputSize, float[] gradient) {
    double total = 0;
    for (int i = 0; i < n * outputSize; i++) {
      double d = output[i] - targets[i];
      total += d * d;
      if (gradient != null) {
        gradient[i] = (float) (2 * d / ((double) n * outputSize));
      }
    }
    return total / ((double) n * outputSize);
  }
}
