package dev.lamina.runtime.optim;

/**
 * Updates trainable parameters in place from their gradients.
 *
 * <p>{@code params[i]} and {@code grads[i]} are the flat arrays of trainable parameter {@code i}.
 * Per-parameter state (moments) is allocated on the first {@link #step} and reused afterwards,
 * so a step allocates nothing in steady state. The parameter list must keep the same count and
 * sizes between steps; call {@link #reset()} before using the optimizer on different parameters.
 */
public interface Optimizer {

  /** Applies one update to every {@code params[i]} from {@code grads[i]}. */
  void step(float[][] params, float[][] grads);

  /** The current learning rate. */
  double learningRate();

  /** Changes the learning rate for subsequent steps; must be positive. */
  void setLearningRate(double lr);

  /** Short lower-case name, e.g. {@code "adam"}. */
  String name();

  /** Drops all state (moments, step count), as if the optimizer were new. */
  void reset();
}
