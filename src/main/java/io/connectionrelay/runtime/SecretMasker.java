package io.connectionrelay.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Replaces the values of secret settings (any relay.* key ending in token, password, passphrase,
 * api-key or secret) with ****, wherever text leaves the process: dead-letter entries, the startup summary.
 */
public final class SecretMasker {

    public static final String MASK = "****";
    private static final Set<String> SECRET_SUFFIXES = Set.of("token", "password", "passphrase", "api-key", "secret", "secrets");

    private final List<String> secrets;

    public SecretMasker(Settings settings) {
        this.secrets = settings.keysWithPrefix("relay.").stream()
                .filter(SecretMasker::isSecretKey)
                .flatMap(k -> settings.get(k).stream())
                .flatMap(v -> List.of(v.split(",")).stream())
                .map(String::trim)
                .filter(v -> v.length() >= 4)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    public static boolean isSecretKey(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1);
        return SECRET_SUFFIXES.stream().anyMatch(s -> last.equals(s) || last.endsWith("-" + s));
    }

    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }
}
