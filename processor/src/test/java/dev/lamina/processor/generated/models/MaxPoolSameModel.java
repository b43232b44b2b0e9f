package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** MaxPool2D alone: 3x3 windows, stride 2, SAME. */
@Model(input = {5, 7, 2})
public class MaxPoolSameModel {
  @MaxPool2D(pool = {3, 3}, strides = {2, 2}, padding = Padding.SAME)
  Layer pool;
}
