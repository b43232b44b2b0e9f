package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Fully connected layer (Keras `Dense`) on a 1-D input: put a {@link Flatten} before it on images. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dense {
  /** Number of outputs; must be positive. */
  int units();

  ActivationType activation() default ActivationType.LINEAR;

  boolean useBias() default true;

  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
