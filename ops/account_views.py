"""Account data pages: download everything, restore a fractal from its document, the calendar feed.

(In ``sessions`` because they read every app's rows; they belong with ``ops``/``front``.)
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from goals.models import Profile

from .account_export import calendar_for, export_filename, stream_account_zip
from .portability import PortabilityError, check_document, import_fractal, load_document

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
PENDING_KEY = "pending_fractal_import"


@login_required
@require_GET
def account_export(request):
    response = StreamingHttpResponse(stream_account_zip(request.user), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(request.user)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def preview_of(document):
    """What the document holds, or a PortabilityError for anything outside its own fractal."""
    check_document(document)
    root = document.get("root")
    counts, root_goal = {}, None
    for item in document["objects"]:
        label = str(item.get("model"))
        counts[label] = counts.get(label, 0) + 1
        if label == "goals.goal" and str(item.get("pk")).lower() == str(root).lower():
            root_goal = item["fields"]
    name = (root_goal or {}).get("name", "")
    return {"name": name, "counts": sorted(counts.items()), "total": len(document["objects"])}


def _refuse(request, reason):
    messages.error(request, f"That file cannot be imported: {reason}.")
    return redirect(f"{reverse('settings')}#your-data")


@login_required
@require_POST
def account_import(request):
    """Step one: read the upload and show what it holds; nothing is written yet."""
    upload = request.FILES.get("document")
    if upload is None:
        return _refuse(request, "choose a fractal document (.json) first")
    if upload.size > MAX_DOCUMENT_BYTES:
        return _refuse(request, f"it is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    try:
        text = upload.read().decode("utf-8")
        document = load_document(text)
        preview = preview_of(document)
    except UnicodeDecodeError:
        return _refuse(request, "it is not a UTF-8 text file")
    except PortabilityError as error:
        return _refuse(request, str(error))
    request.session[PENDING_KEY] = text
    return render(request, "accounts/import_preview.html", {"preview": preview, "filename": upload.name})


@login_required
@require_POST
def account_import_confirm(request):
    """Step two: write the document previewed, owned by the signed-in user."""
    text = request.session.pop(PENDING_KEY, None)
    if request.POST.get("action") != "import" or text is None:
        messages.info(request, "Nothing was imported.")
        return redirect(f"{reverse('settings')}#your-data")
    try:
        document = load_document(text)
        preview_of(document)
        counts = import_fractal(document, owner=request.user)
    except PortabilityError as error:
        return _refuse(request, str(error))
    messages.success(request, f"Imported the fractal “{preview_of(document)['name']}” ({sum(counts.values())} rows).")
    return redirect("fractal-tree", root_id=document["root"])


@require_GET
def calendar_feed(request, token):
    """The private iCal feed: no sign-in, the secret token is the credential."""
    profile = Profile.objects.filter(calendar_token=token).select_related("user").first()
    if profile is None or not token:
        raise Http404("No such calendar.")
    body = calendar_for(profile.user, request.get_host().split(":")[0] or "fractal-goals")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fractal-goals.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
