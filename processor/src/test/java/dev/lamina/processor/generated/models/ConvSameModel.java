package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Conv2D alone: SAME padding, stride 2, tanh. */
@Model(input = {5, 6, 2})
public class ConvSameModel {
  @Conv2D(filters = 3, kernel = {3, 3}, strides = {2, 2}, padding = Padding.SAME, activation = TANH)
  Layer conv;
}
