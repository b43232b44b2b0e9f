package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Conv2D alone: VALID, unequal kernel and strides, sigmoid. */
@Model(input = {7, 6, 3})
public class ConvValidModel {
  @Conv2D(filters = 4, kernel = {3, 2}, strides = {2, 1}, activation = SIGMOID)
  Layer conv;
}
