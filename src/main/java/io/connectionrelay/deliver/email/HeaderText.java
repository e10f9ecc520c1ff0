package io.connectionrelay.deliver.email;

/**
 * Data that ends up in a mail header (a manager's name, the subject) or on one line of a digest:
 * every control character, CR and LF above all, becomes a space, so no data can start a header
 * line of its own.
 */
final class HeaderText {

    private HeaderText() {
    }

    static String oneLine(String value) {
        if (value == null) {
            return null;
        }
        return value.replaceAll("[\\p{Cntrl}\\u2028\\u2029\\u0085]+", " ").strip();
    }
}
