package dev.ebpf4j.k8s.lb;

/**
 * Pearson's chi-square goodness-of-fit test, for checking that the datapath spreads flows over backends in the
 * proportions it should. The p-value is the upper regularised incomplete gamma function Q(df/2, x/2), computed by its
 * power series below a + 1 and by its continued fraction (modified Lentz) above; with an integer df, a = df/2 is a
 * whole or half number, so ln Γ(a) is summed exactly from Γ(1) = 1 and Γ(1/2) = √π instead of being approximated.
 */
final class ChiSquare {
    private static final double EPSILON = 1e-15, TINY = 1e-300;

    private ChiSquare() {
    }

    /**
     * The statistic Σ (observed − expected)² / expected, with expected = total × share.
     *
     * @param observed counts per category, none negative, total above zero
     * @param shares   the expected share of each category, each above zero; they are normalised to sum to 1
     */
    static double statistic(long[] observed, double[] shares) {
        if (observed.length != shares.length || observed.length < 2) {
            throw new IllegalArgumentException("need as many shares as counts, at least 2: " + observed.length + " counts, "
                    + shares.length + " shares");
        }
        long total = 0;
        double shareSum = 0;
        for (int i = 0; i < observed.length; i++) {
            if (observed[i] < 0) throw new IllegalArgumentException("negative count at " + i + ": " + observed[i]);
            if (!(shares[i] > 0)) throw new IllegalArgumentException("share at " + i + " must be above 0: " + shares[i]);
            total += observed[i];
            shareSum += shares[i];
        }
        if (total == 0) throw new IllegalArgumentException("no observations");
        double x = 0;
        for (int i = 0; i < observed.length; i++) {
            double expected = total * shares[i] / shareSum;
            double d = observed[i] - expected;
            x += d * d / expected;
        }
        return x;
    }

    /** The statistic against equal shares. */
    static double uniformStatistic(long[] observed) {
        double[] equal = new double[observed.length];
        java.util.Arrays.fill(equal, 1.0);
        return statistic(observed, equal);
    }

    /** P(X ≥ x) for X chi-square distributed with {@code df} degrees of freedom (the upper tail, the usual p-value). */
    static double pValue(double x, int df) {
        return tail(x, df, true);
    }

    /**
     * P(X ≤ x), the lower tail: a fit too good to be chance (counts more even than independent draws make them) has a
     * small one.
     */
    static double lowerTail(double x, int df) {
        return tail(x, df, false);
    }

    private static double tail(double x, int df, boolean upper) {
        if (df < 1) throw new IllegalArgumentException("degrees of freedom must be at least 1: " + df);
        if (x < 0 || Double.isNaN(x)) throw new IllegalArgumentException("statistic must be >= 0: " + x);
        if (x == 0) return upper ? 1 : 0;
        double a = df / 2.0, z = x / 2.0;
        double front = Math.exp(-z + a * Math.log(z) - logGammaHalfInteger(df));
        // compute the smaller tail directly and the other as its complement, so that neither loses its digits
        if (z < a + 1) {
            double lower = front * lowerSeries(a, z);
            return upper ? 1 - lower : lower;
        }
        double up = front * upperFraction(a, z);
        return upper ? up : 1 - up;
    }

    /** The x with P(X ≥ x) = alpha (the table's critical value), by bisection. */
    static double criticalValue(int df, double alpha) {
        return quantile(df, alpha, true);
    }

    /** The x with P(X ≤ x) = alpha. */
    static double lowerCriticalValue(int df, double alpha) {
        return quantile(df, alpha, false);
    }

    private static double quantile(int df, double alpha, boolean upper) {
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1): " + alpha);
        double lo = 0, hi = df + 20 * Math.sqrt(2.0 * df) + 100;
        while (pValue(hi, df) > alpha) hi *= 2;
        for (int i = 0; i < 400 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            // the upper tail falls as x grows, the lower one rises
            if (upper ? pValue(mid, df) > alpha : lowerTail(mid, df) < alpha) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** ln Γ(df / 2), exact up to rounding: Γ(a + 1) = a Γ(a) from Γ(1) = 1 or Γ(1/2) = √π. */
    static double logGammaHalfInteger(int df) {
        double a = df % 2 == 0 ? 1 : 0.5;
        double log = df % 2 == 0 ? 0 : 0.5 * Math.log(Math.PI);
        for (; a < df / 2.0; a++) log += Math.log(a);
        return log;
    }

    /** Σ z^n / (a (a+1) ... (a+n)): P(a, z) = e^-z z^a / Γ(a) times this. */
    private static double lowerSeries(double a, double z) {
        double term = 1 / a, sum = term;
        for (int n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * EPSILON; n++) {
            term *= z / (a + n);
            sum += term;
        }
        return sum;
    }

    /** The continued fraction 1 / (z + 1 - a - 1(1-a) / (z + 3 - a - 2(2-a) / ...)): Q(a, z) = e^-z z^a / Γ(a) times this. */
    private static double upperFraction(double a, double z) {
        double b = z + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < TINY) d = TINY;
            c = b + an / c;
            if (Math.abs(c) < TINY) c = TINY;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < EPSILON) break;
        }
        return h;
    }
}
