package dev.lamina.processor.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Keras's figures: counts with thousands separators, sizes at 4 bytes a parameter in B, KB, MB (by 1024). */
class SummaryTableTest {
  @Test
  void countsAndSizesAsKerasPrintsThem() {
    assertEquals("35,210", SummaryTable.count(35_210));
    assertEquals("137.54 KB", SummaryTable.bytes(35_210));
    assertEquals("136.79 KB", SummaryTable.bytes(35_018));
    assertEquals("768.00 B", SummaryTable.bytes(192));
    assertEquals("0.00 B", SummaryTable.bytes(0));
    assertEquals("1.00 KB", SummaryTable.bytes(256));
    assertEquals("3.81 MB", SummaryTable.bytes(1_000_000));
  }
}
