"""The chapter 'slopes' (see gdanim/chapters/__init__.py)."""
