package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Batch normalization (Keras `BatchNormalization`) over the last axis. Trainable `gamma` and `beta`; non-trainable moving mean and variance, updated in training mode as `moving = moving * momentum + batch * (1 - momentum)`. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BatchNorm {
  double momentum() default 0.99;

  double epsilon() default 1e-3;

  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
