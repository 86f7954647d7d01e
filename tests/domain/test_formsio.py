"""Form packages: valid ones load; broken ones say file, line and field path."""

import shutil
from pathlib import Path

import pytest

from discovery_app.formsio import load_all, load_package

MINI = Path(__file__).parents[1] / "fixtures" / "forms" / "mini"


@pytest.fixture
def form(tmp_path):
    target = tmp_path / "forms" / "mini"
    shutil.copytree(MINI, target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text()
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))


def line_of(folder: Path, name: str, needle: str) -> int:
    for i, line in enumerate((folder / name).read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def only_error(folder: Path):
    result = load_package(folder)
    assert not result.ok and result.package is None
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    return result.errors[0]


def test_the_fixture_form_is_valid(form):
    result = load_package(form)
    assert result.ok, [str(e) for e in result.errors]
    assert result.package.key == "mini@1"


def test_yaml_syntax_error_names_file_and_line(form):
    edit(form, "fit.yaml", "    weight: 3\n", "    weight: [3\n")
    err = only_error(form)
    assert err.file == "fit.yaml"
    assert err.line is not None and err.line >= line_of(form, "fit.yaml", "weight: [3")
    assert "YAML syntax" in err.message


def test_unknown_field_names_line_and_path(form):
    edit(form, "questionnaire.yaml", "        label: Internal IT?\n", "        label: Internal IT?\n        colour: red\n")
    err = only_error(form)
    assert (err.file, err.line) == ("questionnaire.yaml", line_of(form, "questionnaire.yaml", "colour: red"))
    assert err.path == "questionnaire.sections[0].questions[1].colour"
    assert "unknown field" in err.message


def test_wrong_type_names_line_and_path(form):
    edit(form, "risks.yaml", "    likelihood: 4", "    likelihood: 9")
    err = only_error(form)
    assert (err.file, err.line) == ("risks.yaml", line_of(form, "risks.yaml", "likelihood: 9"))
    assert err.path == "risk_library.risks[0].likelihood"
    assert "less than or equal to 5" in err.message


def test_condition_may_only_name_earlier_questions(form):
    edit(form, "questionnaire.yaml", "show_if: has_internal_it == true", "show_if: adopt == 'full'")
    err = only_error(form)
    assert err.path == "questionnaire.sections[0].questions[2].show_if"
    assert "'adopt', which is a later question" in err.message
    assert err.line == line_of(form, "questionnaire.yaml", "show_if: adopt")


def test_condition_naming_nothing_and_unsafe_conditions(form):
    edit(form, "questionnaire.yaml", "show_if: has_internal_it == true", "show_if: __import__('os')")
    err = only_error(form)
    assert "not allowed in a condition" in err.message


def test_undefined_choice_list(form):
    edit(form, "questionnaire.yaml", "choices: adopt_levels", "choices: adoption")
    err = only_error(form)
    assert err.path == "questionnaire.sections[0].questions[3].choices"
    assert "'adoption' is not defined" in err.message


def test_duplicate_question_id_points_at_the_second(form):
    edit(form, "questionnaire.yaml", "      - id: ratio", "      - id: budget")
    err = only_error(form)
    lines = [i for i, t in enumerate((form / "questionnaire.yaml").read_text().splitlines(), 1) if "- id: budget" in t]
    assert err.line == lines[1]
    assert "duplicate question id 'budget'" in err.message
    assert err.path.endswith("questions[4].id")


def test_two_accountable_parties(form):
    edit(form, "responsibilities.yaml", "raci: {provider: C, internal: RA}", "raci: {provider: A, internal: RA}")
    err = only_error(form)
    assert err.file == "responsibilities.yaml"
    assert "exactly one Accountable party, has 2" in err.message


def test_remediation_role_must_be_a_priced_role(form):
    edit(form, "risks.yaml", "hours: {engineer: 6}", "hours: {wizard: 6}")
    err = only_error(form)
    assert err.path == "risk_library.risks[0].remediation.hours.wizard"
    assert err.file == "risks.yaml"


def test_missing_file(form):
    (form / "pricing.yaml").unlink()
    err = only_error(form)
    assert (err.file, err.message) == ("pricing.yaml", "file is missing from the form package")


def test_standards_paths_map_into_their_file(form):
    edit(form, "standards.yaml", 'exception_surcharge: "150.00"', 'exception_surcharge: "-1"')
    err = only_error(form)
    assert err.file == "standards.yaml"
    assert err.path == "standards[1].exception_surcharge"
    assert err.line == line_of(form, "standards.yaml", 'exception_surcharge: "-1"')


def test_a_broken_package_does_not_hide_the_valid_ones(form):
    broken = form.parent / "broken"
    shutil.copytree(form, broken)
    edit(broken, "package.yaml", "id: mini", "id: Broken Id")
    results = {r.folder.name: r for r in load_all(form.parent)}
    assert results["mini"].ok
    assert not results["broken"].ok
    assert results["broken"].errors[0].path == "id"


def test_content_hash_follows_content_not_layout(form):
    first = load_package(form).package.content_hash()
    edit(form, "fit.yaml", "thresholds: {good: 75, conditional: 50}", "thresholds:\n  good: 75\n  conditional: 50")
    assert load_package(form).package.content_hash() == first
    edit(form, "fit.yaml", "good: 75", "good: 80")
    assert load_package(form).package.content_hash() != first


def test_approvers_ship_in_the_form_package_and_are_checked(form):
    from approval_signing import approver

    ana, rosa = approver("Ana Ruiz", "Service leader")[0], approver("Rosa Diaz", "Service leader")[0]
    (form / "approvers.yaml").write_text(
        "approvers:\n"
        f"  - {{name: Ana Ruiz, role: Service leader, public_key: '{ana.public_key}', valid_to: 2027-06-30}}\n"
        f"  - {{name: Rosa Diaz, role: ceo, public_key: '{rosa.public_key}'}}\n"
        "  - {name: Sam Bad, role: Service leader, public_key: 'ed25519:AAAA'}\n")
    errors = {(e.file, e.line, e.path): e.message for e in load_package(form).errors}
    assert "An Ed25519 public key has 32 bytes; this one has 3" in errors[("approvers.yaml", 4, "approvers[2].public_key")]
    (form / "approvers.yaml").write_text("\n".join((form / "approvers.yaml").read_text().splitlines()[:3]) + "\n")
    err = only_error(form)
    assert (err.file, err.line, err.path) == ("approvers.yaml", 3, "approvers[1].role")
    assert "role 'ceo' is not a role of pricing.discount_approvals (Service leader)" in err.message
    edit(form, "approvers.yaml", "role: ceo", "role: service leader")
    pkg = load_package(form).package
    assert [a.name for a in pkg.approvers] == ["Ana Ruiz", "Rosa Diaz"]


def test_risk_bands_in_the_form_are_checked_and_named(form):
    edit(form, "risks.yaml", "risks:\n", "bands: {medium: 5, high: 12, critical: 9}\nrisks:\n")
    err = only_error(form)
    assert (err.file, err.path) == ("risks.yaml", "risk_library.bands.critical")
    assert "bands must rise" in err.message


def test_an_unknown_placeholder_in_a_task_title_names_file_and_key(form):
    edit(form, "risks.yaml", "    title: No MFA\n", "    title: No MFA\n    task_title: Enforce MFA on {product}\n")
    err = only_error(form)
    assert (err.file, err.path) == ("risks.yaml", "risk_library.risks[0].task_title")
    assert "unknown placeholder {product}" in err.message
