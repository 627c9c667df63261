"""WTForms' own validator messages speak the reader's language (WTForms ships no Vietnamese or Khmer)."""

import pytest

REQUIRED = {"km": "វាលនេះត្រូវតែបំពេញ។", "vi": "Trường này là bắt buộc.", "en": "This field is required."}


@pytest.mark.parametrize("lang", ["km", "vi", "en"])
def test_required_field_message_follows_the_language(client, lang):
    client.get(f"/lang/{lang}")
    page = client.post("/login", data={"email": "", "password": "secret"}).get_data(as_text=True)
    assert REQUIRED[lang] in page


def test_wtforms_messages_keep_their_placeholders(app):
    from flask_babel import force_locale
    from wtforms import Form, StringField
    from wtforms.validators import Length

    from border_trade.form_messages import AppCatalogueFirst

    class NameForm(Form):
        name = StringField(validators=[Length(max=3)])

        class Meta:
            def get_translations(self, form):
                return AppCatalogueFirst()

    with app.test_request_context("/"), force_locale("vi"):
        form = NameForm(data={"name": "Tây Ninh"})
        assert not form.validate()
        assert form.errors["name"] == ["Trường này không được dài quá 3 ký tự."]
