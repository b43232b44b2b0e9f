package dev.lamina.processor.check;

import dev.lamina.annotations.Padding;

/**
 * Output size and padding of a sliding window (convolution kernel or pooling window) along one axis, as Keras and
 * TensorFlow compute them: VALID has no padding; SAME pads to {@code ceil(in / stride)} outputs, with the odd pixel
 * of padding at the end (bottom or right).
 */
public record Window(int output, int padBefore) {

  public static Window of(int input, int window, int stride, Padding padding) {
    if (padding == Padding.VALID) {
      return new Window((input - window) / stride + 1, 0);
    }
    int output = (input + stride - 1) / stride;
    int totalPad = Math.max((output - 1) * stride + window - input, 0);
    return new Window(output, totalPad / 2);
  }
}
