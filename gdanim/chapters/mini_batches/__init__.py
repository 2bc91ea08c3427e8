"""The chapter 'mini-batches' (see gdanim/chapters/__init__.py)."""
