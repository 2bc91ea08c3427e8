"""The chapter 'csv' (see gdanim/chapters/__init__.py)."""
