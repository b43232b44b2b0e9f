package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** MaxPool2D alone: 2x2, VALID, odd sizes. */
@Model(input = {6, 7, 3})
public class MaxPoolValidModel {
  @MaxPool2D(pool = {2, 2})
  Layer pool;
}
