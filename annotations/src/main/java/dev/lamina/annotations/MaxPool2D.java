package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Max pooling (Keras `MaxPooling2D`). */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MaxPool2D {
  /** Window height and width. */
  int[] pool() default {2, 2};

  /** Strides; empty means the pool size, as in Keras. */
  int[] strides() default {};

  Padding padding() default Padding.VALID;

  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
