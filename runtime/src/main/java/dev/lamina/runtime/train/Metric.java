package dev.lamina.runtime.train;

/** A metric accumulated over the batches of an epoch or an evaluation, as Keras's stateful metrics. */
public interface Metric {
  /** The name in logs and history: {@code accuracy}. */
  String name();

  void reset();

  /** Adds a batch: {@code n} outputs and their targets (laid out as the loss's targets). */
  void update(float[] output, float[] targets, int n, int outputSize, int targetSize);

  double result();
}
