#!/usr/bin/env python3
"""One-off helper that drafted src/records/table.rs from spec/records.csv.

The Rust declaration in src/records/table.rs is the source of truth; the test
`tests/layout_vs_csv.rs` checks it against spec/records.csv. Re-run only to draft a new edition:
    python3 tools/gen_layouts.py spec/records.csv > /tmp/table.rs

Each field line names the field and its constant (`lpco_number LPCO_NUMBER: ...`). The
validation columns that records.csv does not hold (`.blank("P02")`, `.codes(CodeList::...)`,
`.values(&[...])`, `.cbp(...)`, `.advisory()`, `.blanked_in_output()`, and filler contents
`=> FillerContent::...`) are kept by hand in table.rs: carry them over from the old draft.
"""
import csv, sys, collections

NAMES = {"SO70@04": "So70V04", "SO70@THRU": "So70Thru", "OI": "Oi", "A": "BatchHeader", "B": "BlockHeader", "Y": "BlockTrailer", "Z": "BatchTrailer"}
TITLES = {
    "OI": "Commercial description (OI) record: opens the OI group of an HTS anchor",
    "PG00": "PGA substitution record (S start, E end, R reuse of a block)",
    "PG01": "PGA line record: government agency, program and processing codes, disclaimer",
    "PG02": "Government agency product code record (item type P / C)",
    "PG04": "Product constituent element record",
    "PG05": "Scientific name record",
    "PG06": "Product origin (source) record",
    "PG07": "Trade / brand name and model record",
    "PG08": "Item identity numbers record",
    "PG10": "Product characteristics record",
    "PG13": "LPCO issuer record",
    "PG14": "LPCO details record (licence, permit, certificate or other; the NOP Import Certificate for AMS OR)",
    "PG17": "Wildlife common name record",
    "PG18": "Hazardous material record",
    "PG19": "Entity data record: opens an entity loop (role, identification, name, address line 1)",
    "PG20": "Entity address record",
    "PG21": "Individual point of contact record",
    "PG22": "Affirmation / declaration record",
    "PG23": "Affirmation of compliance record",
    "PG24": "Remarks record",
    "PG25": "Product condition, lot and value record",
    "PG26": "Packaging record",
    "PG27": "Container information record",
    "PG28": "Additional product information record (can dimensions, tracking number)",
    "PG29": "Product quantity record",
    "PG30": "Inspection / laboratory testing record",
    "PG31": "Vessel / harvest characteristics record",
    "PG32": "Routing record",
    "PG33": "Geographic area record",
    "PG34": "Travel document record",
    "PG35": "Bond record",
    "PG50": "Grouping start record",
    "PG51": "Grouping end record",
    "PG55": "Additional entity roles record",
    "PG60": "Additional information (overflow) record",
    "A": "Batch header (A) record, ABI Batch & Block Control rev 23",
    "B": "Block header (B) record, ABI Batch & Block Control rev 23",
    "Y": "Block trailer (Y) record, ABI Batch & Block Control rev 23",
    "Z": "Batch trailer (Z) record, ABI Batch & Block Control rev 23",
    "SE90": "Condition / disposition (SE90, also GE90) response record, ACE Cargo Release",
    "SO70": "PGA disposition record (SO70, also WO70 / PO70)",
    "SO71": "PGA disposition reference record (SO71, also WO71 / PO71)",
    "SO72": "PGA disposition comment record (SO72, also WO72)",
}
rows = collections.OrderedDict()
for r in csv.DictReader(open(sys.argv[1])):
    rows.setdefault(r["record"], []).append(r)

def kind(r):
    c, d, f = r["class"], r["decimals"], r["format"]
    if c == "D":
        return "Date6"
    if c != "N":
        return "Text"
    if f:
        return {"MMDDCCYY": "Date8", "MMCCYY": "MonthYear6", "MMDDYY": "Date6", "HHMM": "Hhmm", "HHMMSS": "Hhmmss"}[f]
    if d and int(d) > 0:
        return f"Dec<{d}>"
    return "Int"

def esc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')

print("record_layouts! {")
for rec, rs in rows.items():
    name = NAMES.get(rec, rec[:1] + rec[1:].lower())
    base, _, variant = rec.partition("@")
    head = f'"{base}" @ "{variant}"' if variant else f'"{base}"'
    title = TITLES.get(rec, TITLES.get(base, rec))
    print(f'    {name} = {head}, "{esc(title)}" {{')
    fillers = []
    for r in rs:
        if r["field"] == "record_id":
            continue
        if r["field"] == "filler":
            fillers.append(f'{r["start"]}..={r["end"]}')
            continue
        print(f'        /// {esc(r["description"])} (confidence {r["confidence"]})')
        print(f'        {r["field"]} {r["field"].upper()}: {kind(r)} = {r["start"]}..={r["end"]}, {r["class"]}, {r["designation"]};')
    print(f'    }} fillers [{", ".join(fillers)}]')
print("}")
