"""Exact least-squares answers, for checking tessera's accuracy: the normal equations are solved in
rational arithmetic (fractions.Fraction) on the exact values of the stored doubles, so nothing is
rounded until the final square roots, which are taken to 40 digits."""
from decimal import Decimal, getcontext
from fractions import Fraction

getcontext().prec = 40


def _solve(a, b):
    """Solves a x = b exactly; also returns diag(a^-1)."""
    inv = _inverse(a)
    return [sum(r * v for r, v in zip(row, b)) for row in inv], [inv[i][i] for i in range(len(a))]


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


def _inverse(a):
    """a^-1 exactly (Gauss-Jordan over Fractions)."""
    n = len(a)
    m = [row[:] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(a)]
    for c in range(n):
        pivot = next(r for r in range(c, n) if m[r][c] != 0)
        m[c], m[pivot] = m[pivot], m[c]
        inv = 1 / m[c][c]
        m[c] = [v * inv for v in m[c]]
        for r in range(n):
            if r != c and m[r][c] != 0:
                f = m[r][c]
                m[r] = [v - f * w for v, w in zip(m[r], m[c])]
    return [row[n:] for row in m]


def exact_wls(X, y, cov_type="nonrobust", weights=None, intercept=True):
    """Weighted least squares with statsmodels' cov_type (nonrobust, HC0-HC3), in exact rational
    arithmetic on the stored doubles; weights default to 1 (OLS). Returns a dict of floats rounded
    from exact values: coef and stderr (intercept first when fitted) and fvalue, the F statistic
    that every slope is 0 (for a robust cov_type the Wald test, as statsmodels does)."""
    rows = [[Fraction(1)] * intercept + [Fraction(float(v)) for v in row] for row in X]
    ys = [Fraction(float(v)) for v in y]
    ws = [Fraction(1)] * len(ys) if weights is None else [Fraction(float(v)) for v in weights]
    n, q = len(rows), len(rows[0])
    xtx = [[sum(w * r[i] * r[j] for r, w in zip(rows, ws)) for j in range(q)] for i in range(q)]
    xty = [sum(w * r[i] * t for r, t, w in zip(rows, ys, ws)) for i in range(q)]
    a = _inverse(xtx)
    beta = [sum(a[i][j] * xty[j] for j in range(q)) for i in range(q)]
    resid = [t - sum(b * v for b, v in zip(beta, r)) for r, t in zip(rows, ys)]
    if cov_type == "nonrobust":
        sigma2 = sum(w * e * e for w, e in zip(ws, resid)) / (n - q)
        cov = [[sigma2 * v for v in row] for row in a]
    else:
        meat = [[Fraction(0)] * q for _ in range(q)]
        for r, e, w in zip(rows, resid, ws):
            omega = w * e * e  # the whitened residual, squared
            if cov_type in ("HC2", "HC3"):
                h = w * sum(r[i] * a[i][j] * r[j] for i in range(q) for j in range(q))
                omega /= (1 - h) if cov_type == "HC2" else (1 - h) ** 2
            for i in range(q):
                for j in range(q):
                    meat[i][j] += omega * w * r[i] * r[j]
        scale = Fraction(n, n - q) if cov_type == "HC1" else Fraction(1)
        am = [[sum(a[i][k] * meat[k][j] for k in range(q)) for j in range(q)] for i in range(q)]
        cov = [[scale * sum(am[i][k] * a[k][j] for k in range(q)) for j in range(q)] for i in range(q)]
    # F: the Wald statistic b_s' V_s^-1 b_s / J over the slopes (for nonrobust it equals the
    # textbook (ESS / J) / sigma^2).
    slopes = list(range(1 if intercept else 0, q))
    vs_inv = _inverse([[cov[i][j] for j in slopes] for i in slopes])
    bs = [beta[i] for i in slopes]
    wald = sum(bs[i] * vs_inv[i][j] * bs[j] for i in range(len(bs)) for j in range(len(bs))) / len(bs)
    return {"coef": [float(b) for b in beta], "stderr": [_sqrt(cov[i][i]) for i in range(q)], "fvalue": float(wald)}
