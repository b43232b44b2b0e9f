package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The training defaults of a model, as Keras's {@code model.compile(...)} sets them: the generated Guice module
 * provides these, and bindings of the application override them. Without it: Adam at 1e-3, sparse categorical
 * cross-entropy and accuracy.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Compile {
  OptimizerType optimizer() default OptimizerType.ADAM;

  /** Learning rate; Keras's defaults are 1e-3 for Adam and 1e-2 for SGD. Negative means that default. */
  double learningRate() default -1;

  /** SGD momentum. */
  double momentum() default 0;

  /** SGD Nesterov momentum. */
  boolean nesterov() default false;

  LossType loss() default LossType.SPARSE_CATEGORICAL_CROSSENTROPY;

  MetricType[] metrics() default {MetricType.ACCURACY};

  /** Samples per training step. */
  int batchSize() default 32;

  /** The seed of parameter initialisation and shuffling. */
  long seed() default 0;

  enum OptimizerType {
    ADAM,
    SGD
  }

  enum LossType {
    SPARSE_CATEGORICAL_CROSSENTROPY,
    CATEGORICAL_CROSSENTROPY,
    MEAN_SQUARED_ERROR
  }

  enum MetricType {
    ACCURACY
  }
}
