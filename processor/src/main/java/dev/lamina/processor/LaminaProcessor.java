package dev.lamina.processor;

import dev.lamina.annotations.Model;
import dev.lamina.processor.check.CheckedModel;
import dev.lamina.processor.check.ShapeChecker;
import dev.lamina.processor.emit.ModuleWriter;
import dev.lamina.processor.emit.NetworkWriter;
import dev.lamina.processor.emit.Precision;
import dev.lamina.processor.read.ModelReader;
import dev.lamina.processor.read.ModelSpec;
import dev.lamina.processor.read.Problem;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;

/**
 * The javac adapter over Lamina's three stages: {@code read} a {@code @Model} class into a plain model,
 * {@code check} its values and shapes, {@code emit} its network class. Problems become errors on the field that
 * caused them; a model with any problem gets no generated code.
 */
public final class LaminaProcessor extends AbstractProcessor {
  /** Processor option: also write a double-precision twin of each network, for gradient checks. */
  public static final String DOUBLE_PRECISION = "lamina.doublePrecision";
  /**
   * Processor option: samples per block of the generated passes (default: about 512 KB of the largest activation).
   * Tests set it to 1 so that every path that adds up over blocks is exercised on small batches.
   */
  public static final String SAMPLE_BLOCK = "lamina.sampleBlock";

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Stream.concat(Stream.of(Model.class), ModelReader.LAYERS.keySet().stream())
        .map(Class::getCanonicalName)
        .collect(Collectors.toSet());
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(DOUBLE_PRECISION, SAMPLE_BLOCK);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    reportLayersOutsideModels(round);
    for (TypeElement type : ElementFilter.typesIn(round.getElementsAnnotatedWith(Model.class))) {
      if (type.getKind() != ElementKind.CLASS) {
        error(type, "@Model goes on a class; " + type.getSimpleName() + " is a " + type.getKind().toString().toLowerCase());
        continue;
      }
      List<Problem> problems = new ArrayList<>();
      ModelSpec spec = ModelReader.read(type, problems);
      CheckedModel model = ShapeChecker.check(spec, problems);
      for (Problem problem : problems) {
        error(problem.field() == null ? type : field(type, problem.field()), problem.message());
      }
      if (model == null || !problems.isEmpty()) {
        continue;
      }
      write(type, model, Precision.FLOAT);
      try {
        ModuleWriter.write(model, type).writeTo(processingEnv.getFiler());
      } catch (IOException e) {
        error(type, "could not write " + ModuleWriter.className(type.getSimpleName().toString()) + ": " + e.getMessage());
      }
      if (Boolean.parseBoolean(processingEnv.getOptions().getOrDefault(DOUBLE_PRECISION, "false"))) {
        write(type, model, Precision.DOUBLE);
      }
    }
    return false;
  }

  private void write(TypeElement type, CheckedModel model, Precision precision) {
    try {
      String block = processingEnv.getOptions().get(SAMPLE_BLOCK);
      NetworkWriter writer = new NetworkWriter(model, precision, block == null ? 0 : Integer.parseInt(block.trim()));
      writer.write(type).writeTo(processingEnv.getFiler());
    } catch (IOException e) {
      error(type, "could not write " + NetworkWriter.className(type.getSimpleName().toString(), precision) + ": "
          + e.getMessage());
    }
  }

  /** Layer annotations in a class without {@code @Model} would be silently ignored: make them errors. */
  private void reportLayersOutsideModels(RoundEnvironment round) {
    for (Class<? extends Annotation> layer : ModelReader.LAYERS.keySet()) {
      for (VariableElement field : ElementFilter.fieldsIn(round.getElementsAnnotatedWith(layer))) {
        Element owner = field.getEnclosingElement();
        if (owner.getAnnotation(Model.class) == null) {
          error(field, Messages.layerOutsideModel(field.getSimpleName().toString(), "@" + layer.getSimpleName(),
              owner.getSimpleName().toString()));
        }
      }
    }
  }

  private static Element field(TypeElement type, String name) {
    return ElementFilter.fieldsIn(type.getEnclosedElements()).stream()
        .filter(f -> f.getSimpleName().contentEquals(name))
        .findFirst()
        .map(Element.class::cast)
        .orElse(type);
  }

  private void error(Element element, String message) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
  }
}
