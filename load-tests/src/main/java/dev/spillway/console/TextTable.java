package dev.spillway.console;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A console table: columns sized to their widest cell, each aligned left ({@code l}) or right ({@code r}). */
public final class TextTable {
    private final String align;
    private final List<String[]> rows = new ArrayList<>();

    /** @param align one letter per column, {@code l} or {@code r} */
    public TextTable(String align, String... header) {
        if (align.length() != header.length)
            throw new IllegalArgumentException("align=" + align + " has " + align.length() + " letters for "
                + header.length + " columns");
        this.align = align;
        rows.add(header);
    }

    public TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    public void print(PrintStream out) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++)
                widths[c] = Math.max(widths[c], c < r.length ? r[c].length() : 0);
        }
        for (int i = 0; i < rows.size(); i++) {
            out.println(line(rows.get(i), widths));
            if (i == 0)
                out.println("  " + "-".repeat(Arrays.stream(widths).sum() + 3 * (columns - 1)));
        }
    }

    private String line(String[] cells, int[] widths) {
        StringBuilder sb = new StringBuilder("  ");
        for (int c = 0; c < widths.length; c++) {
            String cell = c < cells.length ? cells[c] : "";
            String pad = " ".repeat(widths[c] - cell.length());
            sb.append(align.charAt(c) == 'l' ? cell + pad : pad + cell);
            if (c < widths.length - 1)
                sb.append("   ");
        }
        return sb.toString().stripTrailing();
    }
}
