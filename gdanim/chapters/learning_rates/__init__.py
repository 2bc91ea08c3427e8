"""The chapter 'learning_rates' (see gdanim/chapters/__init__.py)."""
