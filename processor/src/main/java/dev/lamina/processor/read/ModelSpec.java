package dev.lamina.processor.read;

import java.util.List;

/**
 * A model as the user declared it, with no javac types: the stages after {@code read} work on this alone.
 *
 * @param packageName the package of the user's class ({@code ""} for the unnamed package)
 * @param className the user's class's simple name, e.g. {@code SequentialModel}
 * @param modelName the name {@code summary()} prints, e.g. {@code sequential_model}
 * @param input the shape of one input sample, channels last
 * @param layers the layers in field order; each names its input, so the model is a graph
 * @param compile the training defaults
 */
public record ModelSpec(
    String packageName,
    String className,
    String modelName,
    List<Integer> input,
    List<LayerSpec> layers,
    CompileSpec compile) {

  /** {@code SequentialModel} becomes {@code sequential_model}, as Keras names models. */
  public static String snakeCase(String className) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < className.length(); i++) {
      char c = className.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean wordStart =
            i > 0
                && (Character.isLowerCase(className.charAt(i - 1))
                    || (i + 1 < className.length() && Character.isLowerCase(className.charAt(i + 1))));
        if (wordStart && out.length() > 0 && out.charAt(out.length() - 1) != '_') {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
