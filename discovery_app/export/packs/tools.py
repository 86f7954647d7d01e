"""Each tool's pack: its files, columns and README, built from the workbook's rows.

Column names follow each tool's published import documentation where it could be found (named
in the README as confirmed); the rest are the closest match we know, and the README says which
columns are a guess so the delivery team checks them against the template their own instance
offers before the first import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from .. import workbook_data as hm
from . import CsvFile, Pack, Picklist, load_picklists

# Inventory categories that are things a PSA or documentation tool tracks as configurations.
DEVICE = "Device"
LICENCE = "Licence"


def _d(day: date | None) -> str:
    return day.isoformat() if day else ""


def _n(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _kind(i: hm.InventoryRow) -> str:
    return "licence" if i.category == LICENCE else (i.kind or "").strip().casefold()


def _tracked(data: hm.HandoffData, *categories: str) -> list[hm.InventoryRow]:
    return [i for i in data.inventory if i.category in categories]


def _readme(tool: str, title: str, steps: Sequence[str], files: Sequence[tuple[str, str]], confirmed: str,
            guessed: Sequence[str], picklists: Mapping[str, Picklist], data: hm.HandoffData) -> str:
    lines = [f"{title}: import pack for {data.client_name}", "=" * 60, "",
             f"Written by Discovery on {data.exported_on.isoformat()} from engagement {data.engagement_uid}.",
             "Files are UTF-8 CSV, comma-separated, with ISO dates (YYYY-MM-DD). Open them in a text editor or",
             "import them directly; opening and re-saving in Excel can change dates and characters.", ""]
    if data.start_date:
        lines += [f"Dates count from the delivery start, {data.start_date.isoformat()} (plan week 1).", ""]
    lines += ["Files", "-----"] + [f"- {name}: {what}" for name, what in files] + ["", "How to import", "-------------"]
    lines += [f"{n}. {s}" for n, s in enumerate(steps, 1)]
    lines += ["", "Columns", "-------", confirmed]
    if guessed:
        lines += ["", "These columns are our best match, NOT confirmed against the tool's published template; compare",
                  "them with the template your instance offers and rename a header if yours differs:"]
        lines += [f"- {g}" for g in guessed]
    if picklists:
        lines += ["", "Picklist values used", "--------------------",
                  f"Each must exist in your instance. They come from picklists/{tool}.json in Discovery's",
                  "installation, which you can edit to match your own values:"]
        lines += [f"- {col}: {', '.join(p.values)}" for col, p in picklists.items()]
    return "\n".join(lines) + "\n"


# ---- ConnectWise PSA ------------------------------------------------------------------------

CW_CONFIG = ("Configuration Type", "Configuration Name", "Manufacturer Company Name", "Serial Number", "Model Number",
             "Tag Number", "Purchase Date", "Installed Date", "Warranty Date", "Configuration Status", "Company Name",
             "Location", "OS Type", "Configuration Notes")
CW_PLAN = ("Type", "WBS", "Summary", "Time Budget", "Priority", "Start Date", "Due Date", "Notes")


def _plan_phases(data: hm.HandoffData) -> list[hm.PhaseRow]:
    """The stabilization plan's phases, then one for the approved change orders (if any)."""
    from ..change_order_work import phase_row

    extra = phase_row(data.change_orders, len(data.phases) + 1)
    return [*data.phases, *([extra] if extra else [])]


def _plan_tasks(data: hm.HandoffData) -> list[hm.Task]:
    """The stabilization plan's tasks, then the approved change orders' work: no work starts on
    an order the client has not approved, so no other order is here."""
    return [*data.stabilization, *(w.task for w in data.change_orders)]


def connectwise(data: hm.HandoffData, pl: Mapping[str, Picklist]) -> Pack:
    ctype, status = pl["Configuration Type"], pl["Configuration Status"]
    configs = tuple({
        "Configuration Type": ctype.pick(_kind(i)), "Configuration Name": i.name, "Manufacturer Company Name": i.manufacturer,
        "Serial Number": i.serial, "Model Number": i.model, "Tag Number": i.asset_tag, "Purchase Date": _d(i.purchase_date),
        "Installed Date": "", "Warranty Date": _d(i.warranty_end), "Configuration Status": status.default,
        "Company Name": data.client_name, "Location": i.site, "OS Type": i.os, "Configuration Notes": i.notes,
    } for i in _tracked(data, DEVICE, LICENCE))
    rows: list[dict[str, str]] = []
    prio = pl["Priority"]
    for p in _plan_phases(data):
        rows.append({"Type": "Phase", "WBS": str(p.number),
                     "Summary": p.name, "Time Budget": _n(p.hours), "Priority": "", "Start Date": _d(p.start_date),
                     "Due Date": _d(p.end_date), "Notes": _one_line(p.purpose)})
        tasks = [t for t in _plan_tasks(data) if t.plan_phase == p.name]
        for k, t in enumerate(tasks, 1):
            rows.append({"Type": pl["Type"].default, "WBS": f"{p.number}.{k}", "Summary": _summary(t),
                         "Time Budget": _n(sum((ln.hours for ln in t.lines), Decimal(0))),
                         "Priority": prio.pick(t.priority), "Start Date": _d(t.start_date), "Due Date": _d(t.end_date),
                         "Notes": _task_notes(t)})
    files = (
        CsvFile("configurations.csv", CW_CONFIG, ("Configuration Type", "Configuration Name", "Configuration Status",
                                                  "Company Name"),
                ("Purchase Date", "Installed Date", "Warranty Date"), configs),
        CsvFile("project-work-plan.csv", CW_PLAN, ("Type", "WBS", "Summary"), ("Start Date", "Due Date"), tuple(rows)),
    )
    readme = _readme("connectwise", "ConnectWise PSA", [
        f"Create the company \"{data.client_name}\" and its sites in ConnectWise PSA first; Company Name and "
        "Location must match them exactly.",
        "Configurations: Companies > Configurations > Import (or System > Import, Configurations), choose "
        "configurations.csv and map each column on the mapping screen.",
        "Work plan: create the project, open its Work Plan and import project-work-plan.csv; Phase rows become "
        "phases, Ticket rows project tickets under the phase their WBS number starts with.",
        "Time Budget is in hours; Start Date and Due Date come from the plan's weeks.",
    ], [("configurations.csv", "devices and licences, one configuration each"),
        ("project-work-plan.csv", "the stabilization plan: its phases, then each phase's tasks")],
        "Configuration column names follow ConnectWise PSA's configuration fields as integrations map them "
        "(Configuration Type, Configuration Status, Tag Number, Installed Date, Serial Number, ...).",
        ["configurations.csv: Manufacturer Company Name, Warranty Date, OS Type, Configuration Notes (left "
         "empty where the inventory has no value)",
         "project-work-plan.csv: every column (Type, WBS, Summary, Time Budget, Priority, Start Date, Due Date, "
         "Notes): no published import template was found; this is the shape ConnectWise's work plan shows"],
        pl, data)
    return Pack("connectwise", files, readme, pl)


def _summary(t: hm.Task) -> str:
    return f"{t.order}. {t.title}"


def _task_notes(t: hm.Task) -> str:
    parts = [f"Owner: {t.owner}", "Hours: " + ", ".join(f"{ln.role_name} {_n(ln.hours)}" for ln in t.lines)]
    if t.predecessors:
        parts.append(f"After task(s): {t.predecessors}")
    if t.definition_of_done:
        parts.append(f"Done when: {_one_line(t.definition_of_done)}")
    if t.risk:
        parts.append(f"Addresses: {t.risk}")
    return " | ".join(parts)


# ---- Autotask -------------------------------------------------------------------------------

AT_CI = ("Configuration Item: Account Name", "Configuration Item: Product", "Configuration Item: Configuration Item Type",
         "Configuration Item: Reference Title", "Configuration Item: Serial Number", "Configuration Item: Install Date",
         "Configuration Item: Warranty Expiration Date", "Configuration Item: Active", "Configuration Item: Location",
         "Configuration Item: Notes")
AT_TASKS = ("Phase: Name", "Task: Title", "Task: Description", "Task: Estimated Hours", "Task: Start Date",
            "Task: End Date", "Task: Department", "Task: Work Type", "Task: Priority")


def autotask(data: hm.HandoffData, pl: Mapping[str, Picklist]) -> Pack:
    ctype, active = pl["Configuration Item: Configuration Item Type"], pl["Configuration Item: Active"]
    start = data.start_date or data.exported_on
    cis = tuple({
        "Configuration Item: Account Name": data.client_name,
        "Configuration Item: Product": i.model or ctype.pick(_kind(i)),
        "Configuration Item: Configuration Item Type": ctype.pick(_kind(i)),
        "Configuration Item: Reference Title": i.name, "Configuration Item: Serial Number": i.serial,
        "Configuration Item: Install Date": _d(i.purchase_date or start),
        "Configuration Item: Warranty Expiration Date": _d(i.warranty_end),
        "Configuration Item: Active": active.default, "Configuration Item: Location": i.site,
        "Configuration Item: Notes": i.notes,
    } for i in _tracked(data, DEVICE, LICENCE))
    tasks = tuple({
        "Phase: Name": t.plan_phase, "Task: Title": _summary(t)[:255], "Task: Description": _task_notes(t),
        "Task: Estimated Hours": _n(sum((ln.hours for ln in t.lines), Decimal(0))),
        "Task: Start Date": _d(t.start_date), "Task: End Date": _d(t.end_date),
        "Task: Department": pl["Task: Department"].default, "Task: Work Type": pl["Task: Work Type"].default,
        "Task: Priority": pl["Task: Priority"].pick(t.priority),
    } for t in _plan_tasks(data))
    files = (
        CsvFile("configuration-items.csv", AT_CI, ("Configuration Item: Account Name", "Configuration Item: Product",
                                                   "Configuration Item: Install Date"),
                ("Configuration Item: Install Date", "Configuration Item: Warranty Expiration Date"), cis),
        CsvFile("project-phases-and-tasks.csv", AT_TASKS, ("Phase: Name", "Task: Title"),
                ("Task: Start Date", "Task: End Date"), tasks),
    )
    readme = _readme("autotask", "Autotask PSA", [
        f"Create the organization (account) \"{data.client_name}\" and its locations in Autotask first.",
        "Devices: Admin > Features & Settings > Application-Wide (Shared) Features > Import, choose the Devices "
        "(configuration items) import and configuration-items.csv. A product that does not exist yet is created "
        "from the Product column.",
        "Install Date is required by Autotask: where the inventory has no purchase date, the pack uses the "
        "delivery start date.",
        "Phases and tasks are created into an EXISTING project: create the project, open Schedule > Actions > "
        "Import from > .CSV File and choose project-phases-and-tasks.csv. Tasks with the same Phase: Name go into "
        "one phase (Autotask reports the repeated phase names as duplicates; that is expected).",
        "Import creates; it does not update. Import once, into an empty project.",
    ], [("configuration-items.csv", "devices and licences, one configuration item (device) each"),
        ("project-phases-and-tasks.csv", "the stabilization plan's tasks with their phase")],
        "Phase: Name (required) is the column Autotask's Project Phases and Tasks import template documents; "
        "headers use Autotask's \"Entity: Field\" style.",
        ["configuration-items.csv: every column name (Autotask renamed configuration items to devices and its "
         "template headers follow your instance's terms: Account, Organization, Customer ...)",
         "project-phases-and-tasks.csv: every column except Phase: Name"], pl, data)
    return Pack("autotask", files, readme, pl)


# ---- HaloPSA --------------------------------------------------------------------------------

HALO = ("inventory_number", "key_field", "key_field2", "key_field3", "client_name", "site_name", "assettype_name",
        "warranty_end", "notes", "inactive")


def halopsa(data: hm.HandoffData, pl: Mapping[str, Picklist]) -> Pack:
    atype = pl["assettype_name"]
    assets = tuple({
        "inventory_number": "", "key_field": i.name, "key_field2": i.serial, "key_field3": i.model,
        "client_name": data.client_name, "site_name": i.site, "assettype_name": atype.pick(_kind(i)),
        "warranty_end": _d(i.warranty_end), "notes": "; ".join(x for x in (i.os, i.notes) if x),
        "inactive": pl["inactive"].default,
    } for i in _tracked(data, DEVICE, LICENCE))
    files = (CsvFile("assets.csv", HALO, ("client_name", "assettype_name", "key_field"), ("warranty_end",), assets),)
    readme = _readme("halopsa", "HaloPSA", [
        f"Create the client \"{data.client_name}\" and its sites in HaloPSA first; client_name and site_name must "
        "match them.",
        "Assets > Import (or Configuration > Asset Management > Import), choose assets.csv and map the columns to "
        "the asset fields; the same columns work for the API (POST /api/Asset takes these field names).",
        "inventory_number is left empty so HaloPSA numbers the assets itself.",
    ], [("assets.csv", "devices and licences, one asset each")],
        "Columns are HaloPSA's asset API field names (inventory_number, key_field, key_field2, key_field3, "
        "client_name, site_name, assettype_name, warranty_end, notes, inactive).",
        ["key_field / key_field2 / key_field3 hold the device name, serial number and model: which key field "
         "means what is set per asset type in your HaloPSA"], pl, data)
    return Pack("halopsa", files, readme, pl)


# ---- IT Glue --------------------------------------------------------------------------------

ITG = ("organization", "name", "configuration_type", "configuration_status", "hostname", "primary_ip", "mac_address",
       "serial_number", "asset_tag", "manufacturer", "model", "operating_system", "notes", "warranty_expires_at",
       "location")
ITG_LICENCES = ("organization", "name", "seats", "purchased_at", "renewal_date", "notes")


def itglue(data: hm.HandoffData, pl: Mapping[str, Picklist]) -> Pack:
    ctype, status = pl["configuration_type"], pl["configuration_status"]
    configs = tuple({
        "organization": data.client_name, "name": i.name, "configuration_type": ctype.pick(_kind(i)),
        "configuration_status": status.default, "hostname": i.name if i.category == DEVICE else "",
        "primary_ip": "", "mac_address": "", "serial_number": i.serial, "asset_tag": i.asset_tag, "manufacturer": i.manufacturer,
        "model": i.model, "operating_system": i.os, "notes": i.notes, "warranty_expires_at": _d(i.warranty_end),
        "location": i.site,
    } for i in _tracked(data, DEVICE))
    licences = tuple({
        "organization": data.client_name, "name": i.name, "seats": "", "purchased_at": _d(i.purchase_date),
        "renewal_date": _d(i.warranty_end), "notes": i.notes,
    } for i in _tracked(data, LICENCE))
    files = [CsvFile("configurations.csv", ITG, ("organization", "name", "configuration_type", "configuration_status"),
                     ("warranty_expires_at",), configs)]
    listed = [("configurations.csv", "devices, one configuration each")]
    if licences:
        files.append(CsvFile("licences.csv", ITG_LICENCES, ("organization", "name"), ("purchased_at", "renewal_date"),
                             licences))
        listed.append(("licences.csv", "licences, for a Licensing flexible asset"))
    readme = _readme("itglue", "IT Glue", [
        f"Create the organization \"{data.client_name}\" in IT Glue (or let your PSA sync it) first.",
        "Account > Import Data > Configurations: choose configurations.csv; the importer maps columns by the "
        "header row. Dates must be YYYY-MM-DD and the file UTF-8 (both are).",
        "Configuration types and statuses must exist: when a PSA syncs them, create them in the PSA first.",
        "licences.csv (where the inventory has licences): Account > Import Data > your Licensing flexible asset "
        "type, mapping its fields to these columns.",
    ], listed,
        "configurations.csv uses the configuration fields named in IT Glue's CSV import (name, "
        "configuration_type, configuration_status, hostname, primary_ip, mac_address, serial_number, asset_tag, "
        "manufacturer, model, operating_system, notes, warranty_expires_at, location).",
        ["configurations.csv: organization (the import may instead ask for the organization on its first screen)",
         "licences.csv: every column (a flexible asset's fields are whatever your Licensing type defines)"],
        pl, data)
    return Pack("itglue", tuple(files), readme, pl)


# ---- Generic --------------------------------------------------------------------------------

GEN_INV = ("ID", "Name", "Category", "Kind", "Site", "Owner", "OS", "Manufacturer", "Model", "Serial", "Asset Tag",
           "Purchase Date", "Warranty End", "Notes", "Source")
GEN_PLAN = ("Record", "Number", "Phase", "Title", "Owner", "Priority", "Hours", "Start Week", "End Week", "Start Date",
            "End Date", "Depends On", "Definition of Done", "Addresses Risk", "ID")
GEN_CONTACTS = ("Kind", "Order", "Name", "Role", "Email", "Phone", "Address", "Users", "Notes")


def generic(data: hm.HandoffData, pl: Mapping[str, Picklist]) -> Pack:
    inv = tuple({"ID": i.uid, "Name": i.name, "Category": i.category, "Kind": i.kind, "Site": i.site,
                 "Owner": i.owner, "OS": i.os, "Manufacturer": i.manufacturer, "Model": i.model,
                 "Serial": i.serial, "Asset Tag": i.asset_tag,
                 "Purchase Date": _d(i.purchase_date), "Warranty End": _d(i.warranty_end), "Notes": i.notes,
                 "Source": i.source} for i in data.inventory)
    plan: list[dict[str, str]] = []
    for p in _plan_phases(data):
        plan.append({"Record": "Phase", "Number": str(p.number), "Phase": p.name, "Title": p.name, "Owner": "",
                     "Priority": "", "Hours": _n(p.hours), "Start Week": str(p.start_week),
                     "End Week": str(p.end_week), "Start Date": _d(p.start_date), "End Date": _d(p.end_date),
                     "Depends On": "", "Definition of Done": _one_line(p.purpose), "Addresses Risk": "", "ID": ""})
        for t in (t for t in _plan_tasks(data) if t.plan_phase == p.name):
            plan.append({"Record": "Task", "Number": str(t.order), "Phase": p.name, "Title": t.title,
                         "Owner": t.owner, "Priority": t.priority,
                         "Hours": _n(sum((ln.hours for ln in t.lines), Decimal(0))),
                         "Start Week": _n(t.start_week), "End Week": _n(t.end_week), "Start Date": _d(t.start_date),
                         "End Date": _d(t.end_date), "Depends On": t.predecessors,
                         "Definition of Done": t.definition_of_done, "Addresses Risk": t.risk, "ID": t.uid})
    contacts: list[dict[str, str]] = []
    for n, step in enumerate(data.escalation, 1):
        contacts.append({"Kind": "Escalation", "Order": str(n), "Name": step})
    for c in data.people:
        contacts.append({"Kind": "Contact", "Name": c.name, "Role": c.role, "Email": c.email, "Phone": c.phone,
                         "Notes": "Decision maker" if c.decision_maker else ""})
    for s in data.sites:
        contacts.append({"Kind": "Site", "Name": s.name, "Address": s.address, "Users": _n(s.users), "Notes": s.notes})
    files = (
        CsvFile("inventory.csv", GEN_INV, ("ID", "Name", "Category"), ("Purchase Date", "Warranty End"), inv),
        CsvFile("plan.csv", GEN_PLAN, ("Record", "Number", "Title"), ("Start Date", "End Date"), tuple(plan)),
        CsvFile("contacts.csv", GEN_CONTACTS, ("Kind", "Name"), (), tuple(contacts)),
    )
    readme = _readme("generic", "Generic CSV", [
        "Every field Discovery holds, for a tool without its own pack: map the columns in that tool's importer.",
        "Hudu: Hudu imports assets through its API rather than a CSV upload. Create the company, then POST each "
        "row of inventory.csv to /api/v1/companies/{company_id}/assets with the asset layout's field names "
        "(see your Hudu instance's API documentation); or keep the CSV as the source for a script.",
        "plan.csv holds the stabilization plan: Phase rows, each followed by its Task rows.",
    ], [("inventory.csv", "every inventory item: devices, applications, cloud services, vendors, licences"),
        ("plan.csv", "the stabilization plan's phases and tasks with weeks and dates"),
        ("contacts.csv", "escalation order, contacts and sites")],
        "The columns are Discovery's own field names; nothing here is a guess about another tool.", [], pl, data)
    return Pack("generic", files, readme, pl)


BUILDERS: dict[str, Callable[[hm.HandoffData, Mapping[str, Picklist]], Pack]] = {
    "connectwise": connectwise, "autotask": autotask, "halopsa": halopsa, "itglue": itglue, "generic": generic,
}


def build_pack(data: hm.HandoffData, tool: str, picklists: Mapping[str, Picklist] | None = None) -> Pack:
    """The pack of ``tool`` from the workbook's rows, with the tool's picklist table."""
    if tool not in BUILDERS:
        raise ValueError(f"unknown tool {tool!r}; one of {', '.join(BUILDERS)}")
    return BUILDERS[tool](data, picklists if picklists is not None else load_picklists(tool))
