"""Import from the old app, from the web: upload → dry-run report → confirm → import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from goals.models.profile import Profile
from ops.forms import LegacyUploadForm
from ops.legacy import LegacyFileError, import_legacy, uploads


@login_required
@require_http_methods(["GET", "POST"])
def legacy_upload(request):
    form = LegacyUploadForm(
        request.POST or None, request.FILES or None, initial={"source_tz": Profile.for_user(request.user).time_zone}
    )
    if request.method == "POST" and form.is_valid():
        upload_id = uploads.store(
            request.user, form.cleaned_data["file"], {"source_tz": form.cleaned_data["source_tz"]}
        )
        return redirect("legacy-review", upload_id=upload_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "ops/legacy_upload.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def legacy_review(request, upload_id):
    found = uploads.find(request.user, upload_id)
    if found is None:
        raise Http404("No such upload.")
    path, meta = found
    if request.method == "POST" and request.POST.get("action") == "cancel":
        uploads.discard(request.user, upload_id)
        messages.info(request, "The upload was discarded; nothing was imported.")
        return redirect("legacy-upload")
    confirm = request.method == "POST" and request.POST.get("action") == "import"
    try:
        report = import_legacy(path, request.user, source_tz=meta["source_tz"], dry_run=not confirm)
    except LegacyFileError as error:
        uploads.discard(request.user, upload_id)
        context = {"form": LegacyUploadForm(initial={"source_tz": meta["source_tz"]}), "refused": str(error)}
        return render(request, "ops/legacy_upload.html", context, status=400)
    if confirm:
        uploads.discard(request.user, upload_id)
        imported = sum(counts.imported for counts in report.tables.values())
        messages.success(request, f"Imported {imported} row(s) from {meta['name']}.")
        return redirect(reverse("fractal-list"))
    return render(
        request,
        "ops/legacy_review.html",
        {"report": report, "data": report.as_dict(), "upload_id": upload_id, "name": meta["name"]},
    )
