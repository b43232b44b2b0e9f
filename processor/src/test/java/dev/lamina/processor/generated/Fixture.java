package dev.lamina.processor.generated;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a golden fixture written by {@code processor/src/test/python/seed_model_oracle.py}: one array a line,
 * {@code name d0,d1,...: v0 v1 ...}, row-major, Keras layouts.
 */
final class Fixture {
  record Entry(long[] shape, double[] values) {}

  private final Map<String, Entry> entries = new HashMap<>();

  Fixture(String resource) throws IOException {
    try (InputStream in = Fixture.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no test resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int colon = line.indexOf(':');
        String[] head = line.substring(0, colon).trim().split(" ");
        long[] shape = head.length < 2 || head[1].isEmpty()
            ? new long[0]
            : Arrays.stream(head[1].split(",")).mapToLong(Long::parseLong).toArray();
        double[] values = Arrays.stream(line.substring(colon + 1).trim().split(" "))
            .mapToDouble(Double::parseDouble).toArray();
        entries.put(head[0], new Entry(shape, values));
      }
    }
  }

  Entry get(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new IllegalArgumentException("fixture has no entry " + name + "; it has " + entries.keySet());
    }
    return e;
  }

  double[] values(String name) {
    return get(name).values();
  }
}
