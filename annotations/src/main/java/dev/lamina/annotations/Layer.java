package dev.lamina.annotations;

/**
 * The type to give a layer field: {@code @Dense(units = 10) Layer out;}. The field is a name, not a value: the
 * layer's parameters live in the generated network and are reached by that name
 * ({@code network.parameter("out.kernel")}).
 */
public interface Layer {}
