package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Flattens each sample to 1-D, in channels-last (row-major) order, as Keras `Flatten`. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Flatten {
  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
