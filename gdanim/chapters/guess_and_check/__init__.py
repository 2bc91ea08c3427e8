"""The chapter 'guess_and_check' (see gdanim/chapters/__init__.py)."""
