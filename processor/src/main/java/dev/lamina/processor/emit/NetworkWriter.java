package dev.lamina.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.lamina.processor.Messages;
import dev.lamina.processor.check.CheckedLayer;
import dev.lamina.processor.check.CheckedModel;
import dev.lamina.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes the network class of a checked model: constants for every shape, parameters and their gradients, buffers
 * allocated once per batch capacity, one forward and one backward method per layer, and the {@code Network}
 * contract around them. Each layer's code comes from its {@link LayerEmitter}.
 */
public final class NetworkWriter {
  private static final String RUNTIME = "dev.lamina.runtime";
  private static final ClassName INDARRAY = ClassName.get("org.nd4j.linalg.api.ndarray", "INDArray");
  private static final ClassName PARAMETER_INFO = ClassName.get(RUNTIME, "ParameterInfo");
  private static final ClassName TENSORS = ClassName.get(RUNTIME, "Tensors");
  private static final ClassName LIST = ClassName.get(List.class);
  private static final ClassName SPLITTABLE_RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final ClassName WORKERS = ClassName.get("dev.lamina.runtime.kernels", "Workers");
  private static final ClassName CHUNK = WORKERS.nestedClass("Chunk");
  public static final String PROCESSOR = "dev.lamina.processor.LaminaProcessor";

  private final CheckedModel model;
  private final Precision p;
  private final List<LayerEmitter> emitters = new ArrayList<>();
  private final TypeName array;
  private final int sampleBlock;

  public NetworkWriter(CheckedModel model, Precision precision) {
    this(model, precision, 0);
  }

  /** {@code sampleBlock}: samples per block of the generated passes, or 0 for the default (see SAMPLE_BLOCK). */
  public NetworkWriter(CheckedModel model, Precision precision, int sampleBlock) {
    this.sampleBlock = sampleBlock;
    this.model = model;
    this.p = precision;
    this.array = ArrayTypeName.of(precision.type);
    List<CheckedLayer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      CheckedLayer layer = layers.get(i);
      LayerEmitter e = emitterFor(layer);
      String input = layer.spec().input();
      e.readsModelInput = input.isEmpty();
      e.in = input.isEmpty() ? "input" : input + "Out";
      e.inGrad = input.isEmpty() ? "inputGrad" : input + "Grad";
      e.isOutput = i == layers.size() - 1;
      emitters.add(e);
    }
    fuseBatchNormReluPool();
  }

  /**
   * Replaces each Conv2D -> BatchNorm -> ReLU -> MaxPool2D chain on images, whose inner outputs nothing else reads and
   * whose pool windows do not overlap (strides equal to the pool, VALID), by one fused pass
   * ({@link BatchNormReluPoolEmitter}) over the convolution's output, which it writes in window order: the three
   * layers' separate passes would move the activation through memory six times. Other chains run layer by layer.
   */
  private void fuseBatchNormReluPool() {
    for (int i = 1; i + 2 < emitters.size(); i++) {
      LayerEmitter bn = emitters.get(i);
      LayerEmitter relu = emitters.get(i + 1);
      LayerEmitter pool = emitters.get(i + 2);
      LayerEmitter conv = emitter(bn.layer.spec().input());
      boolean chain = bn instanceof BatchNormEmitter
          && bn.layer.inputShape().size() == 3
          && conv instanceof Conv2DEmitter
          && readers(conv.name()) == 1
          && relu.layer.spec() instanceof LayerSpec.Activation a
          && a.function() == dev.lamina.annotations.ActivationType.RELU
          && relu.layer.spec().input().equals(bn.name())
          && pool.layer.spec() instanceof LayerSpec.MaxPool2D m
          && m.padding() == dev.lamina.annotations.Padding.VALID
          && m.strides().equals(m.pool())
          && pool.layer.spec().input().equals(relu.name())
          && readers(bn.name()) == 1
          && readers(relu.name()) == 1
          && !relu.isOutput;
      if (!chain) {
        continue;
      }
      Conv2DEmitter convolution = (Conv2DEmitter) conv;
      convolution.writeForPool(((LayerSpec.MaxPool2D) pool.layer.spec()).pool());
      BatchNormReluPoolEmitter fused =
          new BatchNormReluPoolEmitter(bn.layer, relu, pool, convolution.biasForBatchNorm(), p);
      fused.in = bn.in;
      fused.inGrad = bn.inGrad;
      fused.readsModelInput = bn.readsModelInput;
      emitters.set(i, fused);
      emitters.set(i + 1, new FusedAwayEmitter(relu, bn.name(), false));
      FusedAwayEmitter pooled = new FusedAwayEmitter(pool, bn.name(), true);
      pooled.isOutput = pool.isOutput;
      emitters.set(i + 2, pooled);
    }
  }

  /** The emitter of the layer named {@code name}, or null (the model input). */
  private LayerEmitter emitter(String name) {
    return emitters.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
  }

  /** How many layers read the output of {@code layer}. */
  private long readers(String layer) {
    return model.layers().stream().filter(l -> l.spec().input().equals(layer)).count();
  }

  /** The generated class's simple name: {@code SequentialModelNetwork}, or {@code SequentialModelDoubleNetwork}. */
  public static String className(String modelClass, Precision precision) {
    return modelClass + precision.classSuffix;
  }

  private LayerEmitter emitterFor(CheckedLayer layer) {
    LayerSpec spec = layer.spec();
    if (spec instanceof LayerSpec.Conv2D) {
      return new Conv2DEmitter(layer, p);
    } else if (spec instanceof LayerSpec.BatchNorm) {
      return new BatchNormEmitter(layer, p);
    } else if (spec instanceof LayerSpec.Activation) {
      return new ActivationEmitter(layer, p);
    } else if (spec instanceof LayerSpec.MaxPool2D) {
      return new MaxPool2DEmitter(layer, p);
    } else if (spec instanceof LayerSpec.Flatten) {
      return new FlattenEmitter(layer, p);
    } else {
      return new DenseEmitter(layer, p);
    }
  }

  private LayerEmitter output() {
    return emitters.get(emitters.size() - 1);
  }

  /** True when the output layer is a softmax whose logits the network keeps. */
  private boolean softmaxOutput() {
    LayerEmitter out = output();
    return (out instanceof DenseEmitter d && d.keepsLogits()) || (out instanceof ActivationEmitter a && a.keepsLogits());
  }

  private String logitsField() {
    LayerEmitter out = output();
    return out instanceof DenseEmitter ? out.name() + "Logits" : out.in;
  }

  /** The generated source; {@code origin} (the user's class, or null) lets incremental builds track it. */
  public JavaFile write(javax.lang.model.element.Element origin) {
    String source = model.spec().packageName().isEmpty()
        ? model.spec().className()
        : model.spec().packageName() + "." + model.spec().className();
    String name = className(model.spec().className(), p);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(name)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(p.networkInterface)
            .addAnnotation(
                AnnotationSpec.builder(GENERATED)
                    .addMember("value", "$S", PROCESSOR)
                    .addMember("comments", "$S", "from " + source)
                    .build())
            .addJavadoc(
                "The network of {@link $L}, generated by Lamina from its annotations$L.\n\n"
                    + "<p>Do not edit: change {@code $L} and recompile. Layers, in order:\n<ul>\n$L</ul>\n",
                source,
                p == Precision.DOUBLE ? ", in double precision (for gradient checks)" : "",
                model.spec().className(),
                model.layers().stream()
                    .map(l -> "  <li>{@code " + l.name() + "}: " + l.spec().kind() + ", " + Messages.shape(l.inputShape())
                        + " -> " + Messages.shape(l.outputShape()) + "\n")
                    .collect(Collectors.joining()));
    if (origin != null) {
      type.addOriginatingElement(origin);
    }
    addModelConstants(type);
    for (LayerEmitter e : emitters) {
      addLayerConstants(type, e);
    }
    addParameterFields(type);
    addBufferFields(type);
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("A network initialised with seed 0; see {@link #initialize(long)}.\n")
        .addStatement("initialize(0L)").build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
        .addJavadoc("A network whose parameters are initialised from {@code seed}, as Keras would initialise them.\n")
        .addParameter(long.class, "seed").addStatement("initialize(seed)").build());
    addContractMethods(type);
    addInitialize(type);
    addReserve(type);
    addForwardAndBackward(type);
    for (LayerEmitter e : emitters) {
      CheckedLayer l = e.layer;
      String header = l.name() + ": " + l.spec().kind() + ", " + Messages.shape(l.inputShape()) + " -> "
          + Messages.shape(l.outputShape());
      type.addMethod(MethodSpec.methodBuilder(l.name() + "Forward").addModifiers(Modifier.PRIVATE)
          .addJavadoc("Forward pass of $L, samples {@code [from, to)}.\n", header)
          .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to")
          .addCode(e.forward()).build());
      type.addMethod(MethodSpec.methodBuilder(l.name() + "Backward").addModifiers(Modifier.PRIVATE)
          .addJavadoc("Backward pass of $L, samples {@code [from, to)}: reads {@code $L}, writes parameter gradients"
              + " and {@code $L}.\n", header, e.grad(), e.inGrad)
          .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to")
          .addCode(e.backward()).build());
    }
    return JavaFile.builder(model.spec().packageName(), type.build())
        .addFileComment("Generated by Lamina from $L. Do not edit: edit $L and recompile.", source,
            model.spec().className())
        .indent("  ")
        .skipJavaLangImports(true)
        .build();
  }

  private static FieldSpec constant(String name, int value, String javadoc) {
    FieldSpec.Builder f = FieldSpec.builder(int.class, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", value);
    if (javadoc != null) {
      f.addJavadoc(javadoc);
    }
    return f.build();
  }

  private static String intArray(List<Integer> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(", ", "{", "}"));
  }

  private void addModelConstants(TypeSpec.Builder type) {
    type.addField(FieldSpec.builder(String.class, "MODEL_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .initializer("$S", model.spec().modelName()).build());
    type.addField(constant("INPUT_SIZE", product(model.inputShape()),
        "One input sample: " + Messages.shape(model.inputShape()) + ", channels last.\n"));
    type.addField(constant("OUTPUT_SIZE", product(model.outputShape()),
        "One output sample: " + Messages.shape(model.outputShape()) + ".\n"));
    type.addField(FieldSpec.builder(int[].class, "INPUT_SHAPE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", intArray(model.inputShape())).build());
    type.addField(FieldSpec.builder(int[].class, "OUTPUT_SHAPE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", intArray(model.outputShape())).build());
    CodeBlock.Builder params = CodeBlock.builder().add("$T.of(\n", LIST).indent();
    List<LayerEmitter.Param> all = allParams();
    for (int i = 0; i < all.size(); i++) {
      LayerEmitter.Param param = all.get(i);
      params.add("new $T($S, $T.of($L), $L)$L\n", PARAMETER_INFO, param.key(), LIST,
          param.shape().stream().map(String::valueOf).collect(Collectors.joining(", ")), param.trainable(),
          i + 1 < all.size() ? "," : "");
    }
    params.unindent().add(")");
    type.addField(FieldSpec.builder(ParameterizedTypeName.get(LIST, PARAMETER_INFO), "PARAMETERS", Modifier.PRIVATE,
            Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Every parameter, trainable ones first within each layer, in layer order.\n")
        .initializer(params.build()).build());
    type.addField(FieldSpec.builder(String.class, "SUMMARY", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("$S", SummaryTable.render(model)).build());
  }

  private void addLayerConstants(TypeSpec.Builder type, LayerEmitter e) {
    boolean first = true;
    CheckedLayer l = e.layer;
    for (Map.Entry<String, Integer> c : e.constants().entrySet()) {
      String doc = first
          ? l.name() + ": " + e.layer.spec().kind() + ", " + Messages.shape(l.inputShape()) + " -> "
              + Messages.shape(l.outputShape()) + ".\n"
          : null;
      type.addField(constant(e.prefix() + "_" + c.getKey(), c.getValue(), doc));
      first = false;
    }
    for (Map.Entry<String, CodeBlock> t : e.tables().entrySet()) {
      type.addField(FieldSpec.builder(int[].class, e.prefix() + "_" + t.getKey(), Modifier.PRIVATE, Modifier.STATIC,
          Modifier.FINAL).initializer(t.getValue()).build());
    }
  }

  private List<LayerEmitter.Param> allParams() {
    List<LayerEmitter.Param> all = new ArrayList<>();
    for (LayerEmitter e : emitters) {
      all.addAll(e.params());
    }
    return all;
  }

  private List<LayerEmitter.Param> trainableParams() {
    return allParams().stream().filter(LayerEmitter.Param::trainable).toList();
  }

  private static int product(List<Integer> shape) {
    int p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }

  private static String sizeExpression(List<Integer> shape) {
    return shape.stream().map(String::valueOf).collect(Collectors.joining(" * "));
  }

  private void addParameterFields(TypeSpec.Builder type) {
    type.addField(FieldSpec.builder(WORKERS, "workers", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("The threads each batch is split across.\n").initializer("$T.shared()", WORKERS).build());
    if (p == Precision.FLOAT) {
      type.addField(FieldSpec.builder(boolean.class, "simd", Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("True when the Vector API kernels run ({@code --add-modules jdk.incubator.vector}); else plain loops"
              + " that give the same values.\n")
          .initializer("$T.enabled()", LayerEmitter.SIMD).build());
    }
    for (LayerEmitter.Param param : allParams()) {
      type.addField(FieldSpec.builder(array, param.field(), Modifier.PRIVATE, Modifier.FINAL)
          .addJavadoc("$L, shape $L$L.\n", param.key(), param.shape(), param.trainable() ? "" : ", not trainable")
          .initializer("new $T[$L]", p.type, sizeExpression(param.shape())).build());
    }
    for (LayerEmitter.Param param : trainableParams()) {
      type.addField(FieldSpec.builder(array, param.gradField(), Modifier.PRIVATE, Modifier.FINAL)
          .initializer("new $T[$L]", p.type, sizeExpression(param.shape())).build());
    }
    for (LayerEmitter.Param param : trainableParams()) {
      if (param.summedOverWorkers()) {
        type.addField(FieldSpec.builder(ArrayTypeName.of(array), param.partsField(), Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc("Each worker's part of the $L gradient; the first is the gradient itself.\n", param.key())
            .initializer("parts($L, $L)", param.gradField(), sizeExpression(param.shape())).build());
      }
    }
    List<LayerEmitter.Param> trainable = trainableParams();
    type.addField(FieldSpec.builder(ArrayTypeName.of(array), "trainable", Modifier.PRIVATE, Modifier.FINAL)
        .initializer("{$L}", trainable.stream().map(LayerEmitter.Param::field).collect(Collectors.joining(", ")))
        .build());
    type.addField(FieldSpec.builder(ArrayTypeName.of(array), "gradients", Modifier.PRIVATE, Modifier.FINAL)
        .initializer("{$L}", trainable.stream().map(LayerEmitter.Param::gradField).collect(Collectors.joining(", ")))
        .build());
  }

  private void addBufferFields(TypeSpec.Builder type) {
    type.addField(FieldSpec.builder(int.class, "capacity", Modifier.PRIVATE)
        .addJavadoc("The batch size the buffers below are allocated for.\n").build());
    type.addField(FieldSpec.builder(boolean.class, "inputGradientWanted", Modifier.PRIVATE).build());
    type.addField(FieldSpec.builder(int.class, "n", Modifier.PRIVATE)
        .addJavadoc("The batch size of the pass under way.\n").build());
    type.addField(FieldSpec.builder(boolean.class, "training", Modifier.PRIVATE).build());
    type.addField(FieldSpec.builder(int[].class, "chunkStart", Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("Each worker's first sample in the pass under way: a block starting there starts its sums.\n")
        .initializer("new int[workers.size()]").build());
    type.addField(FieldSpec.builder(boolean.class, "fromLogits", Modifier.PRIVATE).build());
    type.addField(FieldSpec.builder(CHUNK, "forwardChunk", Modifier.PRIVATE, Modifier.FINAL)
        .initializer("this::forwardChunk").build());
    type.addField(FieldSpec.builder(CHUNK, "backwardChunk", Modifier.PRIVATE, Modifier.FINAL)
        .initializer("this::backwardChunk").build());
    type.addField(FieldSpec.builder(array, "input", Modifier.PRIVATE)
        .addJavadoc("The batch given to the last forward call (not copied).\n").build());
    type.addField(FieldSpec.builder(array, "inputGrad", Modifier.PRIVATE).initializer("new $T[0]", p.type).build());
    for (LayerEmitter e : emitters) {
      if (e.ownsOutput()) {
        type.addField(FieldSpec.builder(array, e.out(), Modifier.PRIVATE).initializer("new $T[0]", p.type).build());
        type.addField(FieldSpec.builder(array, e.grad(), Modifier.PRIVATE).initializer("new $T[0]", p.type).build());
      }
      for (LayerEmitter.Buffer b : e.buffers()) {
        TypeName t = bufferType(b);
        FieldSpec.Builder f;
        switch (b.scope()) {
          case BATCH -> f = FieldSpec.builder(ArrayTypeName.of(t), b.field(), Modifier.PRIVATE)
              .initializer("new $T[0]", t);
          case FIXED -> f = FieldSpec.builder(ArrayTypeName.of(t), b.field(), Modifier.PRIVATE, Modifier.FINAL)
              .initializer("new $T[$L]", t, b.size());
          default -> f = b.kind().equals("columns")
              ? FieldSpec.builder(ArrayTypeName.of(t), b.field(), Modifier.PRIVATE, Modifier.FINAL)
                  .initializer("$T.perWorker(workers.size(), $L)", t, b.size())
              : FieldSpec.builder(ArrayTypeName.of(ArrayTypeName.of(t)), b.field(), Modifier.PRIVATE,
                  Modifier.FINAL)
              .initializer("new $T[workers.size()][$L]", t, b.size());
        }
        type.addField(f.build());
      }
    }
  }

  private TypeName bufferType(LayerEmitter.Buffer b) {
    return switch (b.kind()) {
      case "int" -> TypeName.INT;
      case "double" -> TypeName.DOUBLE;
      case "bits" -> p == Precision.FLOAT ? TypeName.INT : TypeName.LONG;
      case "columns" -> Conv2DEmitter.columnsClass(p);
      default -> p.type;
    };
  }

  private void addReserve(TypeSpec.Builder type) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("reserve").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Allocates every batch buffer for {@code n} samples, once: a smaller batch reuses them.\n")
        .addParameter(int.class, "n")
        .beginControlFlow("if (n <= capacity)").addStatement("return").endControlFlow();
    for (LayerEmitter e : emitters) {
      if (e.ownsOutput()) {
        m.addStatement("$L = new $T[n * $L_OUT_SIZE]", e.out(), p.type, e.prefix());
        m.addStatement("$L = new $T[n * $L_OUT_SIZE]", e.grad(), p.type, e.prefix());
      }
      for (LayerEmitter.Buffer b : e.buffers()) {
        if (b.scope() == LayerEmitter.Scope.BATCH) {
          m.addStatement("$L = new $T[n * $L]", b.field(), bufferType(b), b.size());
        }
      }
    }
    m.addStatement("capacity = n");
    type.addMethod(m.build());
  }

  private void addInitialize(TypeSpec.Builder type) {
    MethodSpec.Builder m = MethodSpec.methodBuilder("initialize").addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC).addParameter(long.class, "seed")
        .addStatement("$T random = new $T(seed)", SPLITTABLE_RANDOM, SPLITTABLE_RANDOM);
    for (LayerEmitter.Param param : allParams()) {
      switch (param.init()) {
        case GLOROT_UNIFORM -> m.addStatement("$T.glorotUniform($L, $L, $L, random)", LayerEmitter.INIT, param.field(),
            param.fanIn(), param.fanOut());
        case ZEROS -> m.addStatement("$T.fill($L, 0)", LayerEmitter.ARRAYS, param.field());
        case ONES -> m.addStatement("$T.fill($L, 1)", LayerEmitter.ARRAYS, param.field());
      }
    }
    type.addMethod(m.build());
  }

  private void addContractMethods(TypeSpec.Builder type) {
    type.addMethod(override("name", String.class).addStatement("return MODEL_NAME").build());
    type.addMethod(override("inputShape", int[].class).addStatement("return INPUT_SHAPE.clone()").build());
    type.addMethod(override("outputShape", int[].class).addStatement("return OUTPUT_SHAPE.clone()").build());
    type.addMethod(override("summary", String.class).addStatement("return SUMMARY").build());
    type.addMethod(override("parameters", ParameterizedTypeName.get(LIST, PARAMETER_INFO))
        .addStatement("return PARAMETERS").build());
    type.addMethod(override("sampleSize", int.class).addStatement("return INPUT_SIZE").build());
    type.addMethod(override("outputSize", int.class).addStatement("return OUTPUT_SIZE").build());
    type.addMethod(override("softmaxOutput", boolean.class).addStatement("return $L", softmaxOutput()).build());
    type.addMethod(override("trainableArrays", ArrayTypeName.of(array)).addStatement("return trainable").build());
    type.addMethod(override("gradientArrays", ArrayTypeName.of(array)).addStatement("return gradients").build());
    MethodSpec.Builder logits = override("logits", array);
    if (softmaxOutput()) {
      logits.addStatement("return $L", logitsField());
    } else {
      logits.addStatement("throw new $T(MODEL_NAME + \": the output layer is not a softmax, so it has no logits\")",
          UnsupportedOperationException.class);
    }
    type.addMethod(logits.build());

    MethodSpec.Builder array = MethodSpec.methodBuilder("array").addModifiers(Modifier.PRIVATE)
        .returns(this.array).addParameter(String.class, "name").beginControlFlow("switch (name)");
    for (LayerEmitter.Param param : allParams()) {
      array.addStatement("case $S: return $L", param.key(), param.field());
    }
    array.addStatement("default: throw $T.unknownParameter(MODEL_NAME, name, PARAMETERS)", TENSORS).endControlFlow();
    type.addMethod(array.build());
    MethodSpec.Builder grad = MethodSpec.methodBuilder("gradientArray").addModifiers(Modifier.PRIVATE)
        .returns(this.array).addParameter(String.class, "name").beginControlFlow("switch (name)");
    for (LayerEmitter.Param param : trainableParams()) {
      grad.addStatement("case $S: return $L", param.key(), param.gradField());
    }
    grad.addStatement("default: throw $T.noGradient(MODEL_NAME, name, PARAMETERS)", TENSORS).endControlFlow();
    type.addMethod(grad.build());

    type.addMethod(override("parameter", INDARRAY).addParameter(String.class, "name")
        .addStatement("return $T.create(array(name), $T.find(MODEL_NAME, name, PARAMETERS))", TENSORS, TENSORS).build());
    type.addMethod(override("gradient", INDARRAY).addParameter(String.class, "name")
        .addStatement("return $T.create(gradientArray(name), $T.find(MODEL_NAME, name, PARAMETERS))", TENSORS, TENSORS)
        .build());
    type.addMethod(override("setParameter", void.class).addParameter(String.class, "name")
        .addParameter(INDARRAY, "value")
        .addStatement("$T.copyInto(value, array(name), MODEL_NAME, $T.find(MODEL_NAME, name, PARAMETERS))", TENSORS,
            TENSORS)
        .build());
  }

  private static MethodSpec.Builder override(String name, java.lang.reflect.Type returns) {
    return override(name, TypeName.get(returns));
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
        .returns(returns);
  }

  /**
   * Calls {@code steps} on samples {@code [from, to)}: each run of steps that work sample by sample a block of
   * SAMPLE_BLOCK samples at a time, the others (where workers meet) once over all of them.
   */
  private static void addSteps(MethodSpec.Builder method, List<LayerEmitter.Step> steps) {
    int i = 0;
    while (i < steps.size()) {
      if (!steps.get(i).blocked()) {
        method.addStatement("$L(worker, from, to)", steps.get(i).method());
        i++;
        continue;
      }
      method.beginControlFlow("for (int s0 = from; s0 < to; s0 += SAMPLE_BLOCK)")
          .addStatement("int s1 = Math.min(s0 + SAMPLE_BLOCK, to)");
      for (; i < steps.size() && steps.get(i).blocked(); i++) {
        method.addStatement("$L(worker, s0, s1)", steps.get(i).method());
      }
      method.endControlFlow();
    }
  }

  /**
   * Inference of a single sample with every worker: layers with a {@link LayerEmitter#forwardPart()} ({@code parts},
   * in layer order) split their work (a convolution its pixels, a fused pool its channels' values), the others run on
   * worker 0; workers meet at a barrier wherever one layer reads what more than one worker wrote.
   */
  private void addForwardOneSample(TypeSpec.Builder type, Map<LayerEmitter, CodeBlock> parts) {
    type.addField(FieldSpec.builder(CHUNK, "oneSampleChunk", Modifier.PRIVATE, Modifier.FINAL)
        .initializer("this::forwardOneSample").build());
    MethodSpec.Builder one = MethodSpec.methodBuilder("forwardOneSample").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Inference of sample 0 with every worker (batch-1 latency): the convolutions and fused pools"
            + " split their\nwork across the workers, worker 0 runs the other layers, and the workers meet in"
            + " between.\n")
        .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to")
        .addStatement("chunkStart[worker] = 0")
        .addStatement("int parts = workers.active()");
    boolean started = false;
    boolean previousSplit = false;
    List<String> workerZero = new ArrayList<>();
    for (Map.Entry<LayerEmitter, CodeBlock> entry : parts.entrySet()) {
      LayerEmitter e = entry.getKey();
      CodeBlock part = entry.getValue();
      if (part != null && part.isEmpty()) {
        continue; // fused into another layer
      }
      if (part == null) {
        if (started && previousSplit) {
          one.addStatement("workers.barrier()");
        }
        workerZero.add(e.name());
        previousSplit = false;
      } else {
        flushWorkerZero(one, workerZero);
        if (started) {
          one.addStatement("workers.barrier()");
        }
        one.addStatement("$LForwardPart(worker, parts)", e.name());
        type.addMethod(MethodSpec.methodBuilder(e.name() + "ForwardPart").addModifiers(Modifier.PRIVATE)
            .addParameter(int.class, "worker").addParameter(int.class, "parts").addCode(part).build());
        previousSplit = true;
      }
      started = true;
    }
    flushWorkerZero(one, workerZero);
    type.addMethod(one.build());
  }

  private static void flushWorkerZero(MethodSpec.Builder method, List<String> layers) {
    if (layers.isEmpty()) {
      return;
    }
    method.beginControlFlow("if (worker == 0)");
    for (String layer : layers) {
      method.addStatement("$LForward(0, 0, 1)", layer);
    }
    method.endControlFlow();
    layers.clear();
  }

  private void addForwardAndBackward(TypeSpec.Builder type) {
    type.addMethod(MethodSpec.methodBuilder("parts").addModifiers(Modifier.PRIVATE)
        .addJavadoc("One gradient array per worker: {@code gradient} itself, then new ones of {@code size}.\n")
        .returns(ArrayTypeName.of(array)).addParameter(array, "gradient").addParameter(int.class, "size")
        .addStatement("$T[][] parts = new $T[workers.size()][]", p.type, p.type)
        .addStatement("parts[0] = gradient")
        .beginControlFlow("for (int w = 1; w < parts.length; w++)")
        .addStatement("parts[w] = new $T[size]", p.type)
        .endControlFlow()
        .addStatement("return parts").build());

    MethodSpec.Builder forward = override("forward", array)
        .addParameter(array, "batch").addParameter(int.class, "n").addParameter(boolean.class, "training")
        .addStatement("$T.checkBatch(MODEL_NAME, batch.length, n, INPUT_SIZE)", TENSORS)
        .addStatement("reserve(n)")
        .addStatement("this.input = batch")
        .addStatement("this.n = n")
        .addStatement("this.training = training");
    CodeBlock.Builder prepare = CodeBlock.builder();
    for (LayerEmitter e : emitters) {
      prepare.add(e.prepareInference());
    }
    if (!prepare.isEmpty()) {
      forward.beginControlFlow("if (!training)").addStatement("prepareInference()").endControlFlow();
      type.addMethod(MethodSpec.methodBuilder("prepareInference").addModifiers(Modifier.PRIVATE)
          .addJavadoc("Inference: the per-channel values BatchNorm uses, from its moving statistics, before the"
              + " workers start.\n")
          .addCode(prepare.build()).build());
    }
    Map<LayerEmitter, CodeBlock> parts = new LinkedHashMap<>();
    for (LayerEmitter e : emitters) {
      parts.put(e, e.forwardPart()); // null: not split
    }
    if (parts.values().stream().anyMatch(part -> part != null && !part.isEmpty())) {
      forward.addComment("one sample: split across the workers when they are awake (waking them costs more)")
          .beginControlFlow("if (!training && n == 1 && workers.size() > 1 && workers.wakeUp())")
          .addStatement("workers.runAll(1, oneSampleChunk)")
          .nextControlFlow("else")
          .addStatement("workers.run(n, forwardChunk)")
          .endControlFlow();
      addForwardOneSample(type, parts);
    } else {
      forward.addStatement("workers.run(n, forwardChunk)");
    }
    forward.addStatement("return $L", output().out());
    type.addMethod(forward.build());
    int largest = emitters.stream().mapToInt(e -> e.layer.outputSize()).max().orElse(1);
    type.addField(FieldSpec.builder(int.class, "SAMPLE_BLOCK", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc("Samples that go through a run of layers together: about 512 KB of the largest activation, so"
            + " that each layer\nreads what the one before wrote while it is still in cache.\n")
        .initializer("$L", sampleBlock > 0 ? sampleBlock : Math.max(1, 131072 / largest)).build());
    MethodSpec.Builder forwardChunk = MethodSpec.methodBuilder("forwardChunk").addModifiers(Modifier.PRIVATE)
        .addJavadoc("One worker's share of the forward pass: samples {@code [from, to)}, a block of samples at a time"
            + " through\nevery layer in inference; in training through each run of layers between the points where"
            + " BatchNorm\nneeds the whole batch's statistics.\n")
        .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to")
        .addStatement("chunkStart[worker] = from")
        .beginControlFlow("if (!training)")
        .beginControlFlow("for (int s0 = from; s0 < to; s0 += SAMPLE_BLOCK)")
        .addStatement("forwardLayers(worker, s0, Math.min(s0 + SAMPLE_BLOCK, to))")
        .endControlFlow()
        .addStatement("return")
        .endControlFlow();
    List<LayerEmitter.Step> forwardSteps = new ArrayList<>();
    for (LayerEmitter e : emitters) {
      forwardSteps.addAll(e.forwardSteps());
    }
    addSteps(forwardChunk, forwardSteps);
    type.addMethod(forwardChunk.build());
    MethodSpec.Builder forwardLayers = MethodSpec.methodBuilder("forwardLayers").addModifiers(Modifier.PRIVATE)
        .addJavadoc("Inference: samples {@code [from, to)} through every layer, in order.\n")
        .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to");
    for (LayerEmitter e : emitters) {
      forwardLayers.addStatement("$LForward(worker, from, to)", e.name());
    }
    type.addMethod(forwardLayers.build());
    for (LayerEmitter e : emitters) {
      for (Map.Entry<String, CodeBlock> m : e.extraMethods().entrySet()) {
        type.addMethod(MethodSpec.methodBuilder(e.name() + m.getKey()).addModifiers(Modifier.PRIVATE)
            .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to")
            .addCode(m.getValue()).build());
      }
    }

    MethodSpec.Builder pass = MethodSpec.methodBuilder("backwardPass").addModifiers(Modifier.PRIVATE)
        .addParameter(array, "outputGradient").addParameter(int.class, "n")
        .addParameter(boolean.class, "fromLogits")
        .beginControlFlow("if (input == null || n > capacity)")
        .addStatement("throw new $T(MODEL_NAME + \": backward needs a forward pass of at least \" + n + \" samples first\")",
            IllegalStateException.class)
        .endControlFlow()
        .addStatement("$T.checkBatch(MODEL_NAME, outputGradient.length, n, OUTPUT_SIZE)", TENSORS)
        .addStatement("System.arraycopy(outputGradient, 0, $L, 0, n * OUTPUT_SIZE)", output().grad())
        .beginControlFlow("if (inputGradientWanted && inputGrad.length < n * INPUT_SIZE)")
        .addStatement("inputGrad = new $T[n * INPUT_SIZE]", p.type)
        .endControlFlow()
        .addStatement("this.n = n")
        .addStatement("this.fromLogits = fromLogits")
        .addStatement("workers.run(n, backwardChunk)");
    type.addMethod(pass.build());
    MethodSpec.Builder backwardChunk = MethodSpec.methodBuilder("backwardChunk").addModifiers(Modifier.PRIVATE)
        .addJavadoc("One worker's share of the backward pass: samples {@code [from, to)}, last layer first; then the\n"
            + "workers' partial parameter gradients are added up, each worker a slice.\n")
        .addParameter(int.class, "worker").addParameter(int.class, "from").addParameter(int.class, "to");
    backwardChunk.addStatement("chunkStart[worker] = from");
    List<LayerEmitter.Step> backwardSteps = new ArrayList<>();
    for (int i = emitters.size() - 1; i >= 0; i--) {
      backwardSteps.addAll(emitters.get(i).backwardSteps());
    }
    addSteps(backwardChunk, backwardSteps);
    List<LayerEmitter.Param> summed = trainableParams().stream().filter(LayerEmitter.Param::summedOverWorkers).toList();
    if (!summed.isEmpty()) {
      backwardChunk.beginControlFlow("if (workers.active() > 1)").addStatement("workers.barrier()");
      for (LayerEmitter.Param param : summed) {
        backwardChunk.addStatement("$T.addParts($L, workers.active(), worker)", WORKERS, param.partsField());
      }
      backwardChunk.endControlFlow();
    }
    type.addMethod(backwardChunk.build());

    type.addMethod(override("backward", void.class).addParameter(array, "outputGradient")
        .addParameter(int.class, "n").addStatement("backwardPass(outputGradient, n, false)").build());
    MethodSpec.Builder fromLogits = override("backwardFromLogits", void.class)
        .addParameter(array, "logitsGradient").addParameter(int.class, "n");
    if (softmaxOutput()) {
      fromLogits.addStatement("backwardPass(logitsGradient, n, true)");
    } else {
      fromLogits.addStatement("throw new $T(MODEL_NAME + \": the output layer is not a softmax, so it has no logits\")",
          UnsupportedOperationException.class);
    }
    type.addMethod(fromLogits.build());

    type.addMethod(override("forward", INDARRAY).addParameter(INDARRAY, "batch")
        .addParameter(boolean.class, "training")
        .addStatement("int n = $T.batchSize(MODEL_NAME, batch, INPUT_SHAPE)", TENSORS)
        .addStatement("return $T.create(forward($T.$L(batch), n, training), n, OUTPUT_SHAPE)", TENSORS, TENSORS,
            p.toArray)
        .build());
    type.addMethod(override("backward", INDARRAY).addParameter(INDARRAY, "outputGradient")
        .addStatement("int n = $T.batchSize(MODEL_NAME, outputGradient, OUTPUT_SHAPE)", TENSORS)
        .addStatement("inputGradientWanted = true")
        .beginControlFlow("try")
        .addStatement("backwardPass($T.$L(outputGradient), n, false)", TENSORS, p.toArray)
        .nextControlFlow("finally")
        .addStatement("inputGradientWanted = false")
        .endControlFlow()
        .addStatement("return $T.create(inputGrad, n, INPUT_SHAPE)", TENSORS)
        .build());
  }
}
