"""The explorers' problems, as the page's engine (templates/static/engine.js) runs them,
and the same runs in JAX with optax, for the checks that the two agree.

A least-squares problem is written from the data's sums, never its rows: the means and
the centred mean squares and products of the two columns. From them, in float64: the
loss's Hessian h, the least-squares answer and its loss; the page and JAX both compute
loss(p) = best_loss + ½ dᵀ h d with d = p − answer, and its gradient h d, in float32,
so a chapter of two million rows costs the same few operations per epoch as one of
ten. `lsq_from_moments` is written the same way as engine.js's `lsqFromMoments`.

The bumpy chapter's network (y = w2 · tanh(w1 · x)) is not a quadratic: its problem
carries the rows (342 birds), and JAX differentiates the lesson's own loss."""
from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")


def f32(value) -> float:
    """A float32 value as a short float that reads back as the same float32."""
    v = float(np.float32(value))
    return float(f"{v:.9g}") if math.isfinite(v) else v


def moments(x, y) -> tuple[int, dict]:
    """(n, {x, y: the means; xx, xy, yy: the centred mean squares and products}),
    float64, in two passes."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    mx, my = float(x.mean()), float(y.mean())
    dx, dy = x - mx, y - my
    return len(x), {"x": mx, "y": my, "xx": float(np.mean(dx * dx)),
                    "xy": float(np.mean(dx * dy)), "yy": float(np.mean(dy * dy))}


def lsq_from_moments(n: int, m: dict, model: str = "line", epochs: int = 1000,
                     answer: str = "the answer", params=None) -> dict:
    """The engine's problem for y ≈ intercept + slope·x ("line") or slope·x ("origin")."""
    if model == "line":
        if not m["xx"] > 0:
            raise ValueError("every x is the same: no line can be fitted")
        slope = m["xy"] / m["xx"]
        best = [m["y"] - slope * m["x"], slope]
        best_loss = max(m["yy"] - m["xy"] * m["xy"] / m["xx"], 0.0)
        h = [[2.0, 2 * m["x"]], [2 * m["x"], 2 * (m["x"] * m["x"] + m["xx"])]]
    else:
        xx = m["x"] * m["x"] + m["xx"]
        xy = m["x"] * m["y"] + m["xy"]
        yy = m["y"] * m["y"] + m["yy"]
        if not xx > 0:
            raise ValueError("every x is 0: no line through the origin can be fitted")
        best = [xy / xx]
        best_loss = max(yy - xy * xy / xx, 0.0)
        h = [[2 * xx]]
    names = params or (["intercept", "slope"] if model == "line" else ["slope"])
    return {"kind": "lsq", "model": model, "params": list(names), "n": int(n),
            "moments": {k: float(v) for k, v in m.items()},
            "h": [[f32(v) for v in row] for row in h], "best": [f32(v) for v in best],
            "best_loss": f32(best_loss), "epochs": int(epochs), "answer": answer}


def lsq_problem(x, y, model: str = "line", **kwargs) -> dict:
    n, m = moments(x, y)
    return lsq_from_moments(n, m, model, **kwargs)


def tanh_problem(x, y, minima, epochs: int) -> dict:
    """The bumpy chapter's network on its rows, judged against the nearer minimum."""
    import jax.numpy as jnp

    problem = {"kind": "tanh", "model": "tanh", "params": ["w1", "w2"],
               "x": [f32(v) for v in x], "y": [f32(v) for v in y],
               "best": [[float(v) for v in b] for b in minima], "epochs": int(epochs),
               "answer": "the nearest minimum"}
    loss = tanh_loss(problem)
    problem["best_loss"] = [f32(loss(jnp.asarray(b, jnp.float32))) for b in minima]
    return problem


def tanh_loss(problem):
    """The lesson's loss (gdanim.maths.bumpy.jax_loss) on the problem's rows."""
    import jax.numpy as jnp

    x = jnp.asarray(problem["x"], jnp.float32)
    y = jnp.asarray(problem["y"], jnp.float32)

    def mse(params):
        return jnp.mean((params[1] * jnp.tanh(params[0] * x) - y) ** 2)
    return mse


def value_and_grad(problem):
    """params -> (loss, gradient), float32, in the engine's order of operations."""
    import jax
    import jax.numpy as jnp

    if problem["kind"] == "tanh":
        return jax.value_and_grad(tanh_loss(problem))
    h = np.asarray(problem["h"], dtype=np.float32)
    best = np.asarray(problem["best"], dtype=np.float32)
    best_loss = np.float32(problem["best_loss"])
    size = len(best)

    def lsq(p):
        d = [p[i] - best[i] for i in range(size)]
        a = []
        for i in range(size):
            acc = h[i, 0] * d[0]
            for j in range(1, size):
                acc = acc + h[i, j] * d[j]
            a.append(acc)
        s = d[0] * a[0]
        for i in range(1, size):
            s = s + d[i] * a[i]
        return best_loss + np.float32(0.5) * s, jnp.stack(a)
    return lsq


def make_optimizer(name: str, lr, beta1=None, beta2=None):
    """optax's optimizer `name`, with βs as Python numbers (as the lessons write them)."""
    import optax

    b1 = 0.9 if beta1 is None else float(beta1)
    b2 = 0.999 if beta2 is None else float(beta2)
    if name == "gd":
        return optax.sgd(lr)
    if name == "momentum":
        return optax.sgd(lr, momentum=b1)
    if name == "rmsprop":
        return optax.rmsprop(lr, decay=b1)
    if name == "adam":
        return optax.adam(lr, b1=b1, b2=b2)
    raise ValueError(f"unknown optimizer {name!r} (choose from: {', '.join(OPTIMIZERS)})")


def jax_runs(problem: dict, settings: list[dict],
             nudge: str | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each setting ({optimizer, lr, beta1, beta2, start, epochs}) run with optax in
    float32 as the lessons run it: (params (epochs + 1, P), loss (epochs + 1,)), the
    loss at each epoch's parameters. Settings that share an optimizer, βs and epochs
    run in one compiled call. `nudge` changes every step by one part in 2²³ (one float32
    rounding), to see which epochs rounding decides: "longer" makes each step longer,
    "random" moves each new parameter by one part in 2²³, up or down at random (seeded)."""
    import jax
    import jax.numpy as jnp
    import optax

    vg = value_and_grad(problem)
    ulp = np.float32(2 ** -23)
    groups: dict[tuple, list[int]] = {}
    for i, s in enumerate(settings):
        key = (s.get("optimizer", "gd"), s.get("beta1"), s.get("beta2"),
               int(s.get("epochs", problem["epochs"])))
        groups.setdefault(key, []).append(i)
    out: list = [None] * len(settings)
    for (name, b1, b2, epochs), members in groups.items():
        def one(lr, start, name=name, b1=b1, b2=b2, epochs=epochs):
            opt = make_optimizer(name, lr, b1, b2)

            def step(carry, k):
                params, state = carry
                loss, grad = vg(params)
                updates, state = opt.update(grad, state, params)
                if nudge == "longer":
                    updates = updates * (1 + ulp)
                new = optax.apply_updates(params, updates)
                if nudge == "random":
                    sign = jax.random.rademacher(jax.random.fold_in(jax.random.PRNGKey(0), k),
                                                 new.shape, dtype=jnp.float32)
                    new = new * (1 + sign * ulp)
                return (new, state), (params, loss)

            (last, _), (ps, ls) = jax.lax.scan(step, (start, opt.init(start)),
                                               jnp.arange(epochs))
            return jnp.concatenate([ps, last[None]]), jnp.append(ls, vg(last)[0])

        lrs = jnp.asarray([settings[i]["lr"] for i in members], jnp.float32)
        starts = jnp.asarray([settings[i]["start"] for i in members], jnp.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            params, loss = jax.jit(jax.vmap(one))(lrs, starts)
        params, loss = np.asarray(params), np.asarray(loss)
        for k, i in enumerate(members):
            out[i] = (params[k], loss[k])
    return out


def random_settings(seed: int, count: int, lr_range, view, epochs: int,
                    optimizers=("gd",), threshold: float | None = None) -> list[dict]:
    """`count` settings drawn with NumPy's seeded generator: η log-uniform over
    `lr_range` (the first quarter past `threshold`, when given, so that diverging runs
    are among them), the start uniform over `view` ((low, high) per parameter), an
    optimizer from `optimizers`, β1 in [0.5, 0.99], β2 in [0.9, 0.9999]; rounded to
    4 significant digits, as a reader would type them."""
    rng = np.random.default_rng(seed)
    lo, hi = (math.log10(v) for v in lr_range)
    out = []
    for k in range(count):
        low = math.log10(threshold) if threshold and k < count // 4 and threshold < 10 ** hi \
            else lo
        name = optimizers[k % len(optimizers)]
        setting = {"optimizer": name, "lr": _sig(10 ** rng.uniform(low, hi)),
                   "start": [_sig(rng.uniform(a, b)) for a, b in view], "epochs": int(epochs)}
        beta1, beta2 = _sig(rng.uniform(0.5, 0.99), 3), _sig(rng.uniform(0.9, 0.9999), 4)
        if name != "gd":
            setting["beta1"] = beta1
        if name == "adam":
            setting["beta2"] = beta2
        out.append(setting)
    return out


def _sig(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")
