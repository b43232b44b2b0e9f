package dev.lamina.processor.generated.models;

import static dev.lamina.annotations.ActivationType.RELU;

import dev.lamina.annotations.Activation;
import dev.lamina.annotations.BatchNorm;
import dev.lamina.annotations.Conv2D;
import dev.lamina.annotations.Layer;
import dev.lamina.annotations.MaxPool2D;
import dev.lamina.annotations.Model;

/**
 * Two Conv2D -> BatchNorm -> ReLU -> MaxPool2D blocks, the chain the processor fuses (the convolutions write in
 * window order, their biases go to the BatchNorm): a 2x2 pool on odd sizes (pixels no window covers), then a 3x3 one.
 */
@Model(input = {11, 10, 2})
public class ConvBatchNormReluPoolModel {
  @Conv2D(filters = 3, kernel = {3, 3})
  Layer conv1;
  @BatchNorm(momentum = 0.9)
  Layer bn1;
  @Activation(RELU)
  Layer relu1;
  @MaxPool2D(pool = {2, 2})
  Layer pool1;
  @Conv2D(filters = 2, kernel = {2, 2})
  Layer conv2;
  @BatchNorm
  Layer bn2;
  @Activation(RELU)
  Layer relu2;
  @MaxPool2D(pool = {3, 3})
  Layer pool2;
}
