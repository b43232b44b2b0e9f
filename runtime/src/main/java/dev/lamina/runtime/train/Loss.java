package dev.lamina.runtime.train;

/**
 * A loss over a batch, with its gradient. Targets hold {@link #targetSize(int)} values per sample: a class index for
 * sparse losses, a vector as long as the output otherwise.
 */
public interface Loss {
  /** Keras's name: {@code sparse_categorical_crossentropy}. */
  String name();

  /** Target values per sample for a model with {@code outputSize} outputs. */
  int targetSize(int outputSize);

  /**
   * True when, given the logits of a softmax output, this loss writes its gradient w.r.t. those logits (exact and
   * stable: {@code p - y}) instead of w.r.t. the probabilities.
   */
  boolean usesLogits();

  /**
   * The mean loss over {@code n} samples. When {@code gradient} is not null, also writes into it dLoss/dOutput, or
   * dLoss/dLogits when {@code logits} is not null and {@link #usesLogits()}.
   *
   * @param output the network's output, {@code n * outputSize} values
   * @param logits the softmax's input, or null
   */
  double compute(float[] output, float[] logits, float[] targets, int n, int outputSize, float[] gradient);
}
