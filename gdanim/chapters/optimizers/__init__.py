"""The chapter 'optimizers' (see gdanim/chapters/__init__.py)."""
