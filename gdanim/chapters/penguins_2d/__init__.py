"""The chapter 'penguins_2d' (see gdanim/chapters/__init__.py)."""
