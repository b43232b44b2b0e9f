package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** Dense with softmax output: the backwardFromLogits path. */
@Model(input = {6})
public class SoftmaxDenseModel {
  @Dense(units = 4, activation = SOFTMAX)
  Layer out;
}
