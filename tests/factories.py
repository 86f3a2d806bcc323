"""Small helpers to make cases through the real services."""

from intake import services


def submit_case(**overrides):
    values = {
        "question": "Ik wil een terras voor mijn café. Welke vergunning heb ik nodig?",
        "contact_name": "Marco van Dijk",
        "email": "marco@cafe.test",
        "company_name": "Café De Leeuw",
        "kvk_number": "12345678",
    }
    values.update(overrides)
    return services.case_submit(**values)
