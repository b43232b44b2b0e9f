package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** BatchNorm alone on images, training mode. */
@Model(input = {3, 4, 5})
public class BatchNormImageModel {
  @BatchNorm(momentum = 0.9)
  Layer bn;
}
