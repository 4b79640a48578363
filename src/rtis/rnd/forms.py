"""Forms of the R&D pages (the version the editor saw travels with every write)."""

from __future__ import annotations

from django import forms


class PublishCallForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
