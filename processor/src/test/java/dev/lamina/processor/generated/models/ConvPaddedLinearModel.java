package dev.lamina.processor.generated.models;

import dev.lamina.annotations.Conv2D;
import dev.lamina.annotations.Dense;
import dev.lamina.annotations.Flatten;
import dev.lamina.annotations.Layer;
import dev.lamina.annotations.Model;
import dev.lamina.annotations.Padding;

/**
 * A Conv2D with SAME padding, no bias and no activation (its forward is the product alone, so a single sample's
 * pixels are split across the workers), then layers worker 0 runs alone.
 */
@Model(input = {7, 5, 3})
public class ConvPaddedLinearModel {
  @Conv2D(filters = 4, kernel = {3, 3}, padding = Padding.SAME, useBias = false)
  Layer conv;
  @Flatten
  Layer flat;
  @Dense(units = 3)
  Layer out;
}
