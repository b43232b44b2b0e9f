package dev.lamina.annotations;

/** Padding of a convolution or pooling window, as in Keras. */
public enum Padding {
  /** No padding: the window stays inside the input; output size is {@code floor((in - window) / stride) + 1}. */
  VALID,
  /** Zero padding so that the output size is {@code ceil(in / stride)}; extra padding goes to the bottom and right. */
  SAME
}
