"""The lesson's maths: the data sets, the losses, the problems chapters solve, training (jit + lax.scan) and what can be read off a run."""
