"""`python -m gdanim build` (the same commands as generate.py and the gdanim script)."""
from gdanim.cli import main

if __name__ == "__main__":
    main()
