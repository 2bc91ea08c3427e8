"""Entry point: `python generate.py build` writes the explainer site to site/."""
from gdanim.cli import main

if __name__ == "__main__":
    main()
