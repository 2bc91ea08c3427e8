"""The chapter 'grid_search' (see gdanim/chapters/__init__.py)."""
