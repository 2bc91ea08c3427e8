"""The build engine: plan, compute, execute, swap; with the manifest, the output folder, the results cache and the keys."""
