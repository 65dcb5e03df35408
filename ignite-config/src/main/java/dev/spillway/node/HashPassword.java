package dev.spillway.node;

import dev.spillway.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./spillway passwd}: reads a password (twice from a terminal, without echo; else the first line of standard
 * input) and prints the line a security file keeps for it, {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}. The password
 * is never an option: options show in the process list of every user of the machine.
 */
@Command(name = "passwd", mixinStandardHelpOptions = true,
    description = "Prints the hash of a password for a security file's identity.NAME.password; reads the password "
        + "from the terminal (twice, no echo) or from standard input, never from an option.")
public final class HashPassword implements Callable<Integer> {
    @Option(names = "--iterations", description = "PBKDF2 iterations, at least " + PasswordHash.MIN_ITERATIONS
        + " (default: ${DEFAULT-VALUE}; each handshake of the identity costs that many)")
    int iterations = PasswordHash.DFLT_ITERATIONS;

    public static void main(String[] args) {
        System.exit(new CommandLine(new HashPassword()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (iterations < PasswordHash.MIN_ITERATIONS) {
            System.err.println("error: --iterations=" + iterations + " is below " + PasswordHash.MIN_ITERATIONS);
            return 2;
        }
        char[] password = read();
        if (password == null || password.length == 0) {
            System.err.println("error: no password given");
            return 2;
        }
        try {
            System.out.println(PasswordHash.create(password, iterations));
            return 0;
        }
        finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] read() throws IOException {
        Console console = System.console();
        if (console == null) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? null : line.toCharArray();
        }
        char[] first = console.readPassword("password: ");
        char[] again = console.readPassword("again: ");
        if (first == null || !Arrays.equals(first, again)) {
            System.err.println("error: the passwords differ");
            return null;
        }
        Arrays.fill(again, '\0');
        return first;
    }
}
