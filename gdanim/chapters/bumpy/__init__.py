"""The chapter 'bumpy' (see gdanim/chapters/__init__.py)."""
