package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** 2-D convolution (Keras `Conv2D`): a kernel of shape `(kernelH, kernelW, inChannels, filters)`, channels last. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Conv2D {
  /** Number of output channels; must be positive. */
  int filters();

  /** Kernel height and width. */
  int[] kernel();

  /** Strides along height and width. */
  int[] strides() default {1, 1};

  Padding padding() default Padding.VALID;

  /** Activation applied to the output; none by default. */
  ActivationType activation() default ActivationType.LINEAR;

  boolean useBias() default true;

  /** The field whose output feeds this layer; empty means the field declared just before. */
  String input() default "";
}
