package dev.lamina.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class as a Lamina model. Its fields annotated with a layer annotation ({@link Conv2D}, {@link Dense}, ...)
 * are its layers, in declaration order. The annotation processor checks the model's shapes at compile time and
 * writes {@code <ClassName>Network}, the network's forward and backward code, next to it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Model {
  /** The shape of one input sample, channels last as in Keras: {@code {height, width, channels}}, or {@code {features}}. */
  int[] input();

  /** The model's name in {@code summary()}; by default the class name in snake case ({@code sequential_model}). */
  String name() default "";
}
