"""Numbers as readers see them, shared by figures and pages."""


def minus(text: str) -> str:
    """A typographic minus sign instead of the hyphen Python prints."""
    return text.replace("-", "\u2212")


def fmt(value, spec: str = "") -> str:
    """A number as the pages print it (`{{ x | fmt('.4f') }}`): a Python format spec, with
    a true minus sign."""
    return minus(format(value, spec))


def decimal(value: float) -> str:
    """A decimal without an exponent: 1.3e-05 -> 0.000013."""
    return minus(f"{float(value):.12f}".rstrip("0").rstrip("."))


def file_size(size: int) -> str:
    """Bytes as a reader reads them: 812 kB, 1.4 MB (decimal units, as file browsers)."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"


def duration(seconds: float) -> str:
    """8.5 s; 1 min 12 s."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {round(seconds % 60)} s"
