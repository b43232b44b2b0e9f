package dev.lamina.processor.read;

/**
 * A problem found in a model, tied to the field that caused it ({@code field} is {@code null} for the class
 * itself). The processor turns each into a javac error on that field.
 */
public record Problem(String field, String message) {}
