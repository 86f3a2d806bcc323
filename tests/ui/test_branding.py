"""A municipality brands Voordeur through settings only: name, colours and logo."""


def test_name_colours_and_logo_come_from_settings(client, settings, teams):
    settings.MUNICIPALITY = {
        **settings.MUNICIPALITY,
        "name": "Gemeente Zeestad",
        "primary_colour": "#123456",
        "primary_colour_dark": "#0a1b2c",
        "logo": "img/logo-voorbeeldstad.svg",
    }
    html = client.get("/").content.decode()
    assert "Gemeente Zeestad" in html
    # The colours come from a small stylesheet the page links to (no inline <style> under the CSP).
    assert 'href="/huisstijl.css' in html
    css = client.get("/huisstijl.css").content.decode()
    assert "--vd-primary: #123456; --vd-primary-dark: #0a1b2c;" in css
    assert '<img class="brand-image" src="/static/img/logo-voorbeeldstad.svg" alt="">' in html


def test_without_a_logo_the_header_shows_the_first_letter_of_the_place(client, settings, teams):
    settings.MUNICIPALITY = {**settings.MUNICIPALITY, "name": "Gemeente Zeestad", "logo": ""}
    html = client.get("/").content.decode()
    assert '<span class="brand-logo" aria-hidden="true">Z</span>' in html


def test_a_logo_url_is_used_as_is(client, settings, teams):
    settings.MUNICIPALITY = {**settings.MUNICIPALITY, "logo": "https://www.zeestad.nl/logo.svg"}
    assert 'src="https://www.zeestad.nl/logo.svg"' in client.get("/").content.decode()
