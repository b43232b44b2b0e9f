package dev.lamina.processor;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every diagnostic the processor prints, in one place so the wording stays consistent. Each message names the field,
 * the layer and the values or shapes involved, and says what would be accepted.
 */
public final class Messages {
  private Messages() {}

  /** {@code (None, 26, 26, 32)}, as Keras prints shapes. */
  public static String shape(List<Integer> sampleShape) {
    return sampleShape.stream().map(String::valueOf).collect(Collectors.joining(", ", "(None, ", ")"));
  }

  private static String layer(String field, String annotation) {
    return field + " (" + annotation + ")";
  }

  public static String layerOutsideModel(String field, String annotation, String className) {
    return layer(field, annotation) + ": layer annotations are only read in a class annotated @Model, and "
        + className + " has none; add @Model(input = {...}) to " + className;
  }

  public static String twoLayerAnnotations(String field, List<String> annotations) {
    return field + ": a field is one layer, but it carries " + String.join(" and ", annotations)
        + "; keep one and declare another field for the other layer";
  }

  public static String staticLayerField(String field, String annotation) {
    return layer(field, annotation) + ": a layer field must not be static";
  }

  public static String noLayers(String className) {
    return className + ": a @Model class needs at least one layer field (@Conv2D, @Dense, ...)";
  }

  public static String badCompile(String className, String attribute, Object value, String expected) {
    return className + ": @Compile " + attribute + " must be " + expected + ". Received: " + attribute + "=" + value;
  }

  public static String emptyInput(String className) {
    return className + ": @Model(input = {}) is empty; give the shape of one sample, channels last,"
        + " e.g. input = {28, 28, 1} or input = {784}";
  }

  public static String badInputRank(String className, List<Integer> input) {
    return className + ": @Model input " + input + " has " + input.size()
        + " dimensions; expected {height, width, channels} or {features}";
  }

  public static String nonPositiveInput(String className, List<Integer> input) {
    return className + ": @Model input sizes must be positive. Received: input=" + input;
  }

  public static String notPositive(String field, String annotation, String attribute, Object value) {
    return layer(field, annotation) + ": expected a positive integer. Received: " + attribute + "=" + value;
  }

  public static String notTwoPositive(String field, String annotation, String attribute, List<Integer> value) {
    return layer(field, annotation) + ": " + attribute + " must be two positive integers {height, width}."
        + " Received: " + attribute + "=" + braces(value);
  }

  public static String outOfRange(String field, String annotation, String attribute, double value, String range) {
    return layer(field, annotation) + ": " + attribute + " must be in " + range + ". Received: " + attribute + "="
        + value;
  }

  public static String unknownInput(String field, String annotation, String input) {
    return layer(field, annotation) + ": input = \"" + input + "\" names no layer field declared before " + field;
  }

  public static String needsImage(String field, String annotation, List<Integer> inputShape) {
    return layer(field, annotation) + ": expects a 3-D input (height, width, channels) but its input is "
        + shape(inputShape);
  }

  public static String windowTooLarge(
      String field, String annotation, String what, List<Integer> window, List<Integer> inputShape) {
    return layer(field, annotation) + ": " + what + " " + window.get(0) + "x" + window.get(1)
        + " is larger than its input " + shape(inputShape) + " with padding VALID;"
        + " use a smaller " + what + " or padding = SAME";
  }

  public static String denseNeedsFlat(String field, List<Integer> inputShape) {
    return layer(field, "@Dense") + ": expects a 1-D input (features) but its input is " + shape(inputShape)
        + "; add a @Flatten field before " + field;
  }

  private static String braces(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "{", "}"));
  }
}
