package dev.spillway.internal.security;

import dev.spillway.PasswordHash;
import dev.spillway.CheckpointAction;
import dev.spillway.ConfigurationProblem;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node's security file, read once at start: who the node itself is (server nodes and thick clients present it
 * when they join), and on server nodes, the identities the cluster accepts with what each may do.
 *
 * <pre>
 * node.identity = node
 * node.password = the node's own password, as such
 * identity.node.password = pbkdf2-sha256:600000:SALT:HASH
 * identity.node.role = server
 * identity.orders.password = pbkdf2-sha256:600000:SALT:HASH
 * identity.orders.save = orders-*
 * identity.orders.restore = orders-*, shared
 * identity.orders.list = *
 * </pre>
 *
 * An identity's role is {@code client} unless set. An identity may do an action only on the applications its
 * patterns for that action match ({@code save}, {@code restore}, {@code list}, {@code delete}; none when left out),
 * except a server identity given no pattern at all, which may do every action on every application (a server
 * identity's patterns bound what applications running inside its nodes may do). A client identity may use caches
 * besides Spillway's only as {@code caches} allows. The file
 * holds the node's own password, so only its owner may read it: a file others can read is refused.
 */
public final class SecurityFile {
    private static final String NODE_IDENTITY = "node.identity";
    private static final String NODE_PASSWORD = "node.password";
    private static final String IDENTITY = "identity.";
    private static final Set<String> ATTRIBUTES = Set.of("password", "role", "save", "restore", "list", "delete",
        "caches", "maxSessions", "maxReserved", "maxCheckpoint");

    /** A count or a size: digits, then for a size a unit, B, KB, MB, GB or TB (units of 1024). */
    private static final java.util.regex.Pattern QUOTA = java.util.regex.Pattern.compile("(\\d+)\\s*([KMGT]?B)?",
        java.util.regex.Pattern.CASE_INSENSITIVE);

    private final Path path;
    private final String nodeIdentity;
    private final char[] nodePassword;
    private final Map<String, Identity> identities;
    private final List<ConfigurationProblem> problems;
    private final byte[] tableDigest;

    /** One identity the cluster accepts: its password's hash and its grants. */
    public record Identity(PasswordHash password, Grants grants) {
    }

    private SecurityFile(Path path, String nodeIdentity, char[] nodePassword, Map<String, Identity> identities,
                         List<ConfigurationProblem> problems, byte[] tableDigest) {
        this.tableDigest = tableDigest;
        this.path = path;
        this.nodeIdentity = nodeIdentity;
        this.nodePassword = nodePassword;
        this.identities = identities;
        this.problems = problems;
    }

    /**
     * Reads {@code path}. Never throws for a bad file: what is wrong is in {@link #problems()}, every problem
     * named.
     *
     * @param server whether the node is a server node, which must find its own identity among the identities, as
     *     a server
     */
    public static SecurityFile read(Path path, boolean server) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        String where = "spillway.securityFile";
        Properties props = new Properties();
        if (!Files.isRegularFile(path)) {
            problems.add(new ConfigurationProblem(where, path.toString(), "is not a file",
                "a readable properties file"));
            return new SecurityFile(path, null, null, Map.of(), problems, new byte[0]);
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
            Set<PosixFilePermission> others = notOwner(mode);
            if (!others.isEmpty()) {
                problems.add(new ConfigurationProblem(where, path.toString(), "can be read or written by other "
                    + "users (mode " + PosixFilePermissions.toString(mode) + "); it holds the node's password: "
                    + "chmod 600 it", "readable by its owner only"));
            }
        }
        catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its own access control applies.
        }
        catch (IOException e) {
            problems.add(new ConfigurationProblem(where, path.toString(), "cannot be read: " + e.getMessage(),
                "a readable properties file"));
            return new SecurityFile(path, null, null, Map.of(), problems, new byte[0]);
        }
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            props.load(r);
        }
        catch (IOException | IllegalArgumentException e) {
            problems.add(new ConfigurationProblem(where, path.toString(), "cannot be read: " + e.getMessage(),
                "a readable properties file"));
            return new SecurityFile(path, null, null, Map.of(), problems, new byte[0]);
        }
        return parse(path, props, server, problems);
    }

    static SecurityFile parse(Path path, Properties props, boolean server, List<ConfigurationProblem> problems) {
        String nodeIdentity = blankToNull(props.getProperty(NODE_IDENTITY));
        String password = props.getProperty(NODE_PASSWORD);
        if (nodeIdentity == null)
            problems.add(problem(NODE_IDENTITY, "(missing)", "is missing: a node presents its own identity when it "
                + "joins", "an identity named in this file"));
        if (password == null || password.isEmpty())
            problems.add(problem(NODE_PASSWORD, "(missing)", "is missing", "the node identity's password"));

        Map<String, Map<String, String>> byIdentity = new LinkedHashMap<>();
        MessageDigest table = Digests.sha256();
        for (String key : new TreeSet<>(props.stringPropertyNames())) {
            if (key.equals(NODE_IDENTITY) || key.equals(NODE_PASSWORD))
                continue;
            table.update((key + "=" + props.getProperty(key).trim() + "\n").getBytes(StandardCharsets.UTF_8));
            int dot = key.lastIndexOf('.');
            if (!key.startsWith(IDENTITY) || dot <= IDENTITY.length() || !ATTRIBUTES.contains(key.substring(dot + 1))) {
                problems.add(problem(key, shown(key, props.getProperty(key)), "is not a setting of the security "
                    + "file", "node.identity, node.password, identity.NAME." + String.join("|", new TreeSet<>(ATTRIBUTES))));
                continue;
            }
            byIdentity.computeIfAbsent(key.substring(IDENTITY.length(), dot), n -> new LinkedHashMap<>())
                .put(key.substring(dot + 1), props.getProperty(key).trim());
        }
        Map<String, Identity> identities = new LinkedHashMap<>();
        byIdentity.forEach((name, attrs) -> {
            Identity id = identity(name, attrs, problems);
            if (id != null)
                identities.put(name, id);
        });
        if (server && nodeIdentity != null) {
            Identity own = identities.get(nodeIdentity);
            if (own == null && !byIdentity.containsKey(nodeIdentity))
                problems.add(problem(NODE_IDENTITY, nodeIdentity, "is not among the identities of this server "
                    + "node's file: the first node of a cluster authenticates itself", "an identity.NAME of this file"));
            else if (own != null && own.grants().role() != Grants.Role.SERVER)
                problems.add(problem(NODE_IDENTITY, nodeIdentity, "is a client identity: a server node joins as "
                    + "a server identity", "an identity with role = server"));
            else if (own != null && password != null && !own.password().matches(password.toCharArray()))
                problems.add(problem(NODE_PASSWORD, "(hidden)", "does not match identity." + nodeIdentity
                    + ".password", "the password hashed there"));
        }
        return new SecurityFile(path, nodeIdentity, password == null ? null : password.toCharArray(),
            Map.copyOf(identities), List.copyOf(problems), table.digest());
    }

    private static Identity identity(String name, Map<String, String> attrs, List<ConfigurationProblem> problems) {
        String prefix = IDENTITY + name + ".";
        int before = problems.size();
        PasswordHash hash = null;
        String pwd = attrs.get("password");
        if (pwd == null)
            problems.add(problem(prefix + "password", "(missing)", "is missing", "a hash ./spillway passwd writes"));
        else {
            try {
                hash = PasswordHash.parse(pwd);
            }
            catch (IllegalArgumentException e) {
                problems.add(problem(prefix + "password", "(hidden)", e.getMessage(), "a hash ./spillway passwd "
                    + "writes"));
            }
        }
        Grants.Role role = Grants.Role.CLIENT;
        String roleText = attrs.getOrDefault("role", "client");
        try {
            role = Grants.Role.valueOf(roleText.toUpperCase(java.util.Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            problems.add(problem(prefix + "role", roleText, "is not a role", "server, client"));
        }
        Map<CheckpointAction, List<Pattern>> actions = new EnumMap<>(CheckpointAction.class);
        for (CheckpointAction a : CheckpointAction.values()) {
            String text = attrs.get(a.label());
            if (text != null)
                actions.put(a, patterns(prefix + a.label(), text, problems));
        }
        List<Pattern> caches = attrs.containsKey("caches") ? patterns(prefix + "caches", attrs.get("caches"), problems)
            : List.of();
        int maxSessions = (int)Math.min(Integer.MAX_VALUE, quota(prefix + "maxSessions", attrs.get("maxSessions"),
            false, problems));
        long maxReserved = quota(prefix + "maxReserved", attrs.get("maxReserved"), true, problems);
        long maxCheckpoint = quota(prefix + "maxCheckpoint", attrs.get("maxCheckpoint"), true, problems);
        Quotas quotas = new Quotas(maxSessions, maxReserved, maxCheckpoint);
        if (role == Grants.Role.SERVER && !caches.isEmpty())
            problems.add(problem(prefix + "caches", attrs.get("caches"), "is set on a server identity, which may use "
                + "every cache", "caches on client identities only"));
        if (problems.size() > before)
            return null;
        Grants grants = role == Grants.Role.SERVER && actions.isEmpty() && !quotas.any() ? Grants.server(name)
            : new Grants(name, role, actions.isEmpty() && role == Grants.Role.SERVER ? Grants.server(name).actions()
                : actions, role == Grants.Role.SERVER ? List.of(Pattern.ANY) : caches, quotas);
        return new Identity(hash, grants);
    }

    /**
     * A quota's value: a count, or with {@code size} a byte size ({@code 512MB}, {@code 2GB}: units of 1024); 0 when
     * not set.
     */
    private static long quota(String property, String text, boolean size, List<ConfigurationProblem> problems) {
        if (text == null)
            return 0;
        String allowed = size ? "a positive size such as 512MB or 2GB" : "a positive whole number";
        java.util.regex.Matcher m = QUOTA.matcher(text.trim());
        if (!m.matches() || (!size && m.group(2) != null)) {
            problems.add(problem(property, text, "is not " + allowed, allowed));
            return 0;
        }
        try {
            long n = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : 10 * "BKMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0)));
            if (n <= 0 || Long.numberOfLeadingZeros(n) <= shift) {
                problems.add(problem(property, text, "is not " + allowed, allowed));
                return 0;
            }
            return n << shift;
        }
        catch (NumberFormatException e) {
            problems.add(problem(property, text, "is not " + allowed, allowed));
            return 0;
        }
    }

    private static List<Pattern> patterns(String property, String text, List<ConfigurationProblem> problems) {
        List<Pattern> patterns = new ArrayList<>();
        for (String p : text.split(",")) {
            if (p.isBlank()) {
                problems.add(problem(property, text, "has an empty pattern", "comma-separated names, * for any "
                    + "characters"));
                return List.of();
            }
            patterns.add(new Pattern(p.trim()));
        }
        return patterns;
    }

    private static ConfigurationProblem problem(String key, String value, String reason, String allowed) {
        return new ConfigurationProblem(key, value, reason, allowed);
    }

    private static String shown(String key, String value) {
        return key.contains("password") ? "(hidden)" : value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** What is wrong with the file, each problem named with its setting; empty when the file is good. */
    public List<ConfigurationProblem> problems() {
        return problems;
    }

    public Path path() {
        return path;
    }

    /** The identity this node presents when it joins. */
    public String nodeIdentity() {
        return nodeIdentity;
    }

    /** The password this node presents when it joins; a copy. */
    public char[] nodePassword() {
        return nodePassword.clone();
    }

    /**
     * A SHA-256 digest of the identity table (every {@code identity.*} setting, in order): the same on every server
     * whose file holds the same identities, whatever else differs (each server's own identity, comments, order).
     */
    public byte[] tableDigest() {
        return tableDigest.clone();
    }

    /** The identities the cluster accepts, by name (empty on a thick client's file). */
    public Map<String, Identity> identities() {
        return identities;
    }

    private static Set<PosixFilePermission> notOwner(Set<PosixFilePermission> mode) {
        Set<PosixFilePermission> others = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : mode) {
            if (!p.name().startsWith("OWNER_"))
                others.add(p);
        }
        return others;
    }
}
