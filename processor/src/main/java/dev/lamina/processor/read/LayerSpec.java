package dev.lamina.processor.read;

import dev.lamina.annotations.ActivationType;
import dev.lamina.annotations.Padding;
import java.util.List;

/**
 * One layer of a model, as the user declared it: a plain record per layer kind, with no javac types. {@code name}
 * is the field's name; {@code input} the name of the layer feeding it ({@code ""} for the model input).
 */
public sealed interface LayerSpec {
  String name();

  String input();

  /** The layer kind as Keras names it in {@code summary()}: {@code Conv2D}, {@code BatchNormalization}, ... */
  String kind();

  /** The annotation the user wrote, for messages: {@code @Conv2D}. */
  String annotation();

  record Conv2D(
      String name,
      String input,
      int filters,
      List<Integer> kernel,
      List<Integer> strides,
      Padding padding,
      ActivationType activation,
      boolean useBias)
      implements LayerSpec {
    public String kind() {
      return "Conv2D";
    }

    public String annotation() {
      return "@Conv2D";
    }
  }

  record BatchNorm(String name, String input, double momentum, double epsilon) implements LayerSpec {
    public String kind() {
      return "BatchNormalization";
    }

    public String annotation() {
      return "@BatchNorm";
    }
  }

  record Activation(String name, String input, ActivationType function) implements LayerSpec {
    public String kind() {
      return "Activation";
    }

    public String annotation() {
      return "@Activation";
    }
  }

  record MaxPool2D(String name, String input, List<Integer> pool, List<Integer> strides, Padding padding)
      implements LayerSpec {
    public String kind() {
      return "MaxPooling2D";
    }

    public String annotation() {
      return "@MaxPool2D";
    }
  }

  record Flatten(String name, String input) implements LayerSpec {
    public String kind() {
      return "Flatten";
    }

    public String annotation() {
      return "@Flatten";
    }
  }

  record Dense(String name, String input, int units, ActivationType activation, boolean useBias)
      implements LayerSpec {
    public String kind() {
      return "Dense";
    }

    public String annotation() {
      return "@Dense";
    }
  }
}
