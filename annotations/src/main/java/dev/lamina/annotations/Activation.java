package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An activation as a layer of its own (Keras {@code Activation}): {@code @Activation(RELU) Layer relu1;}. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Activation {
  ActivationType value();

  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
