#!/usr/bin/env python3
"""Writes ODK Central exports of the example records, for `records from-odk` tests.

For each form below, the record in tests/records/chad/<form>.json is exported the way ODK
Central exports a submission of the XLSForm bipgen generates for Chad:
- <form>.json: the OData feed (`{"value": [...]}`), answers nested in their groups
  (sections, screens, group fields), repeats expanded as arrays, a multiple choice as
  option ids separated by spaces, a signature as its group of four answers, the image as
  the attachment's file name;
- <form>.csv and <form>-<repeat>.csv: the CSV export, columns named by group path
  joined with `-`, repeat rows joined to their parent by KEY and PARENT_KEY.

Run from the repository root after `bipgen build examples/chad/country.toml --out /tmp/chad`:
    .ci/venv/bin/python tests/records/odk/make_fixtures.py /tmp/chad
"""

import csv
import json
import sys
from pathlib import Path

import openpyxl

FORMS = ["registration_intake", "child_assent", "referral", "case_conference", "bia_short"]
HERE = Path(__file__).parent


def survey(xlsx):
    sheet = openpyxl.load_workbook(xlsx)["survey"]
    rows = list(sheet.iter_rows(values_only=True))
    header = [h for h in rows[0]]
    return [dict(zip(header, r)) for r in rows[1:] if any(r)]


def tree(rows):
    """Nested (kind, name, children) from begin/end rows."""
    root = ("group", "", [])
    stack = [root]
    for row in rows:
        kind, name = row["type"], row["name"]
        if kind in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            node = ("repeat" if "repeat" in kind else "group", name, [])
            stack[-1][2].append(node)
            stack.append(node)
        elif kind in ("end_group", "end group", "end_repeat", "end repeat"):
            stack.pop()
        else:
            stack[-1][2].append((kind, name, []))
    return root


def odata_value(kind, value):
    if kind.startswith("select_multiple"):
        return " ".join(value)
    return value


# What the phone records for ODK's metadata questions.
METADATA = {
    "start": "2026-01-15T09:02:11.000+01:00",
    "end": "2026-01-15T09:41:53.000+01:00",
    "deviceid": "collect:Q2f8c1e",
    "audit": "audit.csv",
}


def nest(node, record, signatures):
    """The OData object of a group, from a flat record (or a repeat row)."""
    out = {}
    for kind, name, children in node[2]:
        if kind in METADATA:
            out[name] = METADATA[kind]
        elif kind == "group" and name in signatures:
            value = record.get(name)
            if value is not None:
                out[name] = {f"{name}_{p}": value.get(p) for p in ("name", "date", "method", "image")}
        elif kind == "group":
            inner = nest((kind, name, children), record, signatures)
            if inner:
                out[name] = inner
        elif kind == "repeat":
            rows = record.get(name)
            if rows:
                out[name] = [nest((kind, name, children), row, signatures) for row in rows]
        elif name in record and kind not in ("note",):
            out[name] = odata_value(kind, record[name])
    return out


def signature_groups(node, found):
    kinds = [k for k, _, _ in node[2]]
    for kind, name, children in node[2]:
        if kind == "group" and any(c[1] == f"{name}_image" for c in children):
            found.add(name)
        if children:
            signature_groups((kind, name, children), found)
    return found


def csv_rows(node, obj, path, columns, row, repeats, key, signatures):
    for kind, name, children in node[2]:
        column = "-".join(path + [name])
        if kind == "group" and name in signatures:
            for part in ("name", "date", "method", "image"):
                columns.setdefault(f"{column}-{name}_{part}", None)
                value = (obj.get(name) or {}).get(f"{name}_{part}")
                row[f"{column}-{name}_{part}"] = "" if value is None else value
        elif kind == "group":
            csv_rows((kind, name, children), obj.get(name, {}), path + [name], columns, row, repeats, key, signatures)
        elif kind == "repeat":
            table = repeats.setdefault(name, {"columns": {}, "rows": []})
            for i, item in enumerate(obj.get(name, [])):
                child_key = f"{key}/{name}[{i + 1}]"
                child = {"PARENT_KEY": key, "KEY": child_key}
                csv_rows((kind, name, children), item, [name], table["columns"], child, repeats, child_key, signatures)
                table["rows"].append(child)
        elif kind in METADATA:
            columns.setdefault(column, None)
            row[column] = obj.get(name, "")
        elif kind != "note":
            columns.setdefault(column, None)
            value = obj.get(name)
            row[column] = "" if value is None else value


def main(build):
    for form in FORMS:
        record = json.loads((HERE.parent / "chad" / f"{form}.json").read_text())
        root = tree(survey(Path(build) / "xlsform" / f"{form}.xlsx"))
        signatures = signature_groups(root, set())
        instance = f"uuid:7f3c2a10-0000-4000-8000-{FORMS.index(form):012d}"
        submission = {"__id": instance}
        submission.update(nest(root, record, signatures))
        submission["meta"] = {"instanceID": instance}
        submission["__system"] = {
            "submissionDate": "2026-01-16T08:12:44.120Z",
            "submitterId": "17",
            "submitterName": "caseworker-adre-03",
            "attachmentsPresent": 1,
            "attachmentsExpected": 1,
            "status": None,
            "reviewState": None,
            "deviceId": "collect:Q2f8c1e",
            "edits": 0,
            "formVersion": "1.0.0",
        }
        (HERE / f"{form}.json").write_text(
            json.dumps({"@odata.context": f"https://central.example.org/v1/projects/3/forms/{form}.svc/$metadata#Submissions", "value": [submission]}, ensure_ascii=False, indent=2) + "\n"
        )
        columns = {"SubmissionDate": None}
        row = {"SubmissionDate": "2026-01-16T08:12:44.120Z"}
        repeats = {}
        csv_rows(root, submission, [], columns, row, repeats, instance, signatures)
        columns.update({"meta-instanceID": None, "KEY": None, "SubmitterID": None, "SubmitterName": None, "AttachmentsPresent": None, "AttachmentsExpected": None, "Status": None, "ReviewState": None, "DeviceID": None, "Edits": None, "FormVersion": None})
        row.update({"meta-instanceID": instance, "KEY": instance, "SubmitterID": "17", "SubmitterName": "caseworker-adre-03", "AttachmentsPresent": "1", "AttachmentsExpected": "1", "Status": "", "ReviewState": "", "DeviceID": "collect:Q2f8c1e", "Edits": "0", "FormVersion": "1.0.0"})
        write_csv(HERE / f"{form}.csv", list(columns), [row])
        for name, table in repeats.items():
            write_csv(HERE / f"{form}-{name}.csv", list(table["columns"]) + ["PARENT_KEY", "KEY"], table["rows"])


def write_csv(path, columns, rows):
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (" ".join(v) if isinstance(v, list) else v) for k, v in row.items()})


if __name__ == "__main__":
    main(sys.argv[1])
