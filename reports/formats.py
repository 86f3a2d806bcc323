"""Dutch notation for figures, the same on the page and in the exports: 1.234,5 and dd-mm-jjjj."""

from datetime import date, datetime


def nl_number(value, decimals: int | None = None) -> str:
    if value is None:
        return "–"
    if decimals is None:
        decimals = 0 if isinstance(value, int) else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def nl_date(value: date | datetime) -> str:
    return value.strftime("%d-%m-%Y")


def nl_cell(value, percent: bool = False) -> str:
    if isinstance(value, date | datetime):
        return nl_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return nl_number(value, 1 if percent or isinstance(value, float) else 0)
    return "–" if value is None else str(value)
