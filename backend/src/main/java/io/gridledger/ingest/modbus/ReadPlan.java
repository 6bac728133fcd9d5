package io.gridledger.ingest.modbus;

import io.gridledger.simulator.modbus.RegisterMap;
import io.gridledger.simulator.modbus.RegisterMapEntry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which Modbus requests read a meter's registers: the wanted map entries, grouped by function code and coalesced into
 * as few requests as practical. Two entries share a request when they are adjacent, or when every word between them
 * is one the register map defines (devices answer defined addresses; many refuse a read that touches an undefined
 * one), and the request stays within {@link #MAX_WORDS}.
 */
public final class ReadPlan {

  /** Function 03/04 read at most 125 registers in one request. */
  public static final int MAX_WORDS = 125;

  /** One request: {@code count} words from {@code start}, carrying {@code entries}. */
  public record Block(int function, int start, int count, List<RegisterMapEntry> entries) {
    /** The words of {@code entry} within this block's response. */
    public int[] wordsOf(RegisterMapEntry entry, int[] response) {
      int[] words = new int[entry.words()];
      System.arraycopy(response, entry.address() - start, words, 0, entry.words());
      return words;
    }
  }

  private ReadPlan() {
  }

  public static List<Block> plan(RegisterMap map, Collection<String> wanted) {
    List<Block> blocks = new ArrayList<>();
    for (int function : new int[] {3, 4}) {
      Set<Integer> defined = new HashSet<>();
      for (RegisterMapEntry e : map.registers()) {
        if (e.function() == function) {
          for (int w = 0; w < e.words(); w++) {
            defined.add(e.address() + w);
          }
        }
      }
      List<RegisterMapEntry> entries = map.registers().stream()
        .filter(e -> e.function() == function && wanted.contains(e.name()))
        .sorted(Comparator.comparingInt(RegisterMapEntry::address))
        .toList();
      int start = -1, end = -1;   // end is exclusive
      List<RegisterMapEntry> current = new ArrayList<>();
      for (RegisterMapEntry e : entries) {
        int eEnd = e.address() + e.words();
        boolean joins = !current.isEmpty() && eEnd - start <= MAX_WORDS && e.address() >= end
          && covered(defined, end, e.address());
        if (!current.isEmpty() && e.address() < end) {
          joins = Math.max(end, eEnd) - start <= MAX_WORDS;   // overlapping entries share the request
        }
        if (!joins && !current.isEmpty()) {
          blocks.add(new Block(function, start, end - start, List.copyOf(current)));
          current.clear();
        }
        if (current.isEmpty()) {
          start = e.address();
          end = eEnd;
        } else {
          end = Math.max(end, eEnd);
        }
        current.add(e);
      }
      if (!current.isEmpty()) {
        blocks.add(new Block(function, start, end - start, List.copyOf(current)));
      }
    }
    return blocks;
  }

  private static boolean covered(Set<Integer> defined, int from, int to) {
    for (int a = from; a < to; a++) {
      if (!defined.contains(a)) {
        return false;
      }
    }
    return true;
  }
}
