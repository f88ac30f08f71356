"""Write the corpus of malformed exports (run again after a codebook change):

    .venv/bin/python tests/bad_exports/make_corpus.py

Each file is an 8-row synthetic export with one defect; expected.yaml says which words the error
must contain (file, column, row and value). Synthetic rows only: no personal data.
"""
from pathlib import Path

import yaml

from helpers.synth import generate, load_params

HERE = Path(__file__).parent


def main() -> None:
    base = generate(load_params()).head(20)
    base = base[base["consent"] == 1].head(6).reset_index(drop=True)   # rows 1-6, all consenting
    csv = lambda df: df.to_csv(index=False, lineterminator="\n")  # noqa: E731
    good = csv(base)
    lines = good.splitlines(keepends=True)
    cases: dict[str, tuple[str | bytes, list[str]]] = {}

    def edit(name, column, row, value, expect):
        df = base.astype(object).copy()
        df.loc[row - 1, column] = value
        cases[name] = (csv(df), [repr(column), f"row {row} (line {row + 1})", str(value), *expect])

    cases["missing_column.csv"] = (csv(base.drop(columns=["gender"])), ["'gender'", "missing"])
    cases["unknown_column.csv"] = (csv(base.assign(favourite_colour="blauw")), ["'favourite_colour'", "unknown"])
    edit("likert_out_of_range.csv", "pe_1", 3, 7, ["not an allowed code"])
    edit("text_in_numeric.csv", "age", 2, "veertig", ["not a whole number"])
    edit("age_out_of_range.csv", "age", 4, 150, ["out of range"])
    edit("start_year_in_future.csv", "start_year", 5, 2031, ["out of range"])
    edit("unknown_code.csv", "gender", 1, 4, ["not an allowed code"])
    edit("decimal_in_code.csv", "use_work", 6, "2.5", ["not a whole number"])
    edit("multi_not_0_1.csv", "system_work_chatgpt", 2, 2, ["not an allowed code"])
    edit("negative_duration.csv", "duration_s", 3, -12, ["below the minimum"])
    edit("missing_consent.csv", "consent", 2, "", ["(empty)", "empty, but required"])
    dup = base.copy()
    dup.loc[4, "respondent_id"] = dup.loc[1, "respondent_id"]
    cases["duplicate_ids.csv"] = (csv(dup), ["'respondent_id'", "duplicate", "row 2 (line 3)", "row 5 (line 6)",
                                             str(dup.loc[1, "respondent_id"])])
    cases["empty.csv"] = ("", ["empty"])
    cases["header_only.csv"] = (lines[0], ["no data rows"])
    cases["wrong_delimiter.csv"] = (good.replace(",", "|"), ["line 1", "no comma, semicolon or tab"])
    cases["truncated_last_line.csv"] = ("".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 3],
                                        ["line 7", "fields", "cut-off"])
    header = lines[0].rstrip("\n").split(",")
    quoted = "".join(lines[:-1]) + lines[-1].replace(",", ',"open quote ', 1)
    cases["unterminated_quote.csv"] = (quoted, ["line 7", "quoted value"])
    cases["duplicate_header.csv"] = (",".join(header + ["age"]) + "\n" + "".join(l.rstrip("\n") + ",40\n" for l in lines[1:]),
                                     ["repeats", "age"])
    remark_utf8 = base.astype(object).copy()
    remark_utf8.loc[0, "remarks_text"] = "Café"
    remark_utf8.loc[3, "remarks_text"] = "Cafe"
    mixed = csv(remark_utf8).encode("utf-8").replace(b"Cafe", "Café".encode("cp1252"))
    cases["mixed_encodings.csv"] = (mixed, ["mixed encodings", "line 5", "0xe9", "line 2"])
    cases["export.pdf"] = ("%PDF-1.4", ["unknown format", "'.pdf'"])

    for name, (content, _) in cases.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
    expected = {name: expect for name, (_, expect) in cases.items()}
    (HERE / "expected.yaml").write_text(
        "# Written by make_corpus.py: fragments each file's error message must contain.\n"
        + yaml.safe_dump(expected, allow_unicode=True, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
