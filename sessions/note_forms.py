"""Forms of the Notes page: writing a note (and what it hangs on) and filtering the list."""

from django import forms

from activities.models import ActivityDefinition
from goals.models import Goal

from .models import ActivityInstance, Note, NoteContext, PracticeSession
from .notes import SEARCH_MAX_LENGTH

ATTACHMENTS = {
    "goal": Goal,
    "session": PracticeSession,
    "activity": ActivityDefinition,
    "instance": ActivityInstance,
}


class NoteForm(forms.ModelForm):
    """The text and pin of a note; a new one may also name (hidden) what it hangs on, in the fractal."""

    class Meta:
        model = Note
        fields = ["body", "pinned", "goal", "session", "activity", "instance", "set_number"]
        widgets = {
            "body": forms.Textarea(
                attrs={"rows": 4, "placeholder": "Markdown: **bold**, *italic*, - lists, [links](https://…)"}
            ),
            "set_number": forms.HiddenInput,
        }
        labels = {"body": "Note", "pinned": "Pin it to the top"}

    def __init__(self, *args, fractal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fractal = fractal
        editing = not self.instance._state.adding
        for name, model in ATTACHMENTS.items():
            if editing:
                del self.fields[name]
            else:
                self.fields[name].queryset = model.objects.filter(root_id=fractal.pk)
                self.fields[name].widget = forms.HiddenInput()
        if editing:
            del self.fields["set_number"]
        else:
            self.instance.root_id = fractal.pk


class NoteFilterForm(forms.Form):
    context = forms.ChoiceField(choices=[("", "Anything"), *NoteContext.choices], required=False, label="On")
    pinned = forms.BooleanField(required=False, label="Pinned only")
    text = forms.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Words in the notes (any case)"}),
    )

    def filters(self):
        data = self.cleaned_data
        return {
            "context": data.get("context") or None,
            "pinned": True if data.get("pinned") else None,
            "text": data.get("text"),
        }


class SessionNoteForm(forms.ModelForm):
    """A note written on the session page: its text, pin and (for a new note of an activity) its set.

    What it hangs on (the session or one of its instances) is set by the view, never posted.
    """

    class Meta:
        model = Note
        fields = ["body", "pinned", "set_number"]
        widgets = {"body": forms.Textarea(attrs={"rows": 2, "placeholder": "Markdown: **bold**, - lists, links"})}
        labels = {"body": "Note", "pinned": "Pin", "set_number": "Set"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.instance
        if not note._state.adding or note.instance_id is None or not note.instance.activity.has_sets:
            del self.fields["set_number"]  # a set is chosen when the note is written, on an activity with sets
