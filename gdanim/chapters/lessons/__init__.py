"""The lesson's code as a learner would type it: one short, runnable script per chapter,
in plain loops with `jax.grad`. The pages show these files, the notebook strings them
together, and tests run them against the numbers the pages state."""
