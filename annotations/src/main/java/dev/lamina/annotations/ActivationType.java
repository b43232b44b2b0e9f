package dev.lamina.annotations;

/** Element-wise (or, for {@link #SOFTMAX}, last-axis) activation functions, named as in Keras. */
public enum ActivationType {
  LINEAR,
  RELU,
  SIGMOID,
  TANH,
  /** Softmax over the last axis. */
  SOFTMAX
}
