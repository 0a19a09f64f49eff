#!/usr/bin/env python3
"""Generate the shared "nationality" choice list (forms/choices/countries.toml).

The list holds the countries people hold a nationality of: the 193 UN member states,
the two UN observer states (Holy See, State of Palestine), Kosovo and Western Sahara,
sorted by English name, then the options "stateless" and "undetermined". Option ids are
lowercase ISO 3166-1 alpha-3 codes ("xkx" for Kosovo). Names in English, French, Spanish
and Arabic are CLDR's standard territory names, read through the Python package Babel;
five are named by hand (BY_HAND below) where CLDR's short form reads oddly on a form.

Written with Babel 2.19.0, which carries CLDR 49; the header of the output names the CLDR
version actually used.

Run from the repository root:

    pip install --user babel          # once
    python3 tools/countries.py > forms/choices/countries.toml

With `--po LANG` it prints the list's entries for a built-in catalogue instead
(translations/LANG.po), the names from CLDR's locale for LANG (CLDR_LOCALES below). The
names written by hand in English, and the two options that are not countries, come out
untranslated: a translator writes them in full, as BY_HAND does.
"""

import sys
import unicodedata

from babel import Locale
from babel.core import get_cldr_version, get_global

LANGUAGES = ("en", "fr", "es", "ar")

# ISO 3166-1 alpha-2 : alpha-3 codes of the 193 UN member states.
UN_MEMBERS = dict(pair.split(":") for pair in """
AD:AND AE:ARE AF:AFG AG:ATG AL:ALB AM:ARM AO:AGO AR:ARG AT:AUT AU:AUS
AZ:AZE BA:BIH BB:BRB BD:BGD BE:BEL BF:BFA BG:BGR BH:BHR BI:BDI BJ:BEN
BN:BRN BO:BOL BR:BRA BS:BHS BT:BTN BW:BWA BY:BLR BZ:BLZ CA:CAN CD:COD
CF:CAF CG:COG CH:CHE CI:CIV CL:CHL CM:CMR CN:CHN CO:COL CR:CRI CU:CUB
CV:CPV CY:CYP CZ:CZE DE:DEU DJ:DJI DK:DNK DM:DMA DO:DOM DZ:DZA EC:ECU
EE:EST EG:EGY ER:ERI ES:ESP ET:ETH FI:FIN FJ:FJI FM:FSM FR:FRA GA:GAB
GB:GBR GD:GRD GE:GEO GH:GHA GM:GMB GN:GIN GQ:GNQ GR:GRC GT:GTM GW:GNB
GY:GUY HN:HND HR:HRV HT:HTI HU:HUN ID:IDN IE:IRL IL:ISR IN:IND IQ:IRQ
IR:IRN IS:ISL IT:ITA JM:JAM JO:JOR JP:JPN KE:KEN KG:KGZ KH:KHM KI:KIR
KM:COM KN:KNA KP:PRK KR:KOR KW:KWT KZ:KAZ LA:LAO LB:LBN LC:LCA LI:LIE
LK:LKA LR:LBR LS:LSO LT:LTU LU:LUX LV:LVA LY:LBY MA:MAR MC:MCO MD:MDA
ME:MNE MG:MDG MH:MHL MK:MKD ML:MLI MM:MMR MN:MNG MR:MRT MT:MLT MU:MUS
MV:MDV MW:MWI MX:MEX MY:MYS MZ:MOZ NA:NAM NE:NER NG:NGA NI:NIC NL:NLD
NO:NOR NP:NPL NR:NRU NZ:NZL OM:OMN PA:PAN PE:PER PG:PNG PH:PHL PK:PAK
PL:POL PT:PRT PW:PLW PY:PRY QA:QAT RO:ROU RS:SRB RU:RUS RW:RWA SA:SAU
SB:SLB SC:SYC SD:SDN SE:SWE SG:SGP SI:SVN SK:SVK SL:SLE SM:SMR SN:SEN
SO:SOM SR:SUR SS:SSD ST:STP SV:SLV SY:SYR SZ:SWZ TD:TCD TG:TGO TH:THA
TJ:TJK TL:TLS TM:TKM TN:TUN TO:TON TR:TUR TT:TTO TV:TUV TZ:TZA UA:UKR
UG:UGA US:USA UY:URY UZ:UZB VC:VCT VE:VEN VN:VNM VU:VUT WS:WSM YE:YEM
ZA:ZAF ZM:ZMB ZW:ZWE
""".split())

# UN observer states, then Kosovo and Western Sahara (both seen in refugee caseloads).
OTHERS = {"VA": "VAT", "PS": "PSE", "XK": "XKX", "EH": "ESH"}

# Names a caseworker and a UN document use where CLDR's short form reads oddly on a form
# ("Congo - Kinshasa", "Myanmar (Burma)", "Vatican City", "Palestinian Territories").
BY_HAND = {
    "PS": {"en": "State of Palestine", "fr": "État de Palestine",
           "es": "Estado de Palestina", "ar": "دولة فلسطين"},
    "CD": {"en": "Democratic Republic of the Congo",
           "fr": "République démocratique du Congo",
           "es": "República Democrática del Congo",
           "ar": "جمهورية الكونغو الديمقراطية"},
    "CG": {"en": "Republic of the Congo", "fr": "République du Congo",
           "es": "República del Congo", "ar": "جمهورية الكونغو"},
    "MM": {"en": "Myanmar", "fr": "Myanmar", "es": "Myanmar", "ar": "ميانمار"},
    "VA": {"en": "Holy See", "fr": "Saint-Siège", "es": "Santa Sede", "ar": "الكرسي الرسولي"},
}

EXTRA_OPTIONS = [
    ("stateless", {"en": "Stateless", "fr": "Apatride", "es": "Apátrida",
                   "ar": "عديم الجنسية"}),
    ("undetermined", {"en": "Nationality not determined",
                      "fr": "Nationalité non déterminée",
                      "es": "Nacionalidad no determinada", "ar": "جنسية غير محددة"}),
]

# ALM, LRM, RLM, LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))


def names(code):
    """The four CLDR names of a territory, without bidi controls."""
    label = {lang: Locale(lang).territories[code].translate(BIDI_CONTROLS)
             for lang in LANGUAGES}
    return dict(BY_HAND.get(code, label))


def ascii_fold(text):
    """Lowercase ASCII form for sorting: "Côte d’Ivoire" -> "cote divoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().casefold()


def toml_string(text):
    """A TOML basic string."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def option_line(option_id, label):
    langs = ", ".join(f"{lang} = {toml_string(label[lang])}" for lang in LANGUAGES)
    return f"  {{ id = {toml_string(option_id)}, label = {{ {langs} }} }},"


# The CLDR locale whose names a built-in catalogue takes: Portuguese as written in
# Mozambique and Angola, Dari as written in Afghanistan.
CLDR_LOCALES = {"pt": "pt_PT", "prs": "fa_AF"}


def po_string(text):
    """A PO string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def po_entries(options, language):
    """The list's entries for translations/<language>.po."""
    locale = Locale.parse(CLDR_LOCALES.get(language, language))
    alpha2 = {alpha3.lower(): code for code, alpha3 in {**UN_MEMBERS, **OTHERS}.items()}
    blocks = []
    for option_id, label in options:
        code = alpha2.get(option_id)
        by_cldr = code is not None and code not in BY_HAND
        name = locale.territories[code].translate(BIDI_CONTROLS) if by_cldr else ""
        comment = ("#. Country of nationality (CLDR name)" if by_cldr
                   else "#. Country of nationality, written in full by the translator")
        blocks.append("\n".join([
            comment,
            f"msgctxt {po_string('list.nationality.' + option_id)}",
            f"msgid {po_string(label['en'])}",
            f"msgstr {po_string(name)}",
        ]))
    return "\n\n".join(blocks) + "\n"


def main():
    assert len(UN_MEMBERS) == 193, len(UN_MEMBERS)
    codes = {**UN_MEMBERS, **OTHERS}
    assert len(codes) == 197 and len(set(codes.values())) == 197
    # Each alpha-3 code must be one CLDR knows for that country (XKX is not ISO).
    aliases = get_global("territory_aliases")
    for alpha2, alpha3 in codes.items():
        assert alpha2 == "XK" or aliases.get(alpha3) == [alpha2], (alpha2, alpha3)

    countries = sorted(((alpha3.lower(), names(alpha2)) for alpha2, alpha3 in codes.items()),
                       key=lambda item: (ascii_fold(item[1]["en"]), item[1]["en"]))
    options = countries + EXTRA_OPTIONS
    assert len(options) == 199
    if sys.argv[1:2] == ["--po"]:
        sys.stdout.reconfigure(encoding="utf-8")
        sys.stdout.write(po_entries(options, sys.argv[2]))
        return

    lines = [
        "# Countries of nationality: the UN member and observer states, Kosovo and Western Sahara,",
        f"# with their names from CLDR {get_cldr_version()} (Unicode Common Locale Data Repository).",
        "# Generated by tools/countries.py; do not edit by hand.",
        "",
        "[[lists]]",
        'id = "nationality"',
        "options = [",
        *(option_line(option_id, label) for option_id, label in options),
        "]",
    ]
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
