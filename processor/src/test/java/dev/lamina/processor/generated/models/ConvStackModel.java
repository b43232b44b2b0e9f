package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Two Conv2D layers, the second reading the first: the first layer input gradient path. */
@Model(input = {6, 6, 2})
public class ConvStackModel {
  @Conv2D(filters = 3, kernel = {2, 2}, activation = RELU)
  Layer conv1;

  @Conv2D(filters = 2, kernel = {3, 3}, useBias = false)
  Layer conv2;
}
