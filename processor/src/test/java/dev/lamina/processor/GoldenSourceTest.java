package dev.lamina.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The seed model's generated source, against a committed golden copy (src/test/resources/golden/). After an
 * intended change to generated code, refresh it with {@code mvn test -pl processor -Dlamina.updateGolden=true}
 * and review the diff.
 */
class GoldenSourceTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/SequentialModelNetwork.java");
  /** The seed model itself, from the samples module (tests run in the processor module's folder). */
  static final Path SEED_MODEL = Path.of("../samples/src/main/java/dev/lamina/samples/SequentialModel.java");

  @Test
  void seedModelSourceMatchesGoldenFile() throws IOException {
    JavaFileObject model = JavaFileObjects.forSourceString("dev.lamina.samples.SequentialModel",
        Files.readString(SEED_MODEL, StandardCharsets.UTF_8));
    Compilation c = Compiler.javac().withProcessors(new LaminaProcessor()).withOptions("-proc:only").compile(model);
    assertThat(c).succeededWithoutWarnings();
    if (Boolean.getBoolean("lamina.updateGolden")) {
      String generated = c.generatedSourceFile("dev.lamina.samples.SequentialModelNetwork").orElseThrow()
          .getCharContent(true).toString();
      Files.writeString(GOLDEN, generated, StandardCharsets.UTF_8);
    }
    assertThat(c).generatedSourceFile("dev.lamina.samples.SequentialModelNetwork")
        .hasSourceEquivalentTo(JavaFileObjects.forResource("golden/SequentialModelNetwork.java"));
  }
}
