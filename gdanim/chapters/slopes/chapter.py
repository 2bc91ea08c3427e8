"""Chapter 3: the loss curve is a smooth valley, and its slope points uphill.
`jax.grad` turns the loss function into a slope function."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import scenario
from gdanim.core.values import Animation, Chapter, FrameTable, Still

GUESSES = (1.7, 3.5)   # one either side of the best multiplier


def slope_fn():
    """The loss and its derivative, both compiled: d(MSE)/d(multiplier)."""
    import jax

    from gdanim.maths.losses import belt_mse

    return jax.jit(belt_mse), jax.jit(jax.grad(belt_mse))


@scenario("slopes", "Slopes and jax.grad",
          "The loss is a smooth valley; its slope, from jax.grad, says which way is down.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    import jax
    import jax.numpy as jnp

    from gdanim.maths.data import BELT_CM, BELT_INCHES
    from gdanim.maths.losses import belt_losses
    from gdanim.figures.schedule import even_frames
    from gdanim.chapters.slopes.scenes import slopes_figure, tangent_sweep_scene

    loss, slope = slope_fn()
    inches, cm = jnp.asarray(BELT_INCHES, jnp.float32), jnp.asarray(BELT_CM, jnp.float32)
    at = {g: (float(loss(jnp.float32(g), inches, cm)), float(slope(jnp.float32(g), inches, cm)))
          for g in GUESSES}
    grid = np.linspace(0.0, 5.0, 201)
    losses = np.asarray(belt_losses(grid, BELT_INCHES, BELT_CM), dtype=float)
    slopes = np.asarray(jax.vmap(slope, in_axes=(0, None, None))(
        jnp.asarray(grid, jnp.float32), inches, cm), dtype=float)
    # Where the slope changes sign is the bottom of the valley.
    bottom = float(np.sum(BELT_INCHES * BELT_CM) / np.sum(BELT_INCHES ** 2))
    numbers = {}
    for g, (l, s) in at.items():
        tag = str(g).replace(".", "_")
        numbers[f"loss_at_{tag}"] = l
        numbers[f"slope_at_{tag}"] = s
        # The derivative written out by hand (the page's formula), in 64-bit NumPy.
        numbers[f"slope_by_hand_at_{tag}"] = float(
            2 * np.mean(BELT_INCHES * (g * BELT_INCHES - BELT_CM)))
    numbers["loss_at_1_7_float64"] = float(np.mean((1.7 * BELT_INCHES - BELT_CM) ** 2))
    numbers["bottom"] = bottom
    numbers["slope_at_1"] = float(slope(jnp.float32(1.0), inches, cm))
    numbers["slope_at_0"] = float(slope(jnp.float32(0.0), inches, cm))
    still = Still(
        "tangents",
        f"The loss curve for multipliers 0 to 5, a smooth U with its bottom near "
        f"{bottom:.3f}. At {GUESSES[0]} the tangent slopes down (slope "
        f"{at[GUESSES[0]][1]:,.1f}) and an arrow points right; at {GUESSES[1]} it slopes "
        f"up (slope {at[GUESSES[1]][1]:,.1f}) and an arrow points left.",
        partial(slopes_figure, grid=grid, losses=losses,
                points=[(g, *at[g]) for g in GUESSES]))
    pick = even_frames(len(grid), quality.sweep_frames(len(grid), cap=101),
                       quality.hold)
    frames = FrameTable(epoch=pick, loss=losses[pick], params=grid[pick])
    sweep = Animation(
        name="tangent", title="The tangent sliding along the valley",
        alt=("A tangent line slides along the loss curve from multiplier 0 to 5: steep and "
             "pointing down on the left, flat at the bottom, steep and pointing up on the "
             "right, with the gradient's value shown."),
        make_scene=partial(tangent_sweep_scene, grid=grid, losses=losses, slopes=slopes,
                           frames=frames),
        frames=frames, poster_frame=len(frames) // 4, frame_label="step",
        params={"multipliers": [0.0, 5.0], "points": len(grid)},
        param_names=("multiplier",))
    return Chapter(numbers=numbers, stills=(still,), animations=(sweep,),
                   context={"guesses": GUESSES})
