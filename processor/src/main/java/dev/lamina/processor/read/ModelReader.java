package dev.lamina.processor.read;

import dev.lamina.annotations.Activation;
import dev.lamina.annotations.BatchNorm;
import dev.lamina.annotations.Compile;
import dev.lamina.annotations.Conv2D;
import dev.lamina.annotations.Dense;
import dev.lamina.annotations.Flatten;
import dev.lamina.annotations.MaxPool2D;
import dev.lamina.annotations.Model;
import dev.lamina.processor.Messages;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * The thin javac adapter: turns a {@code @Model} class into a {@link ModelSpec}. Only structural problems are found
 * here (two layer annotations on a field, a static layer field); values and shapes are the {@code check} stage's.
 */
public final class ModelReader {

  /** Every layer annotation, with how to read it into a {@link LayerSpec}. */
  public static final Map<Class<? extends Annotation>, BiFunction<VariableElement, String, LayerSpec>> LAYERS =
      Map.of(
          Conv2D.class,
          (f, in) -> {
            Conv2D a = f.getAnnotation(Conv2D.class);
            return new LayerSpec.Conv2D(
                name(f), input(a.input(), in), a.filters(), list(a.kernel()), list(a.strides()), a.padding(),
                a.activation(), a.useBias());
          },
          BatchNorm.class,
          (f, in) -> {
            BatchNorm a = f.getAnnotation(BatchNorm.class);
            return new LayerSpec.BatchNorm(name(f), input(a.input(), in), a.momentum(), a.epsilon());
          },
          Activation.class,
          (f, in) -> {
            Activation a = f.getAnnotation(Activation.class);
            return new LayerSpec.Activation(name(f), input(a.input(), in), a.value());
          },
          MaxPool2D.class,
          (f, in) -> {
            MaxPool2D a = f.getAnnotation(MaxPool2D.class);
            int[] strides = a.strides().length == 0 ? a.pool() : a.strides();
            return new LayerSpec.MaxPool2D(
                name(f), input(a.input(), in), list(a.pool()), list(strides), a.padding());
          },
          Flatten.class,
          (f, in) -> new LayerSpec.Flatten(name(f), input(f.getAnnotation(Flatten.class).input(), in)),
          Dense.class,
          (f, in) -> {
            Dense a = f.getAnnotation(Dense.class);
            return new LayerSpec.Dense(name(f), input(a.input(), in), a.units(), a.activation(), a.useBias());
          });

  /** The layer annotations on a field, in a fixed order. */
  public static List<Class<? extends Annotation>> layerAnnotationsOn(VariableElement field) {
    return LAYERS.keySet().stream()
        .filter(a -> field.getAnnotation(a) != null)
        .sorted((x, y) -> x.getSimpleName().compareTo(y.getSimpleName()))
        .toList();
  }

  /** Reads {@code type}; adds structural problems to {@code problems}. */
  public static ModelSpec read(TypeElement type, List<Problem> problems) {
    Model model = type.getAnnotation(Model.class);
    List<LayerSpec> layers = new ArrayList<>();
    String previous = "";
    for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      List<Class<? extends Annotation>> kinds = layerAnnotationsOn(field);
      if (kinds.isEmpty()) {
        continue;
      }
      if (kinds.size() > 1) {
        problems.add(
            new Problem(
                name(field),
                Messages.twoLayerAnnotations(name(field), kinds.stream().map(k -> "@" + k.getSimpleName()).toList())));
        continue;
      }
      if (field.getModifiers().contains(Modifier.STATIC)) {
        problems.add(
            new Problem(name(field), Messages.staticLayerField(name(field), "@" + kinds.get(0).getSimpleName())));
        continue;
      }
      LayerSpec layer = LAYERS.get(kinds.get(0)).apply(field, previous);
      layers.add(layer);
      previous = layer.name();
    }
    String className = type.getSimpleName().toString();
    String modelName = model.name().isEmpty() ? ModelSpec.snakeCase(className) : model.name();
    return new ModelSpec(
        packageOf(type), className, modelName, list(model.input()), layers,
        CompileSpec.of(type.getAnnotation(Compile.class)));
  }

  private static String packageOf(TypeElement type) {
    var element = type.getEnclosingElement();
    while (!(element instanceof PackageElement)) {
      element = element.getEnclosingElement();
    }
    return ((PackageElement) element).getQualifiedName().toString();
  }

  private static String name(VariableElement field) {
    return field.getSimpleName().toString();
  }

  private static String input(String declared, String previous) {
    return declared.isEmpty() ? previous : declared;
  }

  private static List<Integer> list(int[] values) {
    return IntStream.of(values).boxed().toList();
  }

  private ModelReader() {}

}
