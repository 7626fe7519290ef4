package dev.ebpf4j.k8s.lb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.*;

class ChiSquareTest {
    /** Upper-tail critical values as printed in chi-square tables (NIST/SEMATECH e-Handbook, section 1.3.6.7.4). */
    @ParameterizedTest
    @CsvSource({"1, 0.05, 3.841", "1, 0.001, 10.828", "2, 0.001, 13.816", "6, 0.001, 22.458", "10, 0.05, 18.307",
            "15, 0.001, 37.697", "49, 0.001, 85.351", "100, 0.05, 124.342"})
    void criticalValuesMatchTheTable(int df, double alpha, double table) {
        assertEquals(table, ChiSquare.criticalValue(df, alpha), 0.0015, "df " + df + " alpha " + alpha);
        assertEquals(alpha, ChiSquare.pValue(table, df), alpha * 0.002, "p-value at the table's value");
    }

    /** Lower-tail critical values P(X <= x) = alpha, from the same tables. */
    @ParameterizedTest
    @CsvSource({"2, 0.001, 0.002", "10, 0.05, 3.940", "49, 0.001, 23.983", "99, 0.01, 69.230"})
    void lowerCriticalValuesMatchTheTable(int df, double alpha, double table) {
        assertEquals(table, ChiSquare.lowerCriticalValue(df, alpha), 0.0015, "df " + df + " alpha " + alpha);
        assertEquals(alpha, ChiSquare.lowerTail(table, df), alpha * 0.01, "lower tail at the table's value");
        assertEquals(1, ChiSquare.lowerTail(table, df) + ChiSquare.pValue(table, df), 1e-12, "the tails add up to 1");
    }

    @Test
    void pValuesOfClosedForms() {
        // df 2: Q(1, x/2) = e^(-x/2); df 4: (1 + x/2) e^(-x/2)
        for (double x : new double[]{0.1, 1, 2.5, 7, 30}) {
            assertEquals(Math.exp(-x / 2), ChiSquare.pValue(x, 2), 1e-12, "df 2 at " + x);
            assertEquals((1 + x / 2) * Math.exp(-x / 2), ChiSquare.pValue(x, 4), 1e-12, "df 4 at " + x);
        }
        assertEquals(1, ChiSquare.pValue(0, 5));
        assertEquals(Math.log(24), ChiSquare.logGammaHalfInteger(10), 1e-12, "Γ(5) = 4!");
        assertEquals(Math.log(0.75 * Math.sqrt(Math.PI)), ChiSquare.logGammaHalfInteger(5), 1e-12, "Γ(5/2) = 3√π/4");
    }

    @Test
    void statisticAgainstUniformAndGivenShares() {
        assertEquals(10.0, ChiSquare.uniformStatistic(new long[]{10, 20, 30}), 1e-12); // (100 + 0 + 100) / 20
        assertEquals(0.0, ChiSquare.statistic(new long[]{10, 30}, new double[]{1, 3}), 1e-12);
        assertEquals(0.0, ChiSquare.statistic(new long[]{10, 30}, new double[]{0.25, 0.75}), 1e-12, "shares normalised");
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.uniformStatistic(new long[]{1}));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.uniformStatistic(new long[]{0, 0}));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.uniformStatistic(new long[]{3, -1}));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.statistic(new long[]{1, 2}, new double[]{1, 0}));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.pValue(1, 0));
        assertThrows(IllegalArgumentException.class, () -> ChiSquare.criticalValue(3, 1.5));
    }
}
