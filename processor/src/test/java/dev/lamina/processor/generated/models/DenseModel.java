package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Flatten and Dense: sigmoid, then no bias. */
@Model(input = {3, 3, 2})
public class DenseModel {
  @Flatten
  Layer flat;

  @Dense(units = 5, activation = SIGMOID)
  Layer hidden;

  @Dense(units = 4, useBias = false)
  Layer out;
}
