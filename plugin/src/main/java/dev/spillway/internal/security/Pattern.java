package dev.spillway.internal.security;

import java.io.Serializable;
import java.util.List;

/**
 * A name pattern of the security file: {@code *} stands for any run of characters, everything else for itself,
 * so {@code orders-*} matches {@code orders-eu} and {@code orders-}, and {@code *} matches every name.
 */
public record Pattern(String text) implements Serializable {
    public static final Pattern ANY = new Pattern("*");

    public Pattern {
        if (text.isBlank())
            throw new IllegalArgumentException("is blank");
    }

    /** Whether the whole of {@code name} matches. */
    public boolean matches(String name) {
        return matches(text, 0, name, 0);
    }

    static boolean anyMatches(List<Pattern> patterns, String name) {
        for (Pattern p : patterns) {
            if (p.matches(name))
                return true;
        }
        return false;
    }

    private static boolean matches(String p, int pi, String s, int si) {
        // Iterative glob match with backtracking to the last '*': linear for patterns with one star.
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) != '*' && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            }
            else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            }
            else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            }
            else
                return false;
        }
        while (pi < p.length() && p.charAt(pi) == '*')
            pi++;
        return pi == p.length();
    }

    @Override
    public String toString() {
        return text;
    }
}
