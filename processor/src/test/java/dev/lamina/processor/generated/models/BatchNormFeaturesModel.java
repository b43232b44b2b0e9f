package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.*;

import dev.lamina.annotations.*;

/** BatchNorm alone on 1-D features. */
@Model(input = {6})
public class BatchNormFeaturesModel {
  @BatchNorm
  Layer bn;
}
