package io.connectionrelay.deliver.csv;

/** File names built from data must stay inside their folder: keep letters, digits, dot, dash, underscore. */
public final class FileNames {

    private FileNames() {
    }

    public static String safe(String value) {
        if (value == null || value.isBlank()) {
            return "unnamed";
        }
        String cleaned = value.replaceAll("[^A-Za-z0-9._-]", "_");
        return cleaned.startsWith(".") ? "_" + cleaned.substring(1) : cleaned;
    }
}
