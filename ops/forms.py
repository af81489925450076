from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from goals.models.profile import validate_time_zone


class LegacyUploadForm(forms.Form):
    file = forms.FileField(label="Your old goals.db", help_text="The SQLite file of the old app.")
    source_tz = forms.CharField(
        label="Time zone of the old app",
        max_length=64,
        validators=[validate_time_zone],
        help_text="Where you used the old app; its local times are read in this zone.",
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.LEGACY_UPLOAD_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(f"The file is larger than the limit of {filesizeformat(limit)}.")
        return uploaded
