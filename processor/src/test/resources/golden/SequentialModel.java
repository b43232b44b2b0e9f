package dev.lamina.samples;

import static dev.lamina.annotations.ActivationType.RELU;
import static dev.lamina.annotations.ActivationType.SOFTMAX;

import dev.lamina.annotations.Activation;
import dev.lamina.annotations.BatchNorm;
import dev.lamina.annotations.Conv2D;
import dev.lamina.annotations.Dense;
import dev.lamina.annotations.Flatten;
import dev.lamina.annotations.Layer;
import dev.lamina.annotations.MaxPool2D;
import dev.lamina.annotations.Model;

/**
 * The seed model: the Sequential CNN of the Keras tutorial, for 28x28 grey images and 10 classes. Compiling it
 * generates {@code SequentialModelNetwork} (see target/generated-sources/annotations/).
 */
@Model(input = {28, 28, 1})
public class SequentialModel {
  @Conv2D(filters = 32, kernel = {3, 3})
  Layer conv1;

  @BatchNorm
  Layer bn1;

  @Activation(RELU)
  Layer relu1;

  @MaxPool2D(pool = {2, 2})
  Layer pool1;

  @Conv2D(filters = 64, kernel = {3, 3})
  Layer conv2;

  @BatchNorm
  Layer bn2;

  @Activation(RELU)
  Layer relu2;

  @MaxPool2D(pool = {2, 2})
  Layer pool2;

  @Flatten
  Layer flat;

  @Dense(units = 10, activation = SOFTMAX)
  Layer out;
}
