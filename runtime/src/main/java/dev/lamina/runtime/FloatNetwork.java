package dev.lamina.runtime;

/**
 * The fast path of a generated float network, on plain arrays: what the trainer uses. A batch is {@code n} samples
 * laid out one after the other, each channels last. Arrays returned are the network's own buffers, valid until the
 * next call.
 */
public interface FloatNetwork extends Network {
  /**
   * Forward pass over the first {@code n * sampleSize()} values of {@code batch}, which the network keeps (without
   * copying) for the backward pass: do not change it in between. Returns the output buffer.
   */
  float[] forward(float[] batch, int n, boolean training);

  /** Backward pass from dLoss/dOutput ({@code n * outputSize()} values); fills {@link #gradientArrays()}. */
  void backward(float[] outputGradient, int n);

  /**
   * Backward pass from dLoss/dLogits, skipping the output softmax: how a cross-entropy loss gets an exact, stable
   * gradient ({@code probabilities - onehot}). Only when {@link #softmaxOutput()}.
   */
  void backwardFromLogits(float[] logitsGradient, int n);

  /** The output softmax's input from the last forward pass. Only when {@link #softmaxOutput()}. */
  float[] logits();

  /** The trainable parameters' own arrays, in {@link #parameters()} order (trainable ones only). */
  float[][] trainableArrays();

  /** Their gradients' arrays, in the same order. */
  float[][] gradientArrays();
}
