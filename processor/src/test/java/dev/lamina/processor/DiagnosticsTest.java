package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Malformed models fail to compile with an error on the offending field (its line) that names the field, the
 * layer and the values or shapes involved; nothing is generated for them. The processor runs alone
 * ({@code -proc:only}): compiling generated code against the runtime is the runtime module's tests' job.
 */
class DiagnosticsTest {

  /** A model class whose body is {@code fields}; the header takes 5 lines, so field i is on line 6 + i. */
  static JavaFileObject model(String modelAnnotation, String... fields) {
    StringBuilder s = new StringBuilder();
    s.append("package test;\n");
    s.append("import static dev.lamina.annotations.ActivationType.*;\n");
    s.append("import dev.lamina.annotations.*;\n");
    s.append(modelAnnotation).append("\n");
    s.append("class Net {\n");
    for (String f : fields) {
      s.append("  ").append(f).append("\n");
    }
    s.append("}\n");
    return JavaFileObjects.forSourceString("test.Net", s.toString());
  }

  static Compilation compile(JavaFileObject source) {
    return Compiler.javac().withProcessors(new LaminaProcessor()).withOptions("-proc:only").compile(source);
  }

  /** Asserts one error containing each of {@code parts}, on the line of field number {@code fieldIndex}. */
  static void assertFieldError(JavaFileObject source, int fieldIndex, String... parts) {
    Compilation c = compile(source);
    assertThat(c).failed();
    for (String part : parts) {
      assertThat(c).hadErrorContaining(part).inFile(source).onLine(6 + fieldIndex);
    }
    assertTrue(generatesNothing(source), "nothing is generated for a broken model");
  }

  /** Runs javac with the processor into a fresh folder and reports whether it wrote no source there. */
  static boolean generatesNothing(JavaFileObject source) {
    try {
      Path out = Files.createTempDirectory("lamina-generated");
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
        files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(out));
        files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
        JavaCompiler.CompilationTask task =
            javac.getTask(null, files, d -> {}, List.of("-proc:only"), null, List.of(source));
        task.setProcessors(List.of(new LaminaProcessor()));
        task.call();
      }
      boolean nothing;
      try (Stream<Path> written = Files.walk(out)) {
        nothing = written.noneMatch(Files::isRegularFile);
      }
      try (Stream<Path> written = Files.walk(out)) {
        written.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      return nothing;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void nonPositiveFilters() {
    assertFieldError(model("@Model(input = {28, 28, 1})", "@Conv2D(filters = 0, kernel = {3, 3}) Layer conv1;"),
        0, "conv1 (@Conv2D): expected a positive integer. Received: filters=0");
  }

  @Test
  void nonPositiveUnits() {
    assertFieldError(model("@Model(input = {8})", "@Dense(units = -2) Layer out;"),
        0, "out (@Dense): expected a positive integer. Received: units=-2");
  }

  @Test
  void nonPositiveKernel() {
    assertFieldError(model("@Model(input = {28, 28, 1})", "@Conv2D(filters = 4, kernel = {0, 3}) Layer conv1;"),
        0, "conv1 (@Conv2D): kernel must be two positive integers {height, width}. Received: kernel={0, 3}");
  }

  @Test
  void kernelLargerThanInput() {
    assertFieldError(
        model("@Model(input = {28, 28, 1})",
            "@Conv2D(filters = 4, kernel = {3, 3}) Layer conv1;",
            "@MaxPool2D(pool = {13, 13}) Layer pool1;",
            "@Conv2D(filters = 8, kernel = {3, 3}) Layer conv2;"),
        2, "conv2 (@Conv2D): kernel 3x3 is larger than its input (None, 2, 2, 4)");
  }

  @Test
  void poolLargerThanInput() {
    assertFieldError(model("@Model(input = {4, 4, 1})", "@MaxPool2D(pool = {5, 2}) Layer pool;"),
        0, "pool (@MaxPool2D): pool 5x2 is larger than its input (None, 4, 4, 1)");
  }

  @Test
  void denseOnImagesNeedsFlatten() {
    assertFieldError(
        model("@Model(input = {28, 28, 1})",
            "@Conv2D(filters = 4, kernel = {3, 3}) Layer conv1;",
            "@Dense(units = 10) Layer out;"),
        1, "out (@Dense): expects a 1-D input (features) but its input is (None, 26, 26, 4); add a @Flatten field");
  }

  @Test
  void convOnFeaturesNeedsImage() {
    assertFieldError(model("@Model(input = {10})", "@Conv2D(filters = 2, kernel = {3, 3}) Layer conv;"),
        0, "conv (@Conv2D): expects a 3-D input (height, width, channels) but its input is (None, 10)");
  }

  @Test
  void twoLayerAnnotationsOnOneField() {
    assertFieldError(model("@Model(input = {8})", "@Dense(units = 4) @BatchNorm Layer mixed;"),
        0, "mixed: a field is one layer, but it carries @BatchNorm and @Dense");
  }

  @Test
  void unknownInputName() {
    assertFieldError(
        model("@Model(input = {8})", "@Dense(units = 4) Layer a;", "@Dense(units = 2, input = \"nope\") Layer b;"),
        1, "b (@Dense): input = \"nope\" names no layer field declared before b");
  }

  @Test
  void layerInClassWithoutModel() {
    JavaFileObject source = model("", "@Dense(units = 4) Layer lonely;");
    assertFieldError(source, 0, "lonely (@Dense): layer annotations are only read in a class annotated @Model");
  }

  @Test
  void modelProblemsAreOnTheClass() {
    JavaFileObject empty = model("@Model(input = {})", "@Dense(units = 4) Layer out;");
    assertThat(compile(empty)).hadErrorContaining("Net: @Model(input = {}) is empty").inFile(empty).onLine(5);
    JavaFileObject negative = model("@Model(input = {28, -1, 1})", "@Dense(units = 4) Layer out;");
    assertThat(compile(negative)).hadErrorContaining("Net: @Model input sizes must be positive. Received: input=[28, -1, 1]")
        .inFile(negative).onLine(5);
    JavaFileObject noLayers = model("@Model(input = {8})", "int notALayer;");
    assertThat(compile(noLayers)).hadErrorContaining("Net: a @Model class needs at least one layer field")
        .inFile(noLayers).onLine(5);
  }

  @Test
  void everyProblemOfAClassIsReportedInOneCompile() {
    JavaFileObject source = model("@Model(input = {28, 28, 1})",
        "@Conv2D(filters = 0, kernel = {3, 3}) Layer conv1;",
        "@BatchNorm(momentum = 1.5) Layer bn1;",
        "@Dense(units = 0) Layer out;");
    Compilation c = compile(source);
    assertThat(c).failed();
    List<Diagnostic<? extends JavaFileObject>> errors = c.errors();
    assertEquals(3, errors.size(), errors.toString());
    assertThat(c).hadErrorContaining("conv1 (@Conv2D)").inFile(source).onLine(6);
    assertThat(c).hadErrorContaining("bn1 (@BatchNorm): momentum must be in [0, 1). Received: momentum=1.5")
        .inFile(source).onLine(7);
    assertThat(c).hadErrorContaining("out (@Dense)").inFile(source).onLine(8);
  }

  @Test
  void validModelCompilesWithoutWarnings() {
    Compilation c = compile(model("@Model(input = {28, 28, 1})",
        "@Conv2D(filters = 4, kernel = {3, 3}, padding = Padding.SAME) Layer conv1;",
        "@BatchNorm Layer bn1;",
        "@Activation(RELU) Layer relu1;",
        "@MaxPool2D Layer pool1;",
        "@Flatten Layer flat;",
        "@Dense(units = 10, activation = SOFTMAX) Layer out;"));
    assertThat(c).succeededWithoutWarnings();
    assertTrue(!generatesNothing(c.sourceFiles().get(0)), "a valid model gets its network");
    assertThat(c).generatedSourceFile("test.NetNetwork").contentsAsUtf8String()
        .contains("conv1: Conv2D, (None, 28, 28, 1) -> (None, 28, 28, 4)");
  }
}
