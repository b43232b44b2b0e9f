package dev.lamina.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.lamina.annotations.Compile;
import dev.lamina.processor.check.CheckedModel;
import dev.lamina.processor.read.CompileSpec;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes a model's Guice module, {@code <Model>Module}: it provides {@code Trainer<Model>} around a new network,
 * with the optimizer, loss, metrics and settings of the model's {@code @Compile} (Keras's defaults without it).
 * Each of those is its own binding, so an application overrides any of them with {@code Modules.override}.
 */
public final class ModuleWriter {
  private static final String TRAIN = "dev.lamina.runtime.train";
  private static final ClassName ABSTRACT_MODULE = ClassName.get("com.google.inject", "AbstractModule");
  private static final ClassName PROVIDES = ClassName.get("com.google.inject", "Provides");
  private static final ClassName SINGLETON = ClassName.get("com.google.inject", "Singleton");
  private static final ClassName TRAINER = ClassName.get(TRAIN, "Trainer");
  private static final ClassName SETTINGS = ClassName.get(TRAIN, "TrainerSettings");
  private static final ClassName LOSS = ClassName.get(TRAIN, "Loss");
  private static final ClassName METRIC = ClassName.get(TRAIN, "Metric");
  private static final ClassName OPTIMIZER = ClassName.get("dev.lamina.runtime.optim", "Optimizer");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  private ModuleWriter() {}

  public static String className(String modelClass) {
    return modelClass + "Module";
  }

  public static JavaFile write(CheckedModel model, Element origin) {
    String pkg = model.spec().packageName();
    ClassName modelClass = ClassName.get(pkg, model.spec().className());
    ClassName network = ClassName.get(pkg, NetworkWriter.className(model.spec().className(), Precision.FLOAT));
    CompileSpec c = model.spec().compile();
    TypeName listOfMetrics = ParameterizedTypeName.get(ClassName.get(List.class), METRIC);
    TypeSpec.Builder type = TypeSpec.classBuilder(className(model.spec().className()))
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .superclass(ABSTRACT_MODULE)
        .addAnnotation(AnnotationSpec.builder(GENERATED)
            .addMember("value", "$S", NetworkWriter.PROCESSOR)
            .addMember("comments", "$S", "from " + modelClass.canonicalName())
            .build())
        .addJavadoc("Guice wiring of {@link $T}: {@code @Inject Trainer<$T> trainer}.\n\n"
            + "<p>Defaults come from the model's {@code @Compile}; override any binding with\n"
            + "{@code Modules.override(new $L()).with(...)}.\n", modelClass, modelClass,
            className(model.spec().className()));
    if (origin != null) {
      type.addOriginatingElement(origin);
    }
    type.addMethod(MethodSpec.methodBuilder("trainer").addAnnotation(PROVIDES).addAnnotation(SINGLETON)
        .returns(ParameterizedTypeName.get(TRAINER, modelClass))
        .addParameter(OPTIMIZER, "optimizer").addParameter(LOSS, "loss").addParameter(listOfMetrics, "metrics")
        .addParameter(SETTINGS, "settings")
        .addStatement("return new $T<>(new $T(settings.seed()), optimizer, loss, metrics, settings)", TRAINER, network)
        .build());
    CodeBlock optimizer = c.optimizer() == Compile.OptimizerType.ADAM
        ? CodeBlock.of("new $T($L)", ClassName.get("dev.lamina.runtime.optim", "Adam"), c.learningRate())
        : CodeBlock.of("new $T($L, $L, $L)", ClassName.get("dev.lamina.runtime.optim", "Sgd"), c.learningRate(),
            c.momentum(), c.nesterov());
    type.addMethod(MethodSpec.methodBuilder("optimizer").addAnnotation(PROVIDES).returns(OPTIMIZER)
        .addStatement("return $L", optimizer).build());
    String lossClass = switch (c.loss()) {
      case SPARSE_CATEGORICAL_CROSSENTROPY -> "SparseCategoricalCrossentropy";
      case CATEGORICAL_CROSSENTROPY -> "CategoricalCrossentropy";
      case MEAN_SQUARED_ERROR -> "MeanSquaredError";
    };
    type.addMethod(MethodSpec.methodBuilder("loss").addAnnotation(PROVIDES).returns(LOSS)
        .addStatement("return new $T()", ClassName.get(TRAIN, lossClass)).build());
    String metrics = c.metrics().stream().map(m -> "new $T()").collect(Collectors.joining(", "));
    type.addMethod(MethodSpec.methodBuilder("metrics").addAnnotation(PROVIDES).returns(listOfMetrics)
        .addStatement("return $T.of(" + metrics + ")",
            java.util.stream.Stream.concat(java.util.stream.Stream.of(ClassName.get(List.class)),
                c.metrics().stream().map(m -> ClassName.get(TRAIN, "Accuracy"))).toArray())
        .build());
    type.addMethod(MethodSpec.methodBuilder("settings").addAnnotation(PROVIDES).returns(SETTINGS)
        .addStatement("return $T.defaults().withBatchSize($L).withSeed($LL)", SETTINGS, c.batchSize(), c.seed())
        .build());
    return JavaFile.builder(pkg, type.build())
        .addFileComment("Generated by Lamina from $L. Do not edit.", modelClass.canonicalName())
        .indent("  ")
        .build();
  }
}
