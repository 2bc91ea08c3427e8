"""The chapter 'descent_1d' (see gdanim/chapters/__init__.py)."""
