"""The chapter 'vectors' (see gdanim/chapters/__init__.py)."""
