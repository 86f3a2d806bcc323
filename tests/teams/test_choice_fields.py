"""teams.forms: user selects show full names; ids that cannot exist are a form error before any query."""

import pytest

from casework.forms import AssignOwnerForm
from companies.forms import CompanyForm, VisitForm
from followup.forms import CallbackForm
from teams.forms import is_valid_id
from teams.selectors import staff_users
from tests.conftest import make_user


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("1", True),
        (42, True),
        ("999999", True),
        ("0", False),
        ("-1", False),
        ("abc", False),
        ("1.5", False),
        (" ", False),
        ("٣", False),
        (str(2**63), False),
        (True, False),
    ],
)
def test_is_valid_id(value, valid):
    assert is_valid_id(value) is valid


def test_user_selects_show_full_names(teams):
    user = make_user("jdevries", teams["economie"])
    user.first_name, user.last_name = "Jan", "de Vries"
    user.save()
    for form, name in (
        (AssignOwnerForm(owners=staff_users()), "assign-owner"),
        (CompanyForm(), "account_manager"),
        (VisitForm(), "visit-visitors"),
        (CallbackForm(), "terugbellen-assignee"),
    ):
        field = form[name.split("-", 1)[-1]] if "-" in name else form[name]
        labels = [str(label) for _value, label in field.field.choices]
        assert "Jan de Vries" in labels and "jdevries" not in labels, (type(form).__name__, labels)
