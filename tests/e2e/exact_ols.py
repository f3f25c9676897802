"""Exact least-squares answers, for checking tessera's accuracy: the normal equations are solved in
rational arithmetic (fractions.Fraction) on the exact values of the stored doubles, so nothing is
rounded until the final square roots, which are taken to 40 digits."""
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 40


def _solve(a, b):
    """Solves a x = b exactly (Gauss-Jordan over Fractions); also returns diag(a^-1)."""
    n = len(a)
    m = [row[:] + [b[i]] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for c in range(n):
        pivot = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[pivot] = m[pivot], m[c]
        inv = 1 / m[c][c]
        m[c] = [v * inv for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[c])]
    x = [m[i][n] for i in range(n)]
    diag_inv = [m[i][n + 1 + i] for i in range(n)]
    return x, diag_inv


def _sqrt(q):
    return float(Decimal(q.numerator) / Decimal(q.denominator)) if q == 0 else float((Decimal(q.numerator) / Decimal(q.denominator)).sqrt())


def exact_ols(X, y, intercept=True):
    """(coef, stderr) as floats rounded from exact values; intercept first when fitted."""
    rows = [[Fraction(1)] * intercept + [Fraction(float(v)) for v in row] for row in X]
    ys = [Fraction(float(v)) for v in y]
    q = len(rows[0])
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(q)] for i in range(q)]
    xty = [sum(r[i] * t for r, t in zip(rows, ys)) for i in range(q)]
    beta, diag_inv = _solve(xtx, xty)
    rss = sum((t - sum(b * v for b, v in zip(beta, r))) ** 2 for r, t in zip(rows, ys))
    sigma2 = rss / (len(rows) - q)
    return [float(b) for b in beta], [_sqrt(sigma2 * d) for d in diag_inv]
