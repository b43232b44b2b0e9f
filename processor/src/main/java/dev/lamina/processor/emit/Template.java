package dev.lamina.processor.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Java code written as text with {@code {name}} placeholders, turned into a JavaPoet {@link CodeBlock}: a
 * placeholder whose value is a {@link TypeName} becomes {@code $T} (so JavaPoet writes the import), any other value
 * becomes {@code $L}. Emitters read like the code they write.
 */
final class Template {
  private Template() {}

  static CodeBlock render(String text, Map<String, ?> values) {
    StringBuilder format = new StringBuilder();
    List<Object> args = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int close = c == '{' ? text.indexOf('}', i) : -1;
      String key = close > i + 1 ? text.substring(i + 1, close) : null;
      if (key != null && values.containsKey(key)) {
        Object value = values.get(key);
        format.append(value instanceof TypeName ? "$T" : "$L");
        args.add(value);
        i = close + 1;
      } else {
        format.append(c == '$' ? "$$" : String.valueOf(c));
        i++;
      }
    }
    return CodeBlock.of(format.toString(), args.toArray());
  }
}
