#!/usr/bin/env python3
"""Generate a synthetic Pactoria workspace (see docs/FORMAT.md) for benchmarking.

    genworkspace.py DIR [--companies 100] [--per-company 100] [--md-bytes 10000]
                        [--commits 3] [--history 0] [--history-days 0] [--seed 1]

Creates DIR (which must not exist or be empty) with .pactoria/config.yaml, .gitignore and
COMPANIES companies, each with PER_COMPANY contracts (<stem>.yaml in the canonical form of
FORMAT.md plus <stem>.md of about MD_BYTES bytes). Then `git init`, one commit of everything,
and COMMITS-1 further commits each editing ~1% of the contracts (Markdown and YAML). The repo is
packed at the end (`git gc`), like a clone. Python 3 standard library only; the output is
deterministic for a given seed (apart from git's commit timestamps).

With --history N, the edit commits touch drafts only (so every change is legal), and N more
commits follow, written in one `git fast-import` run: lifecycle events made the way Pactoria
makes them (the verbs' YAML changes, `lifecycle:` stamps and `Pactoria-*` trailers, %-encoded):
mostly single-contract transitions (submit, request-changes, finalize, activate, complete,
expire, terminate with a reason), content edits of drafts and new drafts through `pactoria
commit`, ~5% multi-contract commits, ~5% plain-git edits without trailers (their events are
inferred), and a few renames (a contract's two files moved to a new stem, half by plain git,
half through `pactoria commit`). Every transition obeys the lifecycle rules on its commit's
date, so `pactoria check --base <import commit>` passes. All dates are then fixed (the
workspace is fully deterministic for a seed), and `.git/pactoria-bench.json` records the import
commit, the renamed contracts and the trailer count for bench/run.sh.

This is benchmark tooling: it uses the git CLI. Pactoria itself never does.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import textwrap
import time
import uuid

# --------------------------------------------------------------------------- canonical YAML

_NEEDS_QUOTES = re.compile(
    r"""^(?:
        ~|null|Null|NULL|true|True|TRUE|false|False|FALSE
        |y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF
        |[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?
        |[-+]?0[xob][0-9a-fA-F_]+
        |[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
        |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ].*)?
        |[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9_]*)?
    )$""",
    re.X,
)
_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def scalar(s: str) -> str:
    """A string scalar, plain when YAML would read it back as the same string."""
    plain = (
        s != ""
        and s == s.strip()
        and s[0] not in _INDICATORS
        and ": " not in s
        and " #" not in s
        and not s.endswith(":")
        and "\n" not in s
        and "\t" not in s
        and not _NEEDS_QUOTES.match(s)
    )
    return s if plain else quoted(s)


def quoted(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def block(key: str, text: str, indent: str = "") -> list:
    if "\n" not in text:
        return [f"{indent}{key}: {scalar(text)}"]
    chomp = "|" if text.endswith("\n") else "|-"
    body = text[:-1] if text.endswith("\n") else text
    lines = [f"{indent}{key}: {chomp}"]
    for line in body.split("\n"):
        lines.append(f"{indent}  {line}" if line else "")
    return lines


def party_yaml(key: str, p: dict) -> list:
    out = [f"{key}:", f"  name: {scalar(p['name'])}"]
    if p.get("email"):
        out.append(f"  email: {scalar(p['email'])}")
    if p.get("company"):
        out.append(f"  company: {scalar(p['company'])}")
    if p.get("company_number"):
        out.append(f"  company_number: {quoted(p['company_number'])}")
    if p.get("role"):
        out.append(f"  role: {scalar(p['role'])}")
    return out


def contract_yaml(c: dict) -> str:
    out = [
        f"id: {c['id']}",
        f"title: {scalar(c['title'])}",
        f"contract_type: {c['contract_type']}",
        f"status: {c['status']}",
    ]
    if c.get("plain_english_input"):
        out += block("plain_english_input", c["plain_english_input"])
    if c.get("client"):
        out += party_yaml("client", c["client"])
    if c.get("supplier"):
        out += party_yaml("supplier", c["supplier"])
    if c.get("contract_value"):
        v = c["contract_value"]
        out += ["contract_value:", f"  amount: {quoted(v['amount'])}", f"  currency: {v['currency']}"]
    if c.get("start_date"):
        out.append(f"start_date: {c['start_date']}")
    if c.get("end_date"):
        out.append(f"end_date: {c['end_date']}")
    if c.get("template_id"):
        out.append(f"template_id: {scalar(c['template_id'])}")
    out += [
        f"version: {c['version']}",
        f"created_by: {scalar(c['created_by'])}",
        f"created_at: {c['created_at']}",
        f"updated_at: {c['updated_at']}",
    ]
    lc = c.get("lifecycle")
    if lc:
        out.append("lifecycle:")
        for key in LIFECYCLE_ORDER:
            stamp = lc.get(key)
            if not stamp:
                continue
            out.append(f"  {key}:")
            if key == "final_content":
                out.append(f"    sha256: {stamp['sha256']}")
            out.append(f"    by: {scalar(stamp['by'])}")
            out.append(f"    at: {stamp['at']}")
            if stamp.get("reason"):
                out += block("reason", stamp["reason"], "    ")
    return "\n".join(out) + "\n"


# The order Pactoria writes `lifecycle:` in (ContractCodec.lifecycleOrder).
LIFECYCLE_ORDER = ["final_content", "submitted", "changes_requested", "activated", "completed",
                   "terminated", "expired"]


def company_yaml(co: dict) -> str:
    out = [f"name: {scalar(co['name'])}", f"slug: {co['slug']}"]
    if co.get("company_number"):
        out.append(f"company_number: {quoted(co['company_number'])}")
    out += [f"subscription_tier: {co['subscription_tier']}", f"created_at: {co['created_at']}"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- vocabulary

PLACES = """Harbour Thames Pennine Cotswold Mersey Severn Northgate Kingsway Oakfield Ashford
Bramble Castle Chiltern Dales Exmoor Fenland Greenwich Hadley Ivybridge Jubilee Kestrel Lakeland
Marlow Newbury Orchard Pembroke Quayside Ribble Solent Trent Upland Vale Wessex Weald Yarrow
Avon Beacon Bridgewater Cheviot Clyde Derwent Eden Forth Grampian Humber Isis Kennet Lune Medway
Mendip Norfolk Ouse Peak Quantock Riverside Sandford Tamar Tyne Usk Wye Albion Brunel Caledonian
Downland Elmwood Fairway Glenmore Heathfield Ironbridge Juniper Kingfisher Lindum Meadow Northwood
Oxbow Pinewood Redbrick Saltire Thornbury Unity Victoria Westfield Whitehall Yew Anchor Bluebell
Cedar Cobalt Copper Crown Ember Falcon Foxglove Granite Hawthorn Heron Kelvin Lantern Maple Merlin
Millstone Oak Osprey Pebble Quarry Raven Rowan Sapphire Skylark Slate Sterling Summit Thistle
Tower Waterside Willow Wren Abbey Birch Chapel Dover Keystone Linden Mulberry Nelson Regent Shire"""
PLACES = PLACES.split()

TRADES = """Foods Digital Logistics Engineering Consulting Design Media Construction Analytics
Software Systems Marketing Recruitment Catering Property Energy Healthcare Print Motors Joinery
Electrical Plumbing Security Cleaning Training Events Telecom Furniture Textiles Brewing Bakery
Dairy Farms Travel Architecture Accountancy Finance Cyber Robotics Labs Pharma Veterinary Dental
Fitness Studios Publishing Packaging Freight Interiors Landscapes Solar Optics Audio Care""".split()
TRADES += ["Legal Services", "Facilities Management", "Home Improvements", "IT Solutions",
           "Data Services", "Building Supplies", "Wealth Management", "Office Supplies"]

SUFFIXES = ["Ltd"] * 14 + ["Limited"] * 4 + ["PLC", "LLP", "& Co Ltd", "Group Ltd", "Holdings Ltd"]

FIRST = """Jane Oliver Amelia Harry Isla George Ava Noah Mia Jack Sophie Leo Grace Arthur Lily
Oscar Freya Charlie Emily Thomas Ella James Ruby William Evie Henry Chloe Alfie Poppy Samuel
Priya Arjun Aisha Mohammed Fatima Yusuf Zara Owen Megan Rhys Catriona Fraser Siobhan Declan
Niamh Callum Eilidh Dafydd Bethan Kwame Adaeze Tomasz Katarzyna Luca Giulia""".split()
LAST = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood
Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James
Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson
Ellis Adams Singh Begum Ali Campbell Stewart MacDonald Reid Murray Fraser Okafor Nowak""".split()

CONTRACT_TYPES = [
    ("service_agreement", 30), ("supplier_agreement", 14), ("nda", 12), ("consultancy", 12),
    ("employment_contract", 10), ("terms_and_conditions", 6), ("lease", 5), ("partnership", 4),
    ("other", 7),
]
STATUSES = [("active", 34), ("draft", 18), ("pending_review", 12), ("completed", 18),
            ("expired", 10), ("terminated", 8)]

TITLE_PARTS = {
    "service_agreement": (["Website Redesign", "Cloud Hosting", "IT Support", "Payroll Processing",
                           "Office Cleaning", "Facilities Management", "Digital Marketing",
                           "Bookkeeping", "Managed Print", "Security Guarding", "Catering",
                           "Translation", "Software Maintenance", "Network Monitoring",
                           "Grounds Maintenance", "Waste Collection", "Courier", "Call Centre",
                           "Social Media Management", "Data Backup", "Helpdesk", "Event Staffing"],
                          ["Services Agreement", "Service Level Agreement", "Support Agreement",
                           "Master Services Agreement"]),
    "supplier_agreement": (["Packaging Materials", "Fresh Produce", "Office Furniture", "Laptops",
                            "Printed Stationery", "Timber", "Steel Fabrication", "Coffee",
                            "Workwear", "Cleaning Products", "Electrical Components",
                            "Medical Consumables", "Frozen Foods", "Signage", "Fuel Cards"],
                           ["Supply Agreement", "Framework Supply Agreement", "Purchase Agreement",
                            "Distribution Agreement"]),
    "nda": (["Project Falcon", "Project Heron", "Acquisition Talks", "Product Roadmap",
             "Joint Bid", "Software Evaluation", "Recipe Development", "Investment Round",
             "Pilot Programme", "Supplier Onboarding"],
            ["Mutual Non-Disclosure Agreement", "One-Way Non-Disclosure Agreement",
             "Confidentiality Agreement", "Mutual NDA"]),
    "consultancy": (["Strategy Review", "GDPR Compliance", "Cyber Security Audit", "Brand Refresh",
                     "Supply Chain Review", "ERP Selection", "Net Zero Planning",
                     "Pricing Review", "Cloud Migration", "Interim Finance Director"],
                    ["Consultancy Agreement", "Consultancy Services Agreement",
                     "Statement of Work"]),
    "employment_contract": (["Senior Developer", "Office Manager", "Sales Executive",
                             "Warehouse Operative", "Head Chef", "Account Manager",
                             "Marketing Assistant", "Finance Analyst", "HGV Driver",
                             "Customer Service Adviser", "Project Manager", "Receptionist"],
                            ["Employment Contract", "Contract of Employment",
                             "Fixed-Term Employment Contract", "Part-Time Employment Contract"]),
    "terms_and_conditions": (["Standard", "Online Shop", "Trade Account", "Wholesale",
                              "Subscription", "Booking"],
                             ["Terms and Conditions of Sale", "Terms of Business",
                              "Customer Terms and Conditions", "Terms of Service"]),
    "lease": (["Office Unit 4", "Warehouse Bay 12", "Retail Unit 2", "Studio 7", "Yard Space",
               "Workshop 3", "Suite 210", "Kiosk 5", "Storage Unit 19", "Ground Floor Office"],
              ["Lease", "Commercial Lease", "Licence to Occupy", "Lease Renewal"]),
    "partnership": (["Regional Distribution", "Co-Marketing", "Technology", "Research",
                     "Joint Venture", "Referral", "Reseller"],
                    ["Partnership Agreement", "Collaboration Agreement", "Alliance Agreement"]),
    "other": (["Sponsorship", "Letter of Intent", "Memorandum of Understanding", "Loan Agreement",
               "Settlement Agreement", "Licence Agreement", "Deed of Variation",
               "Agency Agreement"],
              ["", "for Spring Campaign", "for Community Fund", "for Trade Show",
               "for Pilot Scheme"]),
}
TITLE_EXTRAS = ["", "", "", "", " 2024", " 2025", " 2026", " Phase 2", " Phase 3", " Renewal",
                " (North)", " (South)", " (Scotland)", " (Wales)", " Extension"]

VALUE_RANGES = {
    "service_agreement": (2000, 250000), "supplier_agreement": (5000, 900000),
    "nda": None, "consultancy": (3000, 120000), "employment_contract": (21000, 95000),
    "terms_and_conditions": None, "lease": (6000, 180000), "partnership": (10000, 500000),
    "other": (500, 75000),
}

PLAIN_SENTENCES = [
    "{months} months of {what} work for {client}, paid monthly, with a {notice} notice period.",
    "We supply {what} to {client} from {start} and they pay within 30 days of each invoice.",
    "The contract covers {what} at a fixed price of £{amount} plus VAT.",
    "Either side can end it with {notice} notice in writing.",
    "Keep everything we learn about {client}'s business confidential for five years.",
    "Liability is capped at the fees paid in the previous twelve months.",
    "The work is reviewed every quarter and the price can rise by inflation once a year.",
    "{client} owns the deliverables once they have paid in full.",
    "Our staff will work on site two days a week and remotely the rest of the time.",
    "Any disputes go to mediation first, then to the courts of England and Wales.",
    "Personal data is handled under UK GDPR and deleted when the contract ends.",
    "Late payments carry interest at 4% above the Bank of England base rate.",
]
WHAT = ["design and build", "cleaning", "IT support", "consulting", "catering", "delivery",
        "maintenance", "marketing", "bookkeeping", "security", "hosting", "training"]
NOTICE = ["one-month", "two-week", "three-month", "30-day", "60-day", "six-week"]

HEADINGS = [
    "Definitions and Interpretation", "Commencement and Term", "The Services", "Supply of Goods",
    "Client Obligations", "Supplier Obligations", "Fees and Payment", "Invoicing", "Change Control",
    "Service Levels", "Confidentiality", "Intellectual Property", "Data Protection", "Warranties",
    "Indemnities", "Limitation of Liability", "Insurance", "Termination",
    "Consequences of Termination", "Force Majeure", "Assignment and Subcontracting",
    "Non-Solicitation", "Anti-Bribery and Modern Slavery", "Health and Safety", "Audit and Records",
    "Notices", "Dispute Resolution", "Variation", "Waiver", "Severance", "Entire Agreement",
    "Third Party Rights", "Counterparts", "Governing Law and Jurisdiction",
]

SUBJ = ["The Supplier", "The Client", "Each party", "Neither party", "The Customer",
        "The Consultant", "The receiving party", "The disclosing party", "The Employer",
        "The Landlord", "The Tenant"]
MODAL = ["shall", "shall not", "must", "will", "may", "shall use reasonable endeavours to",
         "shall promptly", "may at any time"]
ACTION = ["provide the {obj} in accordance with Good Industry Practice",
          "notify the other party in writing of any {obj}",
          "maintain complete and accurate records of the {obj}",
          "comply with all applicable laws relating to the {obj}",
          "pay each valid invoice for the {obj}",
          "keep the {obj} secure and confidential",
          "obtain and maintain all consents required for the {obj}",
          "deliver the {obj} to the Delivery Location",
          "remedy any defect in the {obj}",
          "allow the other party reasonable access to the {obj}",
          "return or destroy the {obj}",
          "take out and maintain insurance covering the {obj}",
          "assign, transfer or subcontract the {obj}",
          "disclose the {obj} to any third party",
          "review the {obj} with the other party"]
OBJ = ["Services", "Deliverables", "Goods", "Confidential Information", "Personal Data",
       "Charges", "Premises", "Specification", "Intellectual Property Rights", "Documentation",
       "Service Credits", "Equipment", "Materials", "Work Product", "Milestones", "Software"]
QUAL = ["within {n} Business Days of the Effective Date", "without undue delay",
        "at its own cost", "in a timely and professional manner",
        "save as expressly permitted by this Agreement",
        "subject to clause {c}", "during the Term and for {n} months afterwards",
        "except with the prior written consent of the other party",
        "to the extent reasonably practicable", "in accordance with the Specification",
        "as soon as reasonably practicable and in any event within {n} days",
        "by the dates set out in Schedule {s}"]
TAILS = ["Time shall not be of the essence for the performance of this obligation.",
         "This clause shall survive termination or expiry of this Agreement.",
         "Nothing in this clause limits either party's liability for fraud.",
         "The parties acknowledge that damages alone may not be an adequate remedy.",
         "Any such notice shall set out the matter in reasonable detail.",
         "All sums are exclusive of VAT, which shall be payable in addition.",
         "Interest shall accrue on overdue sums at 4% a year above the base rate.",
         "The exercise of this right shall not prejudice any other right or remedy.",
         "References to writing include email but not other electronic messages."]


def make_paragraph(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(2, 4)):
        s = f"{rng.choice(SUBJ)} {rng.choice(MODAL)} {rng.choice(ACTION)} {rng.choice(QUAL)}."
        s = s.replace("{obj}", rng.choice(OBJ)).replace("{n}", str(rng.choice([5, 10, 14, 20, 30, 60, 90])))
        s = s.replace("{c}", f"{rng.randint(2, 24)}.{rng.randint(1, 6)}").replace("{s}", str(rng.randint(1, 4)))
        parts.append(s)
    if rng.random() < 0.6:
        parts.append(rng.choice(TAILS))
    return " ".join(parts)


def slugify(text: str, limit: int = 64) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > limit:
        s = s[:limit].rsplit("-", 1)[0] if "-" in s[:limit] else s[:limit]
    return s or "contract"


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for v, w in pairs:
        x -= w
        if x < 0:
            return v
    return pairs[-1][0]


def ts(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def company_number(rng) -> str:
    if rng.random() < 0.1:
        return rng.choice(["SC", "NI", "OC"]) + f"{rng.randint(0, 999999):06d}"
    return f"{rng.randint(100000, 14999999):08d}"


def domain_of(name: str) -> str:
    words = [w for w in re.sub(r"[^A-Za-z ]", " ", name).split()
             if w not in ("Ltd", "Limited", "PLC", "LLP", "Co", "Group", "Holdings")]
    return "".join(words).lower() + ".co.uk"


# --------------------------------------------------------------------------- generator

class Generator:
    def __init__(self, seed: int, md_bytes: int):
        self.rng = random.Random(seed)
        self.md_bytes = md_bytes
        rng = self.rng
        combos = [f"{p} {t} {s}" for p in PLACES for t in TRADES for s in ("",)]
        rng.shuffle(combos)
        names = [c.strip() + " " + rng.choice(SUFFIXES) for c in combos[:3500]]
        self.company_names = names[:500]       # workspace companies (suppliers)
        self.client_names = names[500:]        # ~3,000 client organisations
        self.pool = [make_paragraph(rng) for _ in range(1500)]
        self.people = [f"{f} {l}" for f in FIRST for l in LAST]

    def uuid4(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def person_at(self, domain: str) -> str:
        p = self.rng.choice(self.people)
        first, last = p.split(" ", 1)
        return f"{p} <{first.lower()}.{last.lower()}@{domain}>"

    def company(self, i: int, width: int) -> dict:
        rng = self.rng
        name = self.company_names[i % len(self.company_names)]
        if i >= len(self.company_names):
            name = name.replace(" ", f" {i // len(self.company_names) + 1} ", 1)
        co = {
            "name": name,
            "slug": f"company-{i + 1:0{width}d}",
            "subscription_tier": rng.choice(["starter", "professional", "professional", "business"]),
            "created_at": ts(dt.datetime(2023, 1, 1, 9) + dt.timedelta(minutes=rng.randint(0, 900000))),
        }
        if rng.random() < 0.85:
            co["company_number"] = company_number(rng)
        co["domain"] = domain_of(name)
        co["staff"] = [self.person_at(co["domain"]) for _ in range(rng.randint(2, 6))]
        return co

    def contract(self, co: dict) -> dict:
        rng = self.rng
        ctype = weighted(rng, CONTRACT_TYPES)
        subjects, kinds = TITLE_PARTS[ctype]
        title = f"{rng.choice(subjects)} {rng.choice(kinds)}".strip() + rng.choice(TITLE_EXTRAS)
        client_name = rng.choice(self.client_names)
        cdomain = domain_of(client_name)
        client = {"name": client_name,
                  "email": f"{rng.choice(['procurement', 'legal', 'contracts', 'accounts', 'hello'])}@{cdomain}",
                  "company": client_name}
        if rng.random() < 0.8:
            client["company_number"] = company_number(rng)
        client["role"] = "Employee" if ctype == "employment_contract" else rng.choice(
            ["Client", "Client", "Customer", "Buyer"] if ctype != "lease" else ["Tenant"])
        supplier = {"name": co["name"], "email": f"contracts@{co['domain']}", "company": co["name"]}
        if co.get("company_number"):
            supplier["company_number"] = co["company_number"]
        supplier["role"] = {"employment_contract": "Employer", "lease": "Landlord"}.get(ctype, "Supplier")

        start = dt.date(2023, 1, 2) + dt.timedelta(days=rng.randint(0, 1400))
        created = dt.datetime(start.year, start.month, start.day, rng.randint(8, 18),
                              rng.randint(0, 59)) - dt.timedelta(days=rng.randint(3, 60))
        version = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 7])
        updated = created if version == 1 and rng.random() < 0.5 else \
            created + dt.timedelta(minutes=rng.randint(30, 200 * 24 * 60))
        c = {
            "id": self.uuid4(),
            "title": title,
            "contract_type": ctype,
            "status": weighted(rng, STATUSES),
        }
        rng_vals = VALUE_RANGES[ctype]
        amount = None
        if rng_vals and rng.random() < 0.92:
            pounds = rng.randint(*rng_vals)
            if rng.random() < 0.6:
                pounds = round(pounds, -2)
            pence = 0 if rng.random() < 0.8 else rng.choice([50, 25, 99, 10])
            amount = f"{pounds}.{pence:02d}"
        choices = [x for x in PLAIN_SENTENCES if amount or "{amount}" not in x]
        sentences = rng.sample(choices, rng.randint(1, 3))
        text = " ".join(sentences).format(
            months=rng.choice(["Three", "Six", "Twelve", "Eighteen", "Two"]),
            what=rng.choice(WHAT), client=client_name, notice=rng.choice(NOTICE),
            start=start.strftime("%-d %B %Y"), amount=f"{int((amount or '5000').split('.')[0]):,}")
        c["plain_english_input"] = "\n".join(textwrap.wrap(text, 88))
        c["client"] = client
        c["supplier"] = supplier
        if amount:
            c["contract_value"] = {"amount": amount,
                                   "currency": "GBP" if rng.random() < 0.95 else rng.choice(["EUR", "USD"])}
        c["start_date"] = start.isoformat()
        if ctype != "employment_contract" or rng.random() < 0.3:
            c["end_date"] = (start + dt.timedelta(days=rng.randint(30, 1095))).isoformat()
        if rng.random() < 0.5:
            c["template_id"] = f"template-{ctype.split('_')[0]}-{rng.randint(1, 12):03d}"
        c["version"] = version
        c["created_by"] = rng.choice(co["staff"])
        c["created_at"] = ts(created)
        c["updated_at"] = ts(updated)
        return c

    def markdown(self, c: dict) -> str:
        rng = self.rng
        client, supplier = c["client"], c["supplier"]
        out = [f"# {c['title']}\n",
               f"**This Agreement** is dated {c['start_date']} and is made between:\n",
               f"1. **{supplier['name']}**, a company registered in England and Wales"
               + (f" with company number {supplier['company_number']}" if supplier.get("company_number") else "")
               + f' ("{supplier["role"]}"); and',
               f"2. **{client['name']}**"
               + (f", company number {client['company_number']}" if client.get("company_number") else "")
               + f' ("{client["role"]}").\n',
               "## Background\n",
               f"A. {supplier['name']} carries on business in the provision of services of the kind "
               f"described in this Agreement.\n",
               f"B. {client['name']} wishes to appoint {supplier['name']} on the terms of this Agreement.\n"]
        size = sum(len(x) + 1 for x in out)
        pool = self.pool
        headings = HEADINGS[:]
        sec = 0
        while size < self.md_bytes:
            sec += 1
            h = headings[(sec - 1) % len(headings)] if sec <= len(headings) else f"Schedule {sec - len(headings)}"
            out.append(f"## {sec}. {h}\n")
            size += len(out[-1]) + 1
            for k in range(1, rng.randint(2, 5) + 1):
                para = f"{sec}.{k} {rng.choice(pool)}\n"
                if rng.random() < 0.1:
                    para = para[:-1] + f" This applies to {client['name']} and {supplier['name']} alike.\n"
                out.append(para)
                size += len(para) + 1
                if size >= self.md_bytes:
                    break
        out.append("## Signatures\n")
        out.append(f"Signed for and on behalf of **{supplier['name']}**: ____________________\n")
        out.append(f"Signed for and on behalf of **{client['name']}**: ____________________\n")
        return "\n".join(out)


# --------------------------------------------------------------------------- history

def trailer_value(s: str) -> str:
    """A trailer value as AuditTrailers.encode writes it (%XX for %, controls, NEL, U+2028/9,
    U+FEFF and surrounding whitespace; a lone % for the empty value)."""
    if s == "":
        return "%"
    chars = list(s)
    kept = [i for i, ch in enumerate(chars) if not ch.isspace()]
    first, last = (kept[0], kept[-1]) if kept else (len(chars), -1)
    out = []
    for i, ch in enumerate(chars):
        v = ord(ch)
        must = (ch == "%" or v < 0x20 or v == 0x7F or 0x80 <= v <= 0x9F or v in (0x2028, 0x2029, 0xFEFF))
        if must or i < first or i > last:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def compose_message(subject: str, events: list) -> str:
    """The commit message AuditTrailers.compose writes: the subject, then one trailer block per
    event (Contract, Event, From, To, Actor, Reason, Version)."""
    out = subject + "\n"
    if not events:
        return out
    out += "\n"
    for e in events:
        out += f"Pactoria-Contract: {trailer_value(e['id'])}\nPactoria-Event: {trailer_value(e['event'])}\n"
        for key, name in (("from", "From"), ("to", "To"), ("actor", "Actor"), ("reason", "Reason")):
            if e.get(key) is not None:
                out += f"Pactoria-{name}: {trailer_value(e[key])}\n"
        out += f"Pactoria-Version: {e['version']}\n"
    return out


TERMINATE_REASONS = [
    "Client went into administration", "Replaced by a new agreement", "Mutual agreement to end early",
    "Budget cut by 50% for the year", "Deal off: the client chose another supplier",
    "Breach of the payment terms (clause 7.2)", "Project cancelled by the board",
    "Duplicate of another contract", "Supplier ceased trading",
]
CHANGES_REASONS = [
    "Liability cap too low", "Please add a GDPR schedule", "Wrong client address",
    "Payment terms should be 30 days, not 60", "Fix the notice period: one month",
    "Missing the service levels", "Check the start date against the PO",
]
COMMIT_SUBJECTS = ["Drafting round", "Weekly contract updates", "Apply review comments",
                   "Tidy wording before review", "Update drafts after the client call"]
PLAIN_SUBJECTS = ["Fix typo", "Reword clause", "Hand edit before review", "Correct a paragraph",
                  "Tidy up wording"]


class Bag:
    """A set of contract indices with O(1) add, remove and seeded random choice."""

    def __init__(self):
        self.items, self.pos = [], {}

    def add(self, i):
        if i not in self.pos:
            self.pos[i] = len(self.items)
            self.items.append(i)

    def remove(self, i):
        j = self.pos.pop(i, None)
        if j is None:
            return
        last = self.items.pop()
        if last != i:
            self.items[j] = last
            self.pos[last] = j

    def pick(self, rng):
        return self.items[rng.randrange(len(self.items))] if self.items else None

    def __len__(self):
        return len(self.items)


class History:
    """N commits of lifecycle events, written through one `git fast-import`."""

    def __init__(self, gen, root, contracts, companies, start: dt.datetime):
        self.gen, self.rng, self.root = gen, gen.rng, root
        self.companies = companies           # slug -> company dict (staff, domain, stems)
        self.items = []                      # per contract: {"slug", "stem", "c", "md"}
        self.by_status = {}
        for kdir, stem, c in contracts:
            slug = os.path.basename(os.path.dirname(kdir))
            self.add_item({"slug": slug, "stem": stem, "c": c, "md": None})
        self.t = start
        self.span_days = 0                   # --history-days: spread the commits over this many days
        self.pending_writes = {}             # path -> bytes or None (delete), for this commit
        self.trailers = 0
        self.renamed = []
        self.counts = {}

    def add_item(self, it):
        i = len(self.items)
        self.items.append(it)
        self.by_status.setdefault(it["c"]["status"], Bag()).add(i)
        return i

    def set_status(self, i, status):
        c = self.items[i]["c"]
        self.by_status[c["status"]].remove(i)
        c["status"] = status
        self.by_status.setdefault(status, Bag()).add(i)

    def pick(self, status):
        bag = self.by_status.get(status)
        return bag.pick(self.rng) if bag else None

    # files
    def rel(self, it, ext):
        return f"companies/{it['slug']}/contracts/{it['stem']}.{ext}"

    def md(self, it) -> str:
        if it["md"] is None:
            with open(os.path.join(self.root, self.rel(it, "md")), encoding="utf-8") as f:
                it["md"] = f.read()
        return it["md"]

    def write_yaml(self, it):
        self.pending_writes[self.rel(it, "yaml")] = contract_yaml(it["c"]).encode("utf-8")

    def write_md(self, it, text):
        it["md"] = text
        self.pending_writes[self.rel(it, "md")] = text.encode("utf-8")

    # time and people
    def now(self) -> str:
        return ts(self.t)

    def day(self) -> str:
        return self.t.date().isoformat()

    def actor(self, it) -> str:
        return self.rng.choice(self.companies[it["slug"]]["staff"])

    def stamp(self, it, key, by, reason=None):
        c = it["c"]
        lc = c.setdefault("lifecycle", {})
        lc[key] = {"by": by, "at": self.now(), **({"reason": reason} if reason else {})}
        c["updated_at"] = self.now()

    def event(self, it, name, actor, **kw):
        return {"id": it["c"]["id"], "event": name, "actor": actor, "version": it["c"]["version"], **kw}

    def count(self, kind):
        self.counts[kind] = self.counts.get(kind, 0) + 1

    # the verbs, as Transitions.apply writes them: (subject, [event])
    def transition(self, i, action, reason=None):
        it = self.items[i]
        c = it["c"]
        by = self.actor(it)
        title = c["title"]
        if action == "finalize":
            digest = hashlib.sha256(self.md(it).encode("utf-8")).hexdigest()
            lc = c.setdefault("lifecycle", {})
            lc["final_content"] = {"sha256": digest, "by": by, "at": self.now()}
            c["updated_at"] = self.now()
            self.write_yaml(it)
            self.count("finalize")
            return f"Finalize content of: {title}", [self.event(it, "contract.finalized", by)]
        target, key, verb = {
            "submit": ("pending_review", "submitted", "Submit for review"),
            "request_changes": ("draft", "changes_requested", "Request changes to"),
            "activate": ("active", "activated", "Activate"),
            "complete": ("completed", "completed", "Complete"),
            "terminate": ("terminated", "terminated", "Terminate"),
            "expire": ("expired", "expired", "Expire"),
        }[action]
        before = c["status"]
        self.set_status(i, target)
        self.stamp(it, key, by, reason)
        self.write_yaml(it)
        self.count(action)
        e = self.event(it, f"contract.{key}", by, **{"from": before, "to": target})
        if reason:
            e["reason"] = reason
        return f"{verb}: {title}", [e]

    def edit_draft(self, i, bump_updated=True):
        """A content change of a draft: a paragraph replaced and the version bumped."""
        it = self.items[i]
        paras = self.md(it).split("\n\n")
        j = self.rng.randrange(1, len(paras) - 1)
        head = paras[j].split(" ", 1)[0] if paras[j][:1].isdigit() else ""
        paras[j] = (head + " " if head else "") + self.rng.choice(self.gen.pool)
        self.write_md(it, "\n\n".join(paras))
        it["c"]["version"] += 1
        if bump_updated:
            it["c"]["updated_at"] = self.now()
        self.write_yaml(it)

    def create(self):
        slug = self.rng.choice(sorted(self.companies))
        co = self.companies[slug]
        c = self.gen.contract(co)
        c["status"], c["version"] = "draft", 1
        by = self.rng.choice(co["staff"])
        c["created_by"], c["created_at"], c["updated_at"] = by, self.now(), self.now()
        base = slugify(c["title"])
        stem, n = base, 1
        while stem in co["stems"]:
            n += 1
            suffix = f"-{n}"
            stem = base[: 64 - len(suffix)].rstrip("-") + suffix
        co["stems"].add(stem)
        it = {"slug": slug, "stem": stem, "c": c, "md": None}
        self.add_item(it)
        self.write_md(it, self.gen.markdown(c))
        self.write_yaml(it)
        self.count("create")
        return f"Add draft: {c['title']}", [self.event(it, "contract.created", by)]

    def rename(self, i, plain):
        it = self.items[i]
        co = self.companies[it["slug"]]
        old = dict(it)
        n = 2
        while True:
            suffix = f"-renamed-{n}" if n > 2 else "-renamed"
            stem = it["stem"][: 64 - len(suffix)].rstrip("-") + suffix
            if stem not in co["stems"]:
                break
            n += 1
        md = self.md(it)
        self.pending_writes[self.rel(old, "yaml")] = None
        self.pending_writes[self.rel(old, "md")] = None
        co["stems"].add(stem)
        it["stem"] = stem
        by = self.actor(it)
        if not plain:
            it["c"]["updated_at"] = self.now()   # `pactoria commit` stamps updated_at
        self.write_yaml(it)
        self.write_md(it, md)
        self.renamed.append({"id": it["c"]["id"], "from": f"{old['slug']}/{old['stem']}",
                             "to": f"{it['slug']}/{stem}", "plain_git": plain})
        self.count("rename_plain" if plain else "rename_commit")
        return by, [] if plain else [self.event(it, "contract.updated", by)]

    # one commit
    def next_commit(self):
        """Chooses and applies one commit's changes; returns (author, subject, events)."""
        rng = self.rng
        if min(len(self.by_status.get(s, ())) for s in ("draft", "pending_review", "active")) < 8:
            subject, events = self.create()             # keep every pool from running dry
            return events[0]["actor"], subject, events
        r = rng.random()
        if r < 0.05:                                   # plain git, no trailers
            i = self.pick("draft")
            it = self.items[i]
            if rng.random() < 0.6:
                self.edit_draft(i, bump_updated=False)   # by hand: version bumped, no updated_at
                self.count("plain_edit")
            else:
                self.set_status(i, "pending_review")     # a hand-made submit (inferred)
                self.write_yaml(it)
                self.count("plain_submit")
            return self.actor(it), rng.choice(PLAIN_SUBJECTS), []
        if r < 0.0575:                                 # rename
            bag = self.by_status[rng.choice(["draft", "active", "completed", "pending_review"])]
            i = bag.pick(rng)
            plain = rng.random() < 0.5
            by, events = self.rename(i, plain)
            subject = f"Rename {self.renamed[-1]['from']} to {self.renamed[-1]['to']}"
            return by, subject, events
        if r < 0.1075:                                 # several contracts in one commit
            if rng.random() < 0.3:
                due = [self.pick("active") for _ in range(40)]
                due = sorted({i for i in due if i is not None
                              and self.items[i]["c"].get("end_date", "9999") < self.day()})[: rng.randint(2, 4)]
                if len(due) >= 2:
                    by = self.actor(self.items[due[0]])
                    events = []
                    for i in due:
                        events += self.transition(i, "expire")[1]
                    for e in events:
                        e["actor"] = by
                    self.count("multi_expire")
                    return by, f"Expire {len(events)} contracts past their end date", events
            picks = {self.pick("draft") for _ in range(rng.randint(2, 6))}
            picks = sorted(picks, key=lambda i: self.rel(self.items[i], "yaml"))
            by = self.actor(self.items[picks[0]])
            events = []
            for i in picks:
                it = self.items[i]
                if rng.random() < 0.7:
                    self.edit_draft(i)
                    events.append(self.event(it, "contract.content_changed", by))
                else:                                  # status changed by hand, recorded at commit
                    self.set_status(i, "pending_review")
                    it["c"]["updated_at"] = self.now()
                    self.write_yaml(it)
                    events.append(self.event(it, "contract.submitted", by, **{"from": "draft", "to": "pending_review"}))
            self.count("multi_commit")
            return by, rng.choice(COMMIT_SUBJECTS), events
        # one contract, through a verb or `pactoria commit`
        kind = weighted(rng, [("submit", 20), ("review", 34), ("edit", 12), ("complete", 8),
                              ("expire", 8), ("terminate", 7), ("create", 4)])
        if kind == "create":
            subject, events = self.create()
            return events[0]["actor"], subject, events
        if kind == "edit":
            i = self.pick("draft")
            it = self.items[i]
            by = self.actor(it)
            self.edit_draft(i)
            self.count("edit")
            return by, rng.choice(["Update wording", "Revise payment terms", "Edit draft"]), \
                [self.event(it, "contract.content_changed", by)]
        if kind == "submit":
            i = self.pick("draft")
            return self.finish(self.transition(i, "submit"))
        if kind == "review":
            i = self.pick("pending_review")
            it = self.items[i]
            c = it["c"]
            if rng.random() < 0.15:
                return self.finish(self.transition(i, "request_changes", rng.choice(CHANGES_REASONS)))
            final = (c.get("lifecycle") or {}).get("final_content")
            digest = hashlib.sha256(self.md(it).encode("utf-8")).hexdigest()
            if not final or final["sha256"] != digest:
                return self.finish(self.transition(i, "finalize"))
            if c.get("end_date", "9999") < self.day():
                return self.finish(self.transition(i, "terminate", "End date passed before signature"))
            return self.finish(self.transition(i, "activate"))
        if kind == "expire":
            for _ in range(40):
                i = self.pick("active")
                if self.items[i]["c"].get("end_date", "9999") < self.day():
                    return self.finish(self.transition(i, "expire"))
            kind = "complete"
        if kind == "complete":
            return self.finish(self.transition(self.pick("active"), "complete"))
        status = weighted(rng, [("draft", 4), ("pending_review", 2), ("active", 4)])
        return self.finish(self.transition(self.pick(status), "terminate", rng.choice(TERMINATE_REASONS)))

    @staticmethod
    def finish(result):
        subject, events = result
        return events[0]["actor"], subject, events

    def run(self, n: int, parent: str, env) -> None:
        proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=self.root,
                                stdin=subprocess.PIPE, env=env)
        out = proc.stdin

        def data(b: bytes):
            out.write(b"data %d\n" % len(b))
            out.write(b)
            out.write(b"\n")

        step = (5, 55)
        if self.span_days:
            mean = self.span_days * 1440 // max(1, n)
            step = (max(5, mean // 2), max(6, mean * 3 // 2))
        for k in range(n):
            self.t += dt.timedelta(minutes=self.rng.randint(*step), seconds=self.rng.randint(0, 59))
            self.pending_writes = {}
            author, subject, events = self.next_commit()
            self.trailers += len(events)
            name, email = author[:-1].split(" <", 1)
            when = int(self.t.replace(tzinfo=dt.timezone.utc).timestamp())
            ident = f"{name} <{email}> {when} +0000\n".encode("utf-8")
            out.write(b"commit refs/heads/main\n")
            out.write(b"author " + ident + b"committer " + ident)
            data(compose_message(subject, events).encode("utf-8"))
            if k == 0:
                out.write(f"from {parent}\n".encode())
            for path, body in self.pending_writes.items():
                if body is None:
                    out.write(f"D {path}\n".encode("utf-8"))
            for path, body in self.pending_writes.items():
                if body is not None:
                    out.write(f"M 100644 inline {path}\n".encode("utf-8"))
                    data(body)
        out.write(b"done\n")
        out.close()
        if proc.wait() != 0:
            raise SystemExit("genworkspace: git fast-import failed")


def git(cwd, *args, env=None):
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env,
                   stdout=subprocess.DEVNULL)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--companies", type=int, default=100)
    ap.add_argument("--per-company", type=int, default=100)
    ap.add_argument("--md-bytes", type=int, default=10000)
    ap.add_argument("--commits", type=int, default=3)
    ap.add_argument("--history-days", type=int, default=0,
                    help="with --history: spread its commits over this many days before 2026-11-02")
    ap.add_argument("--history", type=int, default=0,
                    help="then N commits of lifecycle events (see above)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.companies < 1 or a.per_company < 1 or a.commits < 1 or a.history < 0:
        ap.error("--companies, --per-company and --commits must be at least 1, --history at least 0")

    root = os.path.abspath(a.dir)
    if os.path.exists(root) and os.listdir(root):
        print(f"genworkspace: {root} exists and is not empty", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    gen = Generator(a.seed, a.md_bytes)
    os.makedirs(os.path.join(root, ".pactoria"), exist_ok=True)
    with open(os.path.join(root, ".pactoria", "config.yaml"), "w", encoding="utf-8") as f:
        f.write("schema_version: 1\ndefault_currency: GBP\n"
                "default_author: Bench Bot <bench@example.co.uk>\n")
    with open(os.path.join(root, ".gitignore"), "w", encoding="utf-8") as f:
        f.write(".pactoria/cache/\n")

    width = max(3, len(str(a.companies)))
    contracts = []  # (dir, stem, dict)
    companies = {}  # slug -> company dict, with its "stems"
    nbytes = 0
    for i in range(a.companies):
        co = gen.company(i, width)
        cdir = os.path.join(root, "companies", co["slug"])
        kdir = os.path.join(cdir, "contracts")
        os.makedirs(kdir)
        with open(os.path.join(cdir, "company.yaml"), "w", encoding="utf-8") as f:
            f.write(company_yaml(co))
        stems = set()
        for _ in range(a.per_company):
            c = gen.contract(co)
            base = slugify(c["title"])
            stem, n = base, 1
            while stem in stems:
                n += 1
                suffix = f"-{n}"
                stem = base[: 64 - len(suffix)].rstrip("-") + suffix
            stems.add(stem)
            y, md = contract_yaml(c), gen.markdown(c)
            with open(os.path.join(kdir, stem + ".yaml"), "w", encoding="utf-8") as f:
                f.write(y)
            with open(os.path.join(kdir, stem + ".md"), "w", encoding="utf-8") as f:
                f.write(md)
            nbytes += len(y) + len(md)
            contracts.append((kdir, stem, c))
        co["stems"] = stems
        companies[co["slug"]] = co
    t_files = time.perf_counter() - t0

    env = dict(os.environ, GIT_AUTHOR_NAME="Bench Bot", GIT_AUTHOR_EMAIL="bench@example.co.uk",
               GIT_COMMITTER_NAME="Bench Bot", GIT_COMMITTER_EMAIL="bench@example.co.uk")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Bench Bot")
    git(root, "config", "user.email", "bench@example.co.uk")
    # With --history, every date is fixed: history starts on HISTORY_START, after every
    # generated contract was created; the import and edit commits come just before it.
    history_start = dt.datetime(2026, 11, 2, 8, 0, 0)
    if a.history and a.history_days:
        # Spread over the days before it instead (a year of history for the analytics benchmark).
        history_start -= dt.timedelta(days=a.history_days)

    def dated(when: dt.datetime) -> dict:
        if not a.history:
            return env
        stamp = f"{int(when.replace(tzinfo=dt.timezone.utc).timestamp())} +0000"
        return dict(env, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)

    git(root, "add", "-A")
    git(root, "-c", "gc.auto=0", "commit", "-q", "-m", "Import contracts",
        env=dated(history_start - dt.timedelta(days=2)))
    import_commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True,
                                   capture_output=True, text=True).stdout.strip()

    rng = gen.rng
    n_edit = max(1, round(len(contracts) / 100))
    # With --history the edits must be legal: only drafts, whose content may change.
    editable = [x for x in contracts if x[2]["status"] == "draft"] if a.history else contracts
    for k in range(2, a.commits + 1):
        for kdir, stem, c in rng.sample(editable, min(n_edit, len(editable))):
            mdp = os.path.join(kdir, stem + ".md")
            with open(mdp, encoding="utf-8") as f:
                paras = f.read().split("\n\n")
            j = rng.randrange(1, len(paras) - 1)  # replace a body paragraph
            head = paras[j].split(" ", 1)[0] if paras[j][:1].isdigit() else ""
            paras[j] = (head + " " if head else "") + rng.choice(gen.pool)
            with open(mdp, "w", encoding="utf-8") as f:
                f.write("\n\n".join(paras))
            c["version"] += 1
            last = dt.datetime.strptime(c["updated_at"], "%Y-%m-%dT%H:%M:%SZ")
            c["updated_at"] = ts(last + dt.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600)))
            if rng.random() < 0.2 and not a.history:
                c["status"] = weighted(rng, STATUSES)
            with open(os.path.join(kdir, stem + ".yaml"), "w", encoding="utf-8") as f:
                f.write(contract_yaml(c))
        git(root, "add", "-A")
        git(root, "-c", "gc.auto=0", "commit", "-q", "-m", f"Edit {n_edit} contracts (batch {k})",
            env=dated(history_start - dt.timedelta(days=1, minutes=-k)))
    history = None
    if a.history:
        parent = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, check=True,
                                capture_output=True, text=True).stdout.strip()
        history = History(gen, root, contracts, companies, history_start)
        history.span_days = a.history_days
        history.run(a.history, parent, env)
        git(root, "reset", "-q", "--hard", "HEAD")
        with open(os.path.join(root, ".git", "pactoria-bench.json"), "w", encoding="utf-8") as f:
            json.dump({"seed": a.seed, "import_commit": import_commit, "history_base": parent,
                       "history_commits": a.history, "trailer_blocks": history.trailers,
                       "kinds": dict(sorted(history.counts.items())), "renamed": history.renamed},
                      f, indent=1)
            f.write("\n")
    t_git = time.perf_counter() - t0 - t_files
    git(root, "gc", "-q")
    t_total = time.perf_counter() - t0
    if not a.quiet:
        print(f"genworkspace: {len(contracts)} contracts in {a.companies} companies, "
              f"{nbytes / 1e6:.1f} MB of YAML+Markdown, {a.commits} commits"
              + (f" + {a.history} history commits ({history.trailers} trailer blocks, "
                 f"{len(history.renamed)} renames)" if history else "") + "; "
              f"files {t_files:.1f}s, git add/commit {t_git:.1f}s, gc {t_total - t_files - t_git:.1f}s, "
              f"total {t_total:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
