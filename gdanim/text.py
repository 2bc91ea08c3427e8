"""Numbers as readers see them, shared by figures and pages."""


def minus(text: str) -> str:
    """A typographic minus sign instead of the hyphen Python prints."""
    return text.replace("-", "\u2212")


def decimal(value: float) -> str:
    """A decimal without an exponent: 1.3e-05 -> 0.000013."""
    return minus(f"{float(value):.12f}".rstrip("0").rstrip("."))
