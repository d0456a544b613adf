"""Spreadsheets handed to users: shared by every export (decisions, criteria reports, the API)."""


def xlsx_without_formulas(data: bytes) -> bytes:
    """An export, with every cell that would be a formula turned into the text it holds. Exports
    carry what units typed (names, positions, achievements); openpyxl stores a string starting with
    "=" as a formula, which Excel then evaluates (HYPERLINK to send data away, DDE)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    changed = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed = True
    if not changed:
        return data
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
