package io.connectionrelay.deliver.export;

/**
 * Spreadsheet formula injection: a cell starting with = + - @ tab or CR is run as a formula by
 * Excel and LibreOffice. Prefixing a single quote makes it literal text (OWASP's advice); the
 * opt-out is relay.csv.formula-guard=false for consumers that are not spreadsheets.
 */
public final class FormulaGuard {

    private FormulaGuard() {
    }

    public static String neutralize(String cell) {
        if (cell == null || cell.isEmpty()) {
            return cell;
        }
        char first = cell.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + cell
                : cell;
    }
}
