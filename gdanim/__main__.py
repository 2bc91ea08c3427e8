"""`python -m gdanim build`: the same commands as generate.py."""
from gdanim.cli import main

main()
