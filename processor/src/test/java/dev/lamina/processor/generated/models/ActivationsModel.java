package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Every activation as a layer, one after the other. */
@Model(input = {8})
public class ActivationsModel {
  @Activation(RELU)
  Layer relu;

  @Activation(SIGMOID)
  Layer sigmoid;

  @Activation(TANH)
  Layer tanh;

  @Activation(LINEAR)
  Layer linear;

  @Activation(SOFTMAX)
  Layer softmax;
}
