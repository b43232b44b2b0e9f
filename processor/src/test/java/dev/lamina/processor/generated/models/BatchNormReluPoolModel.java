package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** BatchNorm, ReLU and MaxPool2D (3x3, stride 2, SAME) on the model input: run layer by layer (not fused). */
@Model(input = {5, 7, 3})
public class BatchNormReluPoolModel {
  @BatchNorm(momentum = 0.9)
  Layer bn;

  @Activation(RELU)
  Layer relu;

  @MaxPool2D(pool = {3, 3}, strides = {2, 2}, padding = Padding.SAME)
  Layer pool;
}
