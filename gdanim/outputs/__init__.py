"""What the build writes besides media: the pages, the publishing extras, the notebook, the lesson listings and formulas, the slide kit's index."""
