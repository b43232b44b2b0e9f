package dev.lamina.samples;

import static dev.lamina.annotations.ActivationType.RELU;
import static dev.lamina.annotations.ActivationType.SOFTMAX;
import static dev.lamina.annotations.Compile.LossType.SPARSE_CATEGORICAL_CROSSENTROPY;
import static dev.lamina.annotations.Compile.MetricType.ACCURACY;
import static dev.lamina.annotations.Compile.OptimizerType.ADAM;

import dev.lamina.annotations.Activation;
import dev.lamina.annotations.BatchNorm;
import dev.lamina.annotations.Compile;
import dev.lamina.annotations.Conv2D;
import dev.lamina.annotations.Dense;
import dev.lamina.annotations.Flatten;
import dev.lamina.annotations.Layer;
import dev.lamina.annotations.MaxPool2D;
import dev.lamina.annotations.Model;

/**
 * The seed model: the Sequential CNN of the Keras tutorial, for 28x28 grey images and 10 classes, trained as the
 * tutorial compiles it (Adam at 5e-5, sparse categorical cross-entropy, accuracy). Compiling it generates
 * {@code SequentialModelNetwork} and {@code SequentialModelModule} (see target/generated-sources/annotations/).
 */
@Model(input = {28, 28, 1})
@Compile(optimizer = ADAM, learningRate = 5e-5, loss = SPARSE_CATEGORICAL_CROSSENTROPY, metrics = ACCURACY)
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
